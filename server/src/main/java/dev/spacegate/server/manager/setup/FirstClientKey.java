package dev.spacegate.server.manager.setup;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.server.config.EnvKeys;
import dev.spacegate.server.gateway.auth.ClientKeys;
import dev.spacegate.server.manager.config.LiveConfig;
import dev.spacegate.server.web.Json;

/**
 * The client key made on the very first start when no client key is configured from any source: one {@code sgk_}
 * key added to {@code api-keys}, printed once on standard output and shown once in the panel's keys page. Made at
 * most once per store (a later removal of every key leaves the gateway closed, not reopened with a new key).
 */
public record FirstClientKey(SettingsStore settings, LiveConfig config, Clock clock) {
    /** Settings key of the record (the key's SHA-256 and whether the panel showed it; never the key itself). */
    public static final String SETTINGS_KEY = "gateway.first_client_key";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Makes the key when this store never had one made, the config has no {@code api-keys}, the environment no
     * client keys and the operator did not opt in to {@code allow-unauthenticated}; prints it on {@code out}.
     *
     * @return the key when one was made now
     */
    public Optional<String> ensure(EnvKeys envKeys, PrintStream out) {
        ObjectNode doc = config.current();
        JsonNode keys = doc.path("api-keys");
        if ((keys.isArray() && !keys.isEmpty()) || !envKeys.isEmpty() || ClientKeys.allowsUnauthenticated(doc)
                || settings.get(SETTINGS_KEY).isPresent()
                // a config file was given but refused: it seeds the store once fixed, and may hold keys itself
                || config.status().path("state").asText().equals("seed_rejected")) {
            return Optional.empty();
        }
        String key = generate();
        ObjectNode record = Json.MAPPER.createObjectNode().put("sha256", sha256(key))
                .put("createdAtMs", clock.millis()).put("shown", false);
        try {
            settings.put(SETTINGS_KEY, record, SettingsStore.ABSENT);
        } catch (PersistenceException e) {
            if (e.code() == PersistenceException.Code.VERSION_CONFLICT) {
                return Optional.empty(); // another replica made it
            }
            throw e;
        }
        config.update(d -> d.putArray("api-keys").add(key));
        out.println("Spacegate client API key generated (shown once, keep it): " + key);
        return Optional.of(key);
    }

    /**
     * The generated key, once: the first call after it was made returns it (while it is still in {@code api-keys})
     * and marks it shown; every later call returns empty.
     */
    public Optional<Revealed> revealOnce() {
        Optional<Versioned<JsonNode>> stored = settings.get(SETTINGS_KEY);
        if (stored.isEmpty() || stored.get().value().path("shown").asBoolean(true)) {
            return Optional.empty();
        }
        JsonNode record = stored.get().value();
        String wanted = record.path("sha256").asText();
        Optional<String> key = Optional.empty();
        for (JsonNode k : config.current().path("api-keys")) {
            if (MessageDigest.isEqual(sha256(k.asText()).getBytes(StandardCharsets.US_ASCII),
                    wanted.getBytes(StandardCharsets.US_ASCII))) {
                key = Optional.of(k.asText());
            }
        }
        try {
            settings.put(SETTINGS_KEY, ((ObjectNode) record.deepCopy()).put("shown", true), stored.get().version());
        } catch (PersistenceException e) {
            if (e.code() == PersistenceException.Code.VERSION_CONFLICT) {
                return Optional.empty(); // shown by another request or replica just now
            }
            throw e;
        }
        Instant created = Instant.ofEpochMilli(record.path("createdAtMs").asLong());
        return key.map(k -> new Revealed(k, created));
    }

    /** The generated key and when it was made. */
    public record Revealed(String key, Instant createdAt) {
    }

    /** A fresh client key: {@code sgk_} and 32 letters and digits. */
    public static String generate() {
        StringBuilder sb = new StringBuilder("sgk_");
        for (int i = 0; i < 32; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
