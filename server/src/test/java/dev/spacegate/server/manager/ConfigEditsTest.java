package dev.spacegate.server.manager;

import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Config edits on a real server (#23, #15): list selectors name exactly one entry or fail, versions ({@code ETag} /
 * {@code If-Match}), history and restore, {@code ?confirm=remove-all}, and CORS on the management API.
 */
class ConfigEditsTest {
    private static final String FIRST = "fake-ant-first-key-000000000001";
    private static final String SECOND = "fake-ant-second-key-00000000002";
    private static final String TWIN = "fake-ant-twin-key-0000000000003";
    private static final String CLAUDE = "claude-api-key:\n"
            + "  - api-key: " + FIRST + "\n    base-url: http://127.0.0.1:9\n"
            + "  - api-key: " + SECOND + "\n    base-url: http://127.0.0.1:9\n"
            + "  - api-key: " + TWIN + "\n    base-url: http://127.0.0.1:10\n"
            + "  - api-key: " + TWIN + "\n    base-url: http://127.0.0.1:11\n"
            + "api-keys:\n  - sk-client-one-0000000000001\n  - sk-client-two-0000000000002\n"
            + "openai-compatibility:\n  - name: compat-a\n    base-url: http://127.0.0.1:9/v1\n"
            + "    api-key-entries:\n      - api-key: sk-compat-a-00000000000001\n    models:\n      - name: m1\n";
    private static ManagerHarness h;

    @BeforeAll
    static void start() {
        h = ManagerHarness.start(ManagerHarness.Engine.SQLITE, Map.of());
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @BeforeEach
    void reset() throws Exception {
        HttpResponse<String> r = h.call("PUT", "/v0/management/config.yaml?confirm=remove-all", CLAUDE);
        assertEquals(200, r.statusCode(), r.body());
    }

    private JsonNode claude() throws Exception {
        return h.ok("GET", "/v0/management/claude-api-key", null).get("claude-api-key");
    }

    private static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = ManagerHarness.JSON.readTree(r.body());
        assertEquals(code, body.path("code").asText(), r.body());
    }

    @Test
    void aStringMatchEditsTheEntryItNamesAndTheAnswerNamesIt() throws Exception {
        JsonNode ok = h.ok("PATCH", "/v0/management/claude-api-key",
                "{\"match\":\"" + SECOND + "\",\"value\":{\"prefix\":\"p2\"}}");
        assertEquals(1, ok.path("changed").path("index").asInt(), ok.toString());
        assertEquals("fake...0002 @ http://127.0.0.1:9", ok.path("changed").path("entry").asText());
        JsonNode list = claude();
        assertFalse(list.get(0).has("prefix"), "the first entry is untouched");
        assertEquals("p2", list.get(1).path("prefix").asText());

        h.ok("PATCH", "/v0/management/openai-compatibility", "{\"match\":\"compat-a\",\"value\":{\"prefix\":\"c\"}}");
        assertEquals("c", h.ok("GET", "/v0/management/openai-compatibility", null)
                .path("openai-compatibility").path(0).path("prefix").asText());
        h.ok("PATCH", "/v0/management/claude-api-key",
                "{\"match\":{\"api-key\":\"" + FIRST + "\"},\"value\":{\"prefix\":\"p1\"}}");
        assertEquals("p1", claude().get(0).path("prefix").asText());
        h.ok("PATCH", "/v0/management/api-keys", "{\"old\":\"sk-client-two-0000000000002\",\"new\":\"sk-client-3\"}");
        assertEquals("sk-client-3", h.ok("GET", "/v0/management/api-keys", null).path("api-keys").path(1).asText());
    }

