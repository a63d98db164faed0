package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

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
            JsonNode stored = s.persistence.settings().get(ManagementKeys.SETTINGS_KEY).orElseThrow().value();
            assertEquals(2, stored.path("version").asInt());
            assertEquals("pbkdf2-hmac-sha256", stored.path("kdf").asText());
            assertTrue(stored.path("iterations").asInt() >= 600_000);
            assertTrue(!stored.toString().contains(SecureServer.MANAGEMENT_KEY));

            // an older version's record: one HMAC-SHA256 of the key under a random salt
            byte[] salt = "sixteen-byte-slt".getBytes(StandardCharsets.US_ASCII);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            byte[] hash = mac.doFinal(SecureServer.MANAGEMENT_KEY.getBytes(StandardCharsets.UTF_8));
            ObjectNode old = SecureServer.JSON.createObjectNode().put("version", 1)
                    .put("salt", Base64.getEncoder().withoutPadding().encodeToString(salt))
                    .put("keyHash", Base64.getEncoder().withoutPadding().encodeToString(hash))
                    .put("createdAtMs", 1L).put("source", "env");
            SettingsStore settings = s.persistence.settings();
            settings.put(ManagementKeys.SETTINGS_KEY, old,
                    settings.get(ManagementKeys.SETTINGS_KEY).orElseThrow().version());
            s.restart();
            assertEquals(200, s.manage("GET", "/v0/management/usage", null).statusCode());
            JsonNode upgraded = settings.get(ManagementKeys.SETTINGS_KEY).orElseThrow().value();
            assertEquals(2, upgraded.path("version").asInt(), "stored again with the slow KDF");
            assertEquals(200, s.manage("GET", "/v0/management/usage", null).statusCode());
            assertEquals(401, s.send("GET", "/v0/management/usage", null, "X-Management-Key", "wrong").statusCode());
        }
    }
}
