package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import dev.spacegate.persistence.Persistence;
import org.junit.jupiter.api.Test;

/**
 * Promise (docs/security.md, "Sealed at rest"): the config's secret fields never reach the store in clear, and the
 * database file and data directory are readable by the server's user only (finding 5).
 */
class SealedAtRestTest {
    private static final String UPSTREAM_KEY = "upstream-key-at-rest-not-secret";
    private static final String CLIENT_KEY = "fake-client-at-rest-not-secret";
    private static final String PROXY_PASSWORD = "proxy-password-at-rest-not-secret";

    @Test
    void secretFieldsAreSealedAndTheFilesArePrivate() throws Exception {
        try (SecureServer s = SecureServer.start("""
                api-keys: ["%s"]
                proxy-url: "socks5://user:%s@127.0.0.1:1080"
                claude-api-key:
                  - api-key: %s
                    base-url: http://127.0.0.1:9
                """.formatted(CLIENT_KEY, PROXY_PASSWORD, UPSTREAM_KEY), Map.of())) {
            s.ok("PUT", "/v0/management/api-keys", "[\"" + CLIENT_KEY + "\",\"fake-second-at-rest-not-secret\"]");
            String stored = s.persistence.config().load().orElseThrow().value();
            for (String secret : new String[]{UPSTREAM_KEY, CLIENT_KEY, PROXY_PASSWORD, "fake-second-at-rest"}) {
                assertFalse(stored.contains(secret), "stored in clear: " + secret);
            }
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.dir)));
            Path db = s.dir.resolve(Persistence.SQLITE_FILE);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        }
    }
}