    @Test
    void selectorsThatNameNoEntrySeveralOrAreMalformedChangeNothing() throws Exception {
        JsonNode before = claude();
        assertError(h.call("PATCH", "/v0/management/claude-api-key",
                "{\"match\":\"no-such-key\",\"value\":{\"prefix\":\"x\"}}"), 404, "not_found");
        assertError(h.call("PATCH", "/v0/management/claude-api-key",
                "{\"match\":\"" + TWIN + "\",\"value\":{\"prefix\":\"x\"}}"), 409, "ambiguous_selector");
        assertError(h.call("PATCH", "/v0/management/claude-api-key",
                "{\"index\":0,\"match\":\"" + SECOND + "\",\"value\":{\"prefix\":\"x\"}}"), 409, "ambiguous_selector");
        assertError(h.call("PATCH", "/v0/management/claude-api-key", "{\"index\":9,\"value\":{\"prefix\":\"x\"}}"),
                404, "not_found");
        assertError(h.call("PATCH", "/v0/management/claude-api-key", "{\"index\":\"x\",\"value\":{}}"), 400,
                "invalid_request");
        assertError(h.call("PATCH", "/v0/management/claude-api-key", "{\"match\":5,\"value\":{}}"), 400,
                "invalid_request");
        assertError(h.call("PATCH", "/v0/management/claude-api-key", "{\"value\":{\"prefix\":\"x\"}}"), 400,
                "invalid_request");
        assertError(h.call("PATCH", "/v0/management/api-keys", "{\"old\":\"missing\",\"new\":\"k\"}"), 404,
                "not_found");
        assertError(h.call("DELETE", "/v0/management/claude-api-key?api-key=" + TWIN, null), 409,
                "ambiguous_selector");
        assertError(h.call("DELETE", "/v0/management/claude-api-key?index=abc", null), 400, "invalid_parameter");
        assertError(h.call("DELETE", "/v0/management/claude-api-key?index=7", null), 404, "not_found");
        assertError(h.call("DELETE", "/v0/management/openai-compatibility?name=missing", null), 404, "not_found");
        assertError(h.call("DELETE", "/v0/management/claude-api-key", null), 400, "invalid_request");
        assertEquals(before, claude(), "no refused edit changed anything");

        JsonNode ok = h.ok("DELETE", "/v0/management/claude-api-key?api-key=" + TWIN + "&base-url="
                + "http://127.0.0.1:11", null);
        assertEquals(3, ok.path("changed").path("index").asInt());
        assertEquals(3, claude().size());
        assertEquals("http://127.0.0.1:10", claude().get(2).path("base-url").asText());
    }

    @Test
    void writesCarryVersionsAndAStaleWriteIsRefused() throws Exception {
        HttpResponse<String> read = h.call("GET", "/v0/management/config", null);
        String etag = read.headers().firstValue("ETag").orElseThrow();
        long version = Long.parseLong(etag.replace("\"", ""));
        assertEquals(etag, h.call("GET", "/v0/management/config.yaml", null).headers().firstValue("ETag")
                .orElseThrow());

        HttpResponse<String> stale = h.send("PUT", "/v0/management/debug", "{\"value\":true}",
                "Authorization", "Bearer " + ManagerHarness.KEY, "If-Match", "\"" + (version - 1) + "\"");
        assertEquals(409, stale.statusCode(), stale.body());
        JsonNode body = ManagerHarness.JSON.readTree(stale.body());
        assertEquals("config_conflict", body.path("error").asText());
        assertEquals(version, body.path("current_version").asLong());
        assertTrue(body.has("message"));
        assertFalse(h.ok("GET", "/v0/management/debug", null).path("debug").asBoolean(), "not applied");

        HttpResponse<String> fresh = h.send("PUT", "/v0/management/debug", "{\"value\":true}",
                "Authorization", "Bearer " + ManagerHarness.KEY, "If-Match", etag);
        assertEquals(200, fresh.statusCode(), fresh.body());
        assertEquals("\"" + (version + 1) + "\"", fresh.headers().firstValue("ETag").orElseThrow());
        HttpResponse<String> noIfMatch = h.call("PUT", "/v0/management/debug", "{\"value\":false}");
        assertEquals(200, noIfMatch.statusCode(), "writes without If-Match are accepted (CLIProxyAPI scripts)");
        assertEquals("\"" + (version + 2) + "\"", noIfMatch.headers().firstValue("ETag").orElseThrow());
        HttpResponse<String> yaml = h.send("PUT", "/v0/management/config.yaml", CLAUDE,
                "Authorization", "Bearer " + ManagerHarness.KEY, "If-Match", etag);
        assertEquals(409, yaml.statusCode(), "the YAML editor gets the same check");
    }

