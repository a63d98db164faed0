package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.server.manager.setup.ManagementKeys;
import org.junit.jupiter.api.Test;

/**
 * Promise (docs/security.md, "Stored keys"): the management key is stored only as a PBKDF2-HMAC-SHA256 hash with at
 * least 600,000 iterations (finding 9); a key stored by an older version (one salted HMAC) still opens and is
 * stored again with the slow KDF.
 */
class ManagementPasswordTest {

    @Test
    void theManagementKeyIsStoredWithASlowKdfAndOldHashesAreUpgraded() throws Exception {
        try (SecureServer s = SecureServer.start("", Map.of())) {
            JsonNode stored = storedKey(s.persistence.settings()).value();
            assertEquals(2, stored.path("version").asInt());
            assertEquals("pbkdf2-hmac-sha256", stored.path("kdf").asText());
            assertTrue(stored.path("iterations").asInt() >= 600_000);
            assertTrue(!stored.toString().contains(SecureServer.MANAGEMENT_KEY));

            ObjectNode old = oldRecord(SecureServer.MANAGEMENT_KEY);
            SettingsStore settings = s.persistence.settings();
            settings.put(ManagementKeys.SETTINGS_KEY, old,
                    settings.get(ManagementKeys.SETTINGS_KEY).orElseThrow().version());
            s.restart();
            assertEquals(200, s.manage("GET", "/v0/management/usage", null).statusCode());
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (settings.get(ManagementKeys.SETTINGS_KEY).orElseThrow().value().path("version").asInt() != 2) {
                assertTrue(System.nanoTime() < deadline, "stored again with the slow KDF after the restart");
                Thread.onSpinWait(); // the start's check runs on a thread of its own
            }
            assertEquals(200, s.manage("GET", "/v0/management/usage", null).statusCode());
            assertEquals(401, s.send("GET", "/v0/management/usage", null, "X-Management-Key", "wrong").statusCode());
        }
    }

    @Test
    void withoutAnEnvironmentPasswordAnOldHashIsStoredAgainAtTheNextLogin() throws Exception {
        try (SecureServer s = SecureServer.start("", Map.of())) {
            SettingsStore settings = s.persistence.settings();
            String key = "adopted-key-not-secret";
            settings.put(ManagementKeys.SETTINGS_KEY, oldRecord(key), storedKey(settings).version());
            // a key adopted from a config's secret-key or generated: the plaintext arrives only with a login
            ManagementKeys keys = ManagementKeys.open(settings, Optional.empty(), Clock.systemUTC());
            assertEquals(1, settings.get(ManagementKeys.SETTINGS_KEY).orElseThrow().value().path("version").asInt());
            assertFalse(keys.verify("wrong-not-secret"));
            assertEquals(1, settings.get(ManagementKeys.SETTINGS_KEY).orElseThrow().value().path("version").asInt(),
                    "a wrong key changes nothing");
            assertTrue(keys.verify(key));
            JsonNode upgraded = settings.get(ManagementKeys.SETTINGS_KEY).orElseThrow().value();
            assertEquals(2, upgraded.path("version").asInt(), "stored again with the slow KDF");
            assertEquals("env", upgraded.path("source").asText(), "its source is kept");
            assertTrue(ManagementKeys.open(settings, Optional.empty(), Clock.systemUTC()).verify(key), "and opens");
        }
    }

    /** What an older version stored: one HMAC-SHA256 of the key under a random salt. */
    private static ObjectNode oldRecord(String key) throws Exception {
        byte[] salt = "sixteen-byte-slt".getBytes(StandardCharsets.US_ASCII);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] hash = mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
        return SecureServer.JSON.createObjectNode().put("version", 1)
                .put("salt", Base64.getEncoder().withoutPadding().encodeToString(salt))
                .put("keyHash", Base64.getEncoder().withoutPadding().encodeToString(hash))
                .put("createdAtMs", 1L).put("source", "env");
    }

    /** The stored key once the start's check of MANAGEMENT_PASSWORD (a thread of its own) has written it. */
    private static dev.spacegate.persistence.Versioned<JsonNode> storedKey(SettingsStore settings) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        Optional<dev.spacegate.persistence.Versioned<JsonNode>> stored = settings.get(ManagementKeys.SETTINGS_KEY);
        while (stored.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the management key was not stored within 30 s");
            Thread.onSpinWait();
            stored = settings.get(ManagementKeys.SETTINGS_KEY);
        }
        return stored.get();
    }
}
