package dev.spacegate.server.manager.setup;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.server.config.EnvKeys;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The management key: created once (from {@code MANAGEMENT_PASSWORD} or generated and printed once), stored only as
 * a salted HMAC-SHA256, checked in constant time on every management request, with a per-IP ban after repeated
 * failures (5 failures -> 403 for 30 minutes, as CLIProxyAPI).
 */
public final class ManagementKeys {
    private static final System.Logger LOG = System.getLogger(ManagementKeys.class.getName());
    /** Settings key of the stored credential. */
    public static final String SETTINGS_KEY = "manager.admin_credential";
    static final int MAX_FAILURES = 5;
    static final Duration BAN = Duration.ofMinutes(30);
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Prefix of {@link #hashed()} values. */
    static final String HASH_PREFIX = "spacegate-hash:";

    private record Credential(byte[] salt, byte[] hash) {
    }

    private static final class Attempts {
        int failures;
        long bannedUntilMs;
    }

    private final SettingsStore settings;
    private final Optional<String> password;
    private final Clock clock;
    private final Map<String, Attempts> attempts = new ConcurrentHashMap<>();
    private volatile Credential credential;
    private volatile EnvKeys previous = EnvKeys.none("MANAGEMENT_PASSWORD");

    private ManagementKeys(SettingsStore settings, Optional<String> password, Clock clock) {
        this.settings = settings;
        this.password = password;
        this.clock = clock;
    }

    /**
     * Loads the stored credential or creates it. {@code MANAGEMENT_PASSWORD}, when set, is always the key (the Space
     * secret is the operator's source of truth, so changing the secret rotates the key); without it a key is
     * generated on first start and printed once on standard output.
     */
    public static ManagementKeys open(SettingsStore settings, Optional<String> password, Clock clock) {
        ManagementKeys keys = new ManagementKeys(settings, password, clock);
        keys.load();
        return keys;
    }

    private void load() {
        Optional<Versioned<JsonNode>> stored = settings.get(SETTINGS_KEY);
        if (password.isPresent()) {
            if (stored.isPresent() && matches(decode(stored.get().value()), password.get())) {
                credential = decode(stored.get().value());
                return;
            }
            credential = store(password.get(), "env", stored.map(Versioned::version).orElse(SettingsStore.ABSENT));
            return;
        }
        if (stored.isPresent()) {
            credential = decode(stored.get().value());
            return;
        }
        String generated = generate();
        try {
            credential = store(generated, "generated", SettingsStore.ABSENT);
            System.out.println("Spacegate management key generated (shown once, keep it): " + generated);
        } catch (PersistenceException e) {
            if (e.code() != PersistenceException.Code.VERSION_CONFLICT) {
                throw e;
            }
            credential = decode(settings.get(SETTINGS_KEY).orElseThrow().value()); // another replica was first
        }
    }

    /**
     * Also admits the key a rotation replaced ({@code MANAGEMENT_PASSWORD_PREVIOUS}) until the end of its window;
     * after that it is refused with a message naming the rotation. Only previous keys of {@code keys} count.
     */
    public ManagementKeys previous(EnvKeys keys) {
        this.previous = new EnvKeys(keys.name(), keys.keys().stream().filter(EnvKeys.Key::previous).toList());
        return this;
    }

    /** Re-reads the stored key: another replica may have changed it (a restart with a new MANAGEMENT_PASSWORD). */
    public void reload() {
        settings.get(SETTINGS_KEY).ifPresent(v -> credential = decode(v.value()));
    }

    /**
     * Makes {@code key} the management key unless it already is, stored hashed like every key (CLIProxyAPI's
     * {@code remote-management.secret-key} when {@code MANAGEMENT_PASSWORD} is unset). Never logs the key.
     *
     * @return true when the key changed
     */
    public synchronized boolean adopt(String key, String source) {
        if (key == null || key.isBlank() || matches(credential, key.trim())) {
            return false;
        }
        long version = settings.get(SETTINGS_KEY).map(Versioned::version).orElse(SettingsStore.ABSENT);
        credential = store(key.trim(), source, version);
        return true;
    }

    /**
     * A salted hash of {@code key} as one opaque string: what a config document keeps in place of a plaintext
     * {@code remote-management.secret-key}.
     */
    public static String hashForConfig(String key) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return HASH_PREFIX + b64.encodeToString(salt) + ":" + b64.encodeToString(hmac(salt, key.trim()));
    }

    /** True when {@code MANAGEMENT_PASSWORD} sets the key (a config's secret-key then does not). */
    public boolean fromEnvironment() {
        return password.isPresent();
    }

    /** Whether a config value is a hash from {@link #hashForConfig} rather than a plaintext key. */
    public static boolean isHashed(String value) {
        return value != null && value.startsWith(HASH_PREFIX);
    }