    @Test
    void historyKeepsVersionsMasksSecretsAndRestoreMakesANewVersion() throws Exception {
        long before = Long.parseLong(h.call("GET", "/v0/management/config", null).headers().firstValue("ETag")
                .orElseThrow().replace("\"", ""));
        h.ok("PUT", "/v0/management/request-retry", "{\"value\":6}");
        JsonNode versions = h.ok("GET", "/v0/management/config/history", null).path("versions");
        assertEquals(before + 1, versions.get(0).path("version").asLong(), "newest first");
        assertEquals("api", versions.get(0).path("source").asText());
        assertTrue(versions.get(0).path("saved_at").asText().endsWith("Z"));
        assertTrue(versions.get(0).has("by"));
        assertTrue(versions.size() <= 50);

        HttpResponse<String> old = h.call("GET", "/v0/management/config/history/" + before, null);
        assertEquals(200, old.statusCode(), old.body());
        assertFalse(old.body().contains(FIRST), "secrets masked");
        assertTrue(old.body().contains("fake...0001"), old.body());

        JsonNode restored = h.ok("POST", "/v0/management/config/restore", "{\"version\":" + before + "}");
        assertEquals(before + 2, restored.path("version").asLong());
        assertEquals(0, h.ok("GET", "/v0/management/request-retry", null).path("request-retry").asInt());
        assertEquals("restore", h.ok("GET", "/v0/management/config/history", null).path("versions").get(0)
                .path("source").asText());
        assertError(h.call("POST", "/v0/management/config/restore", "{\"version\":987654}"), 404, "not_found");
        assertError(h.call("POST", "/v0/management/config/restore", "{\"version\":\"x\"}"), 400, "invalid_request");
        assertError(h.call("GET", "/v0/management/config/history/x", null), 400, "invalid_parameter");
    }

    @Test
    void removingEveryProviderOrClientKeyNeedsConfirmation() throws Exception {
        HttpResponse<String> keys = h.call("PUT", "/v0/management/api-keys", "[]");
        assertEquals(409, keys.statusCode(), keys.body());
        assertEquals("confirm_required", ManagerHarness.JSON.readTree(keys.body()).path("error").asText());
        assertEquals(2, h.ok("GET", "/v0/management/api-keys", null).path("api-keys").size());
        HttpResponse<String> garbage = h.call("PUT", "/v0/management/config.yaml", "debug: true\n");
        assertEquals(409, garbage.statusCode(), "a document without providers and keys needs confirmation");
        assertEquals(4, claude().size());

        h.ok("PUT", "/v0/management/api-keys?confirm=remove-all", "[]");
        assertEquals(0, h.ok("GET", "/v0/management/api-keys", null).path("api-keys").size());
        h.ok("DELETE", "/v0/management/openai-compatibility?name=compat-a", null); // other providers remain
    }

    @Test
    void corsPreflightIsAnsweredBeforeAuthentication() throws Exception {
        HttpResponse<String> pre = h.send("OPTIONS", "/v0/management/config", null,
                "Origin", "https://panel.example", "Access-Control-Request-Method", "PUT",
                "Access-Control-Request-Headers", "authorization, if-match");
        assertEquals(204, pre.statusCode(), pre.body());
        assertEquals("*", pre.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertTrue(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("PUT"));
        assertTrue(pre.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("if-match"));
        HttpResponse<String> bare = h.send("OPTIONS", "/v0/management/config", null, "Origin", "https://x.example");
        assertEquals(204, bare.statusCode());

        HttpResponse<String> get = h.send("GET", "/v0/management/config", null, "Origin", "https://panel.example",
                "Authorization", "Bearer " + ManagerHarness.KEY);
        assertEquals(200, get.statusCode());
        assertEquals("*", get.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertTrue(get.headers().firstValue("Access-Control-Expose-Headers").orElse("").contains("ETag"));
        HttpResponse<String> noKey = h.send("GET", "/v0/management/config", null, "Origin", "https://panel.example");
        assertEquals(401, noKey.statusCode(), "CORS opens nothing without the key");
    }
}
