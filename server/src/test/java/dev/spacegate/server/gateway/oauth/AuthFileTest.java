package dev.spacegate.server.gateway.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The auth file model: CLIProxyAPI's field rules, expiry keys and auth_index. */
class AuthFileTest {

    private static AuthFile parse(String json) throws Exception {
        return AuthFile.parse("codex-me@example.com-plus.json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void authIndexIsSha256OfTypeAndAbsolutePath() throws Exception {
        // golden value computed outside Java: sha256("codex:/home/me/.cli-proxy-api/codex-me@example.com-plus.json")[:16]
        AuthFile f = parse("{\"type\":\"Codex\"}");
        assertEquals("ce7b82da18446059", f.authIndex(Path.of("/home/me/.cli-proxy-api")));
        assertEquals("ce7b82da18446059", f.authIndex(Path.of("/home/me/x/../.cli-proxy-api/")));
    }

    @Test
    void proxyUrlsAreCheckedWithoutRepeatingTheirPassword() throws Exception {
        assertEquals("socks5://u:p-not-secret@127.0.0.1:1080",
                parse("{\"type\":\"codex\",\"proxy_url\":\"socks5://u:p-not-secret@127.0.0.1:1080\"}").proxyUrl());
        AuthFile.InvalidAuthFileException e = assertThrows(AuthFile.InvalidAuthFileException.class,
                () -> parse("{\"type\":\"codex\",\"proxy-url\":\"ftp://u:p-not-secret@127.0.0.1\"}"));
        assertTrue(e.getMessage().contains("proxy_url"), e.getMessage());
        assertFalse(e.getMessage().contains("p-not-secret"), e.getMessage());
    }

    @Test
    void legacyKebabCaseKeysAreRenamed() throws Exception {
        AuthFile f = parse("""
                {"type":"codex","proxy-url":"http://127.0.0.1:1","excluded-models":["GPT-5*"],"request-retry":2,
                 "model-aliases":[{"name":"gpt-5","alias":"fast","force-mapping":true}],"disable-cooling":true}""");
        assertEquals("http://127.0.0.1:1", f.proxyUrl());
        assertEquals(List.of("gpt-5*"), f.excludedModels());
        assertEquals(2, f.requestRetry());
        assertTrue(f.disableCooling());
        assertEquals("fast", f.modelAliases().get(0).alias());
        assertTrue(f.modelAliases().get(0).forceMapping());
        assertFalse(f.json().has("proxy-url"));
    }

    @Test
    void requestScopedErrorsAreReadAndChecked() throws Exception {
        AuthFile f = parse("""
                {"type":"codex","request-scoped-errors":[{"status":429,"match":["usage limit"],"action":"stop"}]}""");
        assertEquals(1, f.scopedErrors().rules().size());
        assertFalse(f.scopedErrors().decide(dev.spacegate.server.gateway.pool.CooldownRules.ruleFor(429, null), 429,
                "You have hit your Usage Limit").failover());
        AuthFile.InvalidAuthFileException e = assertThrows(AuthFile.InvalidAuthFileException.class,
                () -> parse("{\"type\":\"codex\",\"request_scoped_errors\":[{\"action\":\"later\"}]}"));
        assertTrue(e.getMessage().contains("action must be one of"), e.getMessage());
    }

    @Test
    void expiryComesFromTheFirstKnownKeyInAnyFormat() throws Exception {
        Instant t = Instant.parse("2030-01-02T03:04:05Z");
        assertEquals(t, parse("{\"type\":\"codex\",\"expired\":\"2030-01-02T03:04:05Z\"}").expiry().orElseThrow());
        assertEquals(t, parse("{\"type\":\"claude\",\"expired\":\"2030-01-02T04:04:05+01:00\"}").expiry().orElseThrow());
        assertEquals(t, parse("{\"type\":\"kimi\",\"expires_at\":" + t.getEpochSecond() + "}").expiry().orElseThrow());
        assertEquals(t, parse("{\"type\":\"xai\",\"expiry\":" + t.toEpochMilli() + "}").expiry().orElseThrow());
        assertTrue(parse("{\"type\":\"codex\"}").expiry().isEmpty());
    }

    @Test
    void priorityWeightAndPrefixAreChecked() throws Exception {
        assertEquals(5, parse("{\"type\":\"codex\",\"priority\":\"5\"}").priority());
        assertEquals(1, parse("{\"type\":\"codex\"}").weight());
        for (String bad : List.of("{\"type\":\"codex\",\"weight\":-1}", "{\"type\":\"codex\",\"weight\":2000000}",
                "{\"type\":\"codex\",\"weight\":1.5}", "{\"type\":\"codex\",\"priority\":\"high\"}",
                "{\"type\":\"codex\",\"prefix\":\"a/b\"}", "{\"email\":\"no type\"}", "[]", "{oops")) {
            assertThrows(AuthFile.InvalidAuthFileException.class, () -> parse(bad), bad);
        }
    }

    @Test
    void theLeadTimeDecidesWhenARefreshIsDue() throws Exception {
        Instant now = Instant.now();
        assertTrue(TokenRefresher.due(parse("{\"type\":\"codex\",\"refresh_token\":\"r\",\"expired\":\""
                + now.plus(Duration.ofDays(4)) + "\"}"), now), "codex: 5 days ahead");
        assertFalse(TokenRefresher.due(parse("{\"type\":\"codex\",\"refresh_token\":\"r\",\"expired\":\""
                + now.plus(Duration.ofDays(6)) + "\"}"), now));
        assertTrue(TokenRefresher.due(parse("{\"type\":\"claude\",\"refresh_token\":\"r\",\"expired\":\""
                + now.plus(Duration.ofHours(3)) + "\"}"), now), "claude: 4 hours ahead");
        assertFalse(TokenRefresher.due(parse("{\"type\":\"kimi\",\"refresh_token\":\"r\",\"expired\":\""
                + now.plus(Duration.ofMinutes(10)) + "\"}"), now), "kimi: 5 minutes ahead");
        assertFalse(TokenRefresher.due(parse("{\"type\":\"claude\",\"expired\":\"" + now + "\"}"), now),
                "no refresh token");
    }
}
