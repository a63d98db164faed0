package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.spacegate.server.testing.RawHttp;
import dev.spacegate.server.web.TrustedProxies;
import org.junit.jupiter.api.Test;

/**
 * Promise (docs/security.md, "Client addresses and bans"): the address a ban counts is the socket peer unless the
 * peer is a trusted proxy (finding 3); every X-Forwarded-For line counts; failed logins are capped server-wide.
 */
class TrustedProxiesTest {
    private static final String STATUS = "GET /v0/management/usage HTTP/1.1";

    private static int status(SecureServer s, String key, String... xff) throws Exception {
        String[] lines = new String[3 + xff.length];
        lines[0] = STATUS;
        lines[1] = "Host: x";
        lines[2] = "X-Management-Key: " + key;
        for (int i = 0; i < xff.length; i++) {
            lines[3 + i] = "X-Forwarded-For: " + xff[i];
        }
        String response = RawHttp.exchange(s.port(), lines);
        return Integer.parseInt(response.substring(9, 12));
    }

    @Test
    void byDefaultANewForwardedForPerAttemptBuysNoGuesses() throws Exception {
        try (SecureServer s = SecureServer.start("", Map.of())) {
            for (int i = 0; i < 5; i++) {
                assertEquals(401, status(s, "wrong-" + i, "198.51.100." + i));
            }
            assertEquals(403, status(s, SecureServer.MANAGEMENT_KEY, "198.51.100.99"),
                    "the socket address was banned, whatever the header said");
        }
    }

    @Test
    void behindATrustedProxyOnlyTheAddressItAppendedCountsAndEveryLineIsRead() throws Exception {
        try (SecureServer s = SecureServer.start("", Map.of("TRUSTED_PROXIES", "127.0.0.1/32"))) {
            // the attacker names a victim; the proxy appends the attacker's real address
            for (int i = 0; i < 5; i++) {
                assertEquals(401, status(s, "wrong-" + i, "203.0.113.9, 198.51.100.1"));
            }
            assertEquals(200, status(s, SecureServer.MANAGEMENT_KEY, "203.0.113.9"), "the victim is not locked out");
            assertEquals(403, status(s, SecureServer.MANAGEMENT_KEY, "198.51.100.1"), "the attacker is");
            // a second header line is not skipped: the proxy's line is the last one
            for (int i = 0; i < 5; i++) {
                assertEquals(401, status(s, "wrong-" + i, "192.0.2." + i, "198.51.100.2"));
            }
            assertEquals(403, status(s, SecureServer.MANAGEMENT_KEY, "198.51.100.2"));
        }
    }

    @Test
    void failedLoginsAreCappedForTheWholeServer() throws Exception {
        try (SecureServer s = SecureServer.start("", Map.of("TRUSTED_PROXIES", "127.0.0.1",
                "MANAGEMENT_LOGIN_FAILURES_PER_MINUTE", "8"))) {
            int refused = 0;
            for (int i = 0; i < 12; i++) {
                // a fresh address per attempt, as a botnet would
                int code = status(s, "wrong-" + i, "198.51." + (i / 250) + "." + (i % 250));
                refused += code == 429 ? 1 : 0;
                assertTrue(code == 401 || code == 429, "attempt " + i + " -> " + code);
            }
            assertEquals(4, refused, "8 failures a minute (as configured), then 429 for everyone");
            assertEquals(429, status(s, SecureServer.MANAGEMENT_KEY, "192.0.2.200"), "the right key waits too");
        }
    }

    @Test
    void theResolutionRules() {
        TrustedProxies none = TrustedProxies.parse("none");
        assertEquals("10.0.0.5", none.resolve("10.0.0.5", List.of("1.2.3.4")));
        TrustedProxies space = TrustedProxies.fromEnv(Map.of("SPACE_ID", "me/space"));
        assertEquals("1.2.3.4", space.resolve("10.16.3.80", List.of("9.9.9.9, 1.2.3.4")), "HF Space default");
        assertEquals("1.2.3.4", space.resolve("10.16.3.80", List.of("9.9.9.9, 1.2.3.4, 10.1.1.1")));
        assertEquals("8.8.8.8", space.resolve("8.8.8.8", List.of("1.2.3.4")), "an untrusted peer is the client");
        TrustedProxies hops = TrustedProxies.parse("2");
        assertEquals("5.6.7.8", hops.resolve("10.0.0.1", List.of("1.1.1.1, 5.6.7.8", "10.9.9.9")));
        assertEquals("2001:db8::1", TrustedProxies.parse("::1/128").resolve("0:0:0:0:0:0:0:1",
                List.of("[2001:db8::1]:443")));
    }
}
