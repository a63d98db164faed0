package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.spacegate.server.testing.LogCapture;
import org.junit.jupiter.api.Test;

/**
 * Promise (docs/security.md, "Logs"): no secret reaches the access log (finding 6): query values whose decoded name
 * may hold a key are redacted, and every query value on the management API.
 */
class LogRedactionTest {

    @Test
    void secretsInTheQueryNeverReachTheAccessLog() throws Exception {
        LogCapture capture = LogCapture.accessLog();
        List<String> lines = capture.messages();
        String clientKey = "fake-logged-client-key-not-secret";
        try (SecureServer s = SecureServer.start("api-keys: [\"" + clientKey + "\"]\n", Map.of())) {
            s.send("GET", "/v1beta/models?%6Bey=" + clientKey, null);
            s.send("GET", "/v1beta/models?Key=" + clientKey, null);
            s.manage("DELETE", "/v0/management/api-keys?value=" + clientKey, null);
            s.manage("GET", "/v0/management/usage?anything=" + clientKey, null);
        } finally {
            capture.close();
        }
        assertTrue(lines.size() >= 4, lines.toString());
        for (String line : lines) {
            assertFalse(line.contains(clientKey), line);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("%6Bey=REDACTED")), lines.toString());
    }
}
