package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Promise (docs/security.md, "Config changes are checked and reversible"): a garbage config body does not replace
 * the config (finding 2). Unknown top-level keys are refused by name, a body that would remove every provider and
 * client key needs confirmation, and the previous version can be brought back.
 */
class ConfigWritesTest {
    private static final String CLIENT_KEY = "fake-config-writes-not-secret";

    @Test
    void aGarbageBodyLeavesProvidersAndKeysInPlace() throws Exception {
        try (SecureServer s = SecureServer.start("""
                api-keys: ["%s"]
                claude-api-key:
                  - api-key: upstream-config-writes-not-secret
                    base-url: http://127.0.0.1:9
                """.formatted(CLIENT_KEY), Map.of())) {
            HttpResponse<String> garbage = s.send("PUT", "/v0/management/config.yaml", "{\"model\":123}",
                    "Authorization", "Bearer " + SecureServer.MANAGEMENT_KEY, "Content-Type", "application/yaml");
            assertEquals(422, garbage.statusCode(), garbage.body());
            assertTrue(garbage.body().contains("model"), "names the unknown key: " + garbage.body());

            HttpResponse<String> empty = s.send("PUT", "/v0/management/config.yaml", "debug: true\n",
                    "Authorization", "Bearer " + SecureServer.MANAGEMENT_KEY, "Content-Type", "application/yaml");
            assertEquals(409, empty.statusCode(), "removing every provider and key needs ?confirm: " + empty.body());

            assertEquals(1, s.ok("GET", "/v0/management/claude-api-key", null).path("claude-api-key").size());
            assertEquals(CLIENT_KEY, s.ok("GET", "/v0/management/api-keys", null).path("api-keys").get(0).asText());
            assertEquals(200, s.send("GET", "/v1/models", null, "Authorization", "Bearer " + CLIENT_KEY).statusCode());
            assertEquals(401, s.send("GET", "/v1/models", null).statusCode(), "still closed to others");

            JsonNode history = s.ok("GET", "/v0/management/config/history", null);
            assertTrue(history.toString().contains("version"), "versions are kept: " + history);
        }
    }
}