    /** A fresh key: {@code sgm_} and 32 letters and digits. */
    public static String generate() {
        StringBuilder sb = new StringBuilder("sgm_");
        for (int i = 0; i < 32; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private Credential store(String key, String source, long expectedVersion) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Credential c = new Credential(salt, hmac(salt, key));
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        ObjectNode doc = Json.MAPPER.createObjectNode().put("version", 1).put("salt", b64.encodeToString(salt))
                .put("keyHash", b64.encodeToString(c.hash())).put("createdAtMs", clock.millis()).put("source", source);
        settings.put(SETTINGS_KEY, doc, expectedVersion);
        LOG.log(System.Logger.Level.INFO, "Management key stored as a salted hash (source: " + source + ")");
        return c;
    }

    private static Credential decode(JsonNode doc) {
        return new Credential(Base64.getDecoder().decode(doc.path("salt").asText()),
                Base64.getDecoder().decode(doc.path("keyHash").asText()));
    }

    private static byte[] hmac(byte[] salt, String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            return mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static boolean matches(Credential c, String key) {
        return !key.isEmpty() && MessageDigest.isEqual(c.hash(), hmac(c.salt(), key));
    }

    /** True when {@code key} is the management key (constant time). */
    public boolean verify(String key) {
        if (key == null) {
            return false;
        }
        boolean current = matches(credential, key.trim());
        Optional<EnvKeys.Key> old = previous.find(key.trim());
        return current || old.isPresent() && old.get().validAt(clock.instant());
    }

    /**
     * Admits a management request or answers it: 401 {@code missing_management_key} / {@code invalid_management_key},
     * 403 {@code ip_banned} after {@value #MAX_FAILURES} failures from one address (30 minutes).
     *
     * @return true when the caller holds the key and the handler may go on
     */
    public boolean admit(ServerRequest req, ServerResponse res) {
        String ip = clientIp(req);
        long now = clock.millis();
        Attempts a = attempts.get(ip);
        if (a != null) {
            synchronized (a) {
                if (a.bannedUntilMs > now) {
                    long minutes = Math.max(1, (a.bannedUntilMs - now + 59_999) / 60_000);
                    ApiError.send(res, 403, "ip_banned", "IP banned due to too many failed attempts. Try again in "
                            + minutes + " min");
                    return false;
                }
            }
        }
        Optional<String> key = presented(req);
        if (key.isEmpty()) {
            ApiError.send(res, 401, "missing_management_key", "missing management key");
            return false;
        }
        if (verify(key.get())) {
            if (a != null) {
                attempts.remove(ip);
            }
            return true;
        }
        Attempts counted = attempts.computeIfAbsent(ip, k -> new Attempts());
        synchronized (counted) {
            if (counted.bannedUntilMs <= now && counted.bannedUntilMs != 0) {
                counted.failures = 0; // an expired ban starts a fresh count
                counted.bannedUntilMs = 0;
            }
            counted.failures++;
            if (counted.failures >= MAX_FAILURES) {
                counted.bannedUntilMs = now + BAN.toMillis();
                LOG.log(System.Logger.Level.WARNING, "Management access from one address banned for "
                        + BAN.toMinutes() + " min after " + MAX_FAILURES + " wrong keys");
            }
        }
        Optional<EnvKeys.Key> rotated = previous.find(key.get());
        ApiError.send(res, 401, "invalid_management_key",
                rotated.map(previous::expiredMessage).orElse("invalid management key"));
        return false;
    }

    /** The key from {@code Authorization: Bearer} (a non-Bearer value is used raw) or {@code X-Management-Key}. */
    static Optional<String> presented(ServerRequest req) {
        Optional<String> auth = req.headers().first(HeaderNames.AUTHORIZATION).map(String::trim)
                .filter(s -> !s.isEmpty());
        if (auth.isPresent()) {
            String v = auth.get();
            return Optional.of(v.regionMatches(true, 0, "Bearer ", 0, 7) ? v.substring(7).trim() : v);
        }
        return req.headers().first(HeaderNames.create("X-Management-Key")).map(String::trim).filter(s -> !s.isEmpty());
    }

    /**
     * The caller's address: the last {@code X-Forwarded-For} hop when present (the one the nearest proxy appended;
     * on a Hugging Face Space every request arrives from the platform's proxy, so the peer alone would ban everyone
     * at once), else the peer address. Clients can only prepend hops, so they cannot pick the counted address.
     */
    static String clientIp(ServerRequest req) {
        Optional<String> xff = req.headers().first(HeaderNames.X_FORWARDED_FOR);
        if (xff.isPresent()) {
            String[] hops = xff.get().split(",");
            String last = hops[hops.length - 1].trim();
            if (!last.isEmpty()) {
                return last;
            }
        }
        return req.remotePeer().host();
    }
}
