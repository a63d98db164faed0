package dev.spacegate.server.manager;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.store.DbConfigStore;
import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.manager.config.LiveConfig;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.spacegate.server.manager.ManagerHarness.JSON;
import static dev.spacegate.server.manager.ManagerHarness.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manager's HTTP contract on a real socket: keys and bans, shapes, error envelope, config API, prices, aliases. */
class ManagerApiTest {
    /** Every route behind the management key (manager routes and the config API served for the gateway owner). */
    static final List<String[]> GUARDED = List.of(
            new String[] {"GET", "/status"},
            new String[] {"GET", "/usage-service/config"},
            new String[] {"PUT", "/usage-service/config"},
            new String[] {"POST", "/setup"},
            new String[] {"GET", "/v0/management/usage"},
            new String[] {"GET", "/v0/management/usage/export"},
            new String[] {"POST", "/v0/management/usage/import"},
            new String[] {"GET", "/v0/management/dashboard/summary"},
            new String[] {"POST", "/v0/management/monitoring/analytics"},
            new String[] {"GET", "/v0/management/model-prices"},
            new String[] {"PUT", "/v0/management/model-prices"},
            new String[] {"POST", "/v0/management/model-prices/sync"},
            new String[] {"GET", "/v0/management/api-key-aliases"},
            new String[] {"PUT", "/v0/management/api-key-aliases"},
            new String[] {"DELETE", "/v0/management/api-key-aliases/" + "a".repeat(64)},
            new String[] {"GET", "/v0/management/config"},
            new String[] {"GET", "/v0/management/config.yaml"},
            new String[] {"PUT", "/v0/management/config.yaml"},
            new String[] {"GET", "/v0/management/api-keys"},
            new String[] {"PUT", "/v0/management/api-keys"},
            new String[] {"PATCH", "/v0/management/api-keys"},
            new String[] {"DELETE", "/v0/management/api-keys"},
            new String[] {"GET", "/v0/management/gemini-api-key"},
            new String[] {"GET", "/v0/management/claude-api-key"},
            new String[] {"GET", "/v0/management/codex-api-key"},
            new String[] {"GET", "/v0/management/openai-compatibility"},
            new String[] {"GET", "/v0/management/routing/strategy"},
            new String[] {"PUT", "/v0/management/routing/strategy"},
            new String[] {"GET", "/v0/management/request-retry"},
            new String[] {"GET", "/v0/management/max-retry-interval"},
            new String[] {"GET", "/v0/management/proxy-url"},
            new String[] {"DELETE", "/v0/management/proxy-url"},
            new String[] {"GET", "/v0/management/debug"},
            new String[] {"PUT", "/v0/management/debug"},
            new String[] {"GET", "/v0/management/usage-statistics-enabled"},
            new String[] {"PUT", "/v0/management/passthrough-headers"},
            new String[] {"GET", "/v0/management/oauth-request-scoped-errors"},
            new String[] {"PATCH", "/v0/management/oauth-request-scoped-errors"},
            new String[] {"DELETE", "/v0/management/oauth-request-scoped-errors"});

    static ManagerHarness h;
    static WebServer litellm;
    static int closedPort;
    static final List<ObjectNode> reloads = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        litellm = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.get("/prices.json", (req, res) -> {
            res.header(HeaderValues.CONTENT_TYPE_JSON);
            res.send("""
                    {"acme-large":{"input_cost_per_token":0.000002,"output_cost_per_token":0.000008,
                      "cache_read_input_token_cost":0.0000002},
                     "acme/acme-small":{"input_cost_per_token":0.0000005,"output_cost_per_token":0.000001},
                     "reseller/acme-small":{"input_cost_per_token":0.0000007,"output_cost_per_token":0.000001}}
                    """);
        }).get("/catalog.json", (req, res) -> {
            res.header(HeaderValues.CONTENT_TYPE_JSON);
            res.send("""
                    {"providers":{
                      "openai":{"models":{"gpt-x":{"cost":{"input":1.5,"output":12,"cache_read":0.15}}}},
                      "reseller":{"models":{"gpt-x":{"cost":{"input":2,"output":14}}}},
                      "anthropic":{"models":{"claude-x":{"cost":{"input":3,"output":15,"cache_read":0.3,
                        "cache_write":3.75,"tiers":[{"tier":{"type":"context","size":200000},
                        "input":6,"output":22.5}]}}}}}}
                    """);
        })).build().start();
        String dead = "http://127.0.0.1:" + closedPort;
        h = ManagerHarness.start(ManagerHarness.Engine.SQLITE, "debug: false\napi-keys:\n  - sk-seeded-not-secret\n",
                Map.of("PRICE_SYNC_MODELS_DEV_URL", dead + "/catalog.json",
                        "PRICE_SYNC_LITELLM_URL", "http://127.0.0.1:" + litellm.port() + "/prices.json",
                        "PRICE_SYNC_OPENROUTER_URL", dead + "/models", "PRICE_SYNC_TIMEOUT_SECONDS", "3"));
        h.manager().liveConfig().onChange(reloads::add);
    }

    @AfterAll
    static void stop() {
        h.close();
        litellm.stop();
    }

    @Test
    void everyGuardedRouteIs401WithoutKeyAndWithWrongKey() throws Exception {
        for (String[] route : GUARDED) {
            HttpResponse<String> none = h.send(route[0], route[1], "{}", "X-Forwarded-For", "192.0.2.10");
            assertEquals(401, none.statusCode(), route[0] + " " + route[1]);
            JsonNode err = JSON.readTree(none.body());
            assertEquals("missing_management_key", err.get("code").asText(), route[1]);
            assertTrue(err.get("error").isTextual());
        }
        for (String[] route : GUARDED) {
            // a different address per route so this test does not ban itself
            HttpResponse<String> wrong = h.send(route[0], route[1], "{}", "Authorization", "Bearer wrong-key",
                    "X-Forwarded-For", "192.0.2." + (100 + GUARDED.indexOf(route)));
            assertEquals(401, wrong.statusCode(), route[1]);
            assertEquals("invalid_management_key", JSON.readTree(wrong.body()).get("code").asText());
        }
    }

    @Test
    void fiveWrongKeysBanTheAddressEvenForTheRightKey() throws Exception {
        String ip = "198.51.100.7";
        for (int i = 0; i < 5; i++) {
            assertEquals(401, h.send("GET", "/status", null, "X-Management-Key", "wrong-" + i,
                    "X-Forwarded-For", ip).statusCode());
        }
        for (String[] route : GUARDED) {
            HttpResponse<String> banned = h.send(route[0], route[1], "{}", "X-Management-Key", KEY,
                    "X-Forwarded-For", "203.0.113.1, " + ip);
            assertEquals(403, banned.statusCode(), route[1]);
            assertEquals("ip_banned", JSON.readTree(banned.body()).get("code").asText());
        }
        // another address is unaffected, and X-Management-Key works like Bearer
        assertEquals(200, h.send("GET", "/status", null, "X-Management-Key", KEY,
                "X-Forwarded-For", "198.51.100.8").statusCode());
    }

    @Test
    void openRoutesAndDocumentedShapes() throws Exception {
        JsonNode health = JSON.readTree(h.send("GET", "/health", null).body());
        assertTrue(health.get("ok").asBoolean());
        JsonNode info = JSON.readTree(h.send("GET", "/usage-service/info", null).body());
        assertEquals("cpa-manager-plus", info.get("service").asText());
        assertEquals("embedded", info.get("mode").asText());
        assertTrue(info.get("startedAt").asLong() > 0);
        assertTrue(info.get("configured").asBoolean(), "built-in gateway needs no setup");
        assertFalse(info.get("setupRequired").asBoolean());

        HttpResponse<String> status = h.call("GET", "/status", null);
        assertEquals(200, status.statusCode());
        JsonNode s = JSON.readTree(status.body());
        assertTrue(s.get("events").isIntegralNumber());
        assertEquals("sqlite", s.path("database").path("engine").asText().toLowerCase().contains("sqlite")
                ? "sqlite" : s.path("database").path("engine").asText());
        assertTrue(s.path("database").path("ok").asBoolean());
        assertFalse(status.body().contains(h.dir.toString()), "no paths in /status");
        assertFalse(status.body().toLowerCase().contains("select "), "no SQL in /status");
        assertFalse(status.body().contains(KEY));

        JsonNode empty = h.ok("GET", "/v0/management/usage", null);
        assertTrue(empty.has("total_requests") && empty.has("success_count") && empty.has("failure_count")
                && empty.has("total_tokens") && empty.get("apis").isObject());

        JsonNode cfg = h.ok("GET", "/usage-service/config", null);
        assertFalse(cfg.path("config").path("cpaConnection").path("managementKeySet").asBoolean());
        assertFalse(cfg.path("config").path("externalUsageService").path("enabled").asBoolean());
    }

    @Test
    void errorEnvelopeOnBadInput() throws Exception {
        assertError(h.call("GET", "/v0/management/dashboard/summary", null), 400, "invalid_request");
        assertError(h.call("POST", "/v0/management/monitoring/analytics", "{\"from_ms\":10,\"to_ms\":5}"), 400,
                "invalid_request");
        assertError(h.call("PUT", "/v0/management/model-prices", "{}"), 400, "prices_required");
        assertError(h.call("PUT", "/v0/management/model-prices", "{\"prices\":{\"m\":{\"prompt\":-1}}}"), 400,
                "invalid_price");
        assertError(h.call("POST", "/v0/management/monitoring/analytics", "{not json"), 400, "invalid_json");
        assertError(h.call("POST", "/setup", "{}"), 400, "cpa_connection_required");
        assertError(h.call("POST", "/setup", "{\"cpaBaseUrl\":\"127.0.0.1:" + closedPort
                + "\",\"managementKey\":\"test-key-not-secret\"}"), 502, "management_api_validation_failed");
        assertError(h.call("GET", "/v0/management/dashboard/other", null), 404, "not_found");
    }

    static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode e = JSON.readTree(r.body());
        assertEquals(code, e.path("code").asText(), r.body());
        assertTrue(e.path("error").isTextual() && !e.path("error").asText().isBlank());
    }

    @Test
    void configApiChangesAreSavedValidatedAndPublished() throws Exception {
        JsonNode cfg = h.ok("GET", "/v0/management/config", null);
        assertEquals("sk-seeded-not-secret", cfg.path("api-keys").get(0).asText(), "seeded from the local file");
        assertFalse(cfg.has("port"));

        int before = reloads.size();
        assertEquals("ok", h.ok("PUT", "/v0/management/debug", "{\"value\":true}").get("status").asText());
        assertTrue(h.ok("GET", "/v0/management/debug", null).get("debug").asBoolean());
        assertEquals(before + 1, reloads.size(), "listeners hear every change");
        assertTrue(reloads.get(reloads.size() - 1).get("debug").asBoolean());
        assertError(h.call("PUT", "/v0/management/debug", "{\"value\":\"yes\"}"), 422, "invalid_config");

        h.ok("PUT", "/v0/management/api-keys", "[\"sk-a-not-secret\",\" sk-b-not-secret \",\"sk-a-not-secret\"]");
        assertEquals(List.of("sk-a-not-secret", "sk-b-not-secret"),
                JSON.convertValue(h.ok("GET", "/v0/management/api-keys", null).get("api-keys"), List.class));
        h.ok("PATCH", "/v0/management/api-keys", "{\"old\":\"sk-b-not-secret\",\"new\":\"sk-c-not-secret\"}");
        h.ok("DELETE", "/v0/management/api-keys?value=sk-a-not-secret", null);
        assertEquals(List.of("sk-c-not-secret"),
                JSON.convertValue(h.ok("GET", "/v0/management/api-keys", null).get("api-keys"), List.class));
        assertError(h.call("DELETE", "/v0/management/api-keys?index=7", null), 404, "not_found");

        h.ok("PUT", "/v0/management/claude-api-key", "{\"items\":[{\"api-key\":\"sk-ant-not-secret\"}]}");
        h.ok("PATCH", "/v0/management/claude-api-key",
                "{\"match\":{\"api-key\":\"sk-ant-not-secret\"},\"value\":{\"prefix\":\"team\"}}");
        assertEquals("team", h.ok("GET", "/v0/management/claude-api-key", null).path("claude-api-key").get(0)
                .path("prefix").asText());
        assertError(h.call("PUT", "/v0/management/codex-api-key", "[{\"api-key\":\"sk-not-secret\"}]"), 422,
                "invalid_config");

        h.ok("PUT", "/v0/management/routing/strategy", "{\"value\":\"ff\"}");
        assertEquals("fill-first", h.ok("GET", "/v0/management/routing/strategy", null).get("strategy").asText());
        assertError(h.call("PUT", "/v0/management/routing/strategy", "{\"value\":\"random\"}"), 422, "invalid_config");
        h.ok("PUT", "/v0/management/request-retry", "{\"value\":3}");
        // The gateway's validation runs on every change: a proxy it cannot use is refused.
        assertError(h.call("PUT", "/v0/management/proxy-url", "{\"value\":\"https://127.0.0.1:3128\"}"), 422,
                "invalid_config");
        h.ok("PUT", "/v0/management/proxy-url", "{\"value\":\"socks5://127.0.0.1:1080\"}");
        h.ok("PUT", "/v0/management/proxy-url", "{\"value\":\"http://127.0.0.1:3128\"}");
        h.ok("DELETE", "/v0/management/proxy-url", null);
        assertEquals("", h.ok("GET", "/v0/management/proxy-url", null).get("proxy-url").asText());

        assertFalse(h.ok("GET", "/v0/management/passthrough-headers", null).get("passthrough-headers").asBoolean());
        h.ok("PUT", "/v0/management/passthrough-headers", "{\"value\":true}");
        h.ok("PATCH", "/v0/management/max-retry-credentials", "{\"value\":2}");
        h.ok("PUT", "/v0/management/force-model-prefix", "{\"value\":true}");
        JsonNode scalars = h.ok("GET", "/v0/management/config", null);
        assertTrue(scalars.path("passthrough-headers").asBoolean());
        assertEquals(2, scalars.path("max-retry-credentials").asInt());
        assertError(h.call("PUT", "/v0/management/max-retry-credentials", "{\"value\":-1}"), 422, "invalid_config");

        String rules = "/v0/management/oauth-request-scoped-errors";
        assertEquals(0, h.ok("GET", rules, null).path("oauth-request-scoped-errors").size());
        h.ok("PUT", rules, "{\"value\":{\"codex\":[{\"status\":429,\"match\":[\"usage limit\"],"
                + "\"action\":\"stop\"}]}}");
        h.ok("PATCH", rules, "{\"channel\":\"Claude\",\"value\":[{\"action\":\"continue\"}]}");
        JsonNode channels = h.ok("GET", rules, null).path("oauth-request-scoped-errors");
        List<String> names = new java.util.ArrayList<>();
        channels.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("codex", "claude"), names, "channel names are lower-cased");
        assertError(h.call("PATCH", rules, "{\"channel\":\"codex\",\"value\":[{\"action\":\"later\"}]}"), 422,
                "invalid_config");
        assertError(h.call("PATCH", rules, "{\"value\":[]}"), 400, "invalid_request");
        h.ok("DELETE", rules + "?channel=codex", null);
        assertEquals("continue", h.ok("GET", rules, null).at("/oauth-request-scoped-errors/claude/0/action").asText());
        assertError(h.call("DELETE", rules + "?channel=kimi", null), 404, "not_found");
        h.ok("DELETE", rules, null);
        assertEquals(0, h.ok("GET", rules, null).path("oauth-request-scoped-errors").size());

        HttpResponse<String> yaml = h.call("GET", "/v0/management/config.yaml", null);
        assertTrue(yaml.body().contains("request-retry: 3"), yaml.body());
        assertError(h.call("PUT", "/v0/management/config.yaml", "a: [unclosed"), 422, "invalid_config");
        assertError(h.call("PUT", "/v0/management/config.yaml", "request-retry: -2\n"), 422, "invalid_config");
        JsonNode put = h.ok("PUT", "/v0/management/config.yaml", yaml.body().replace("request-retry: 3",
                "request-retry: 5"));
        assertTrue(put.get("ok").asBoolean());
        assertEquals(5, h.ok("GET", "/v0/management/request-retry", null).get("request-retry").asInt());

        // the store holds the change: a fresh LiveConfig over the same database sees it (no restart needed)
        LiveConfig fresh = LiveConfig.open(new DbConfigStore(h.persistence.database()),
                ServerConfig.parseYaml("{}"), d -> List.of());
        assertEquals(5, fresh.current().get("request-retry").asInt());
        assertEquals("fill-first", fresh.current().path("routing").path("strategy").asText());
    }

    @Test
    void pricesRoundTripAndLocalOverridesWin() throws Exception {
        JsonNode bundled = h.ok("GET", "/v0/management/model-prices", null).get("prices");
        assertTrue(bundled.has("gpt-5"), "bundled table ships");
        h.ok("PUT", "/v0/management/model-prices",
                "{\"prices\":{\"gpt-5\":{\"prompt\":1,\"completion\":2},\"house-model\":{\"prompt\":0}}}");
        JsonNode p = h.ok("GET", "/v0/management/model-prices", null).get("prices");
        assertEquals(1.0, p.get("gpt-5").get("prompt").asDouble());
        assertEquals("manual", p.get("gpt-5").get("source").asText());
        assertEquals(0.0, p.get("house-model").get("prompt").asDouble(), "explicit zero kept");
        assertTrue(p.has("claude-sonnet-4-5"), "bundled entries stay beside overrides");
    }

    @Test
    void priceSyncFallsThroughToTheNextSourceAndReportsAmbiguity() throws Exception {
        JsonNode r = h.ok("POST", "/v0/management/model-prices/sync",
                "{\"models\":[\"acme-large\",\"acme-small\",\"unknown-model\"]}");
        assertEquals("litellm", r.get("source").asText());
        assertEquals(1, r.get("imported").asInt());
        assertEquals("acme-large", r.get("matched").get("acme-large").asText());
        assertEquals(2.0, r.get("prices").get("acme-large").get("prompt").asDouble(), 1e-9);
        assertEquals(0.2, r.get("prices").get("acme-large").get("cacheRead").asDouble(), 1e-9);
        assertEquals("acme-small", r.get("candidates").get(0).get("model").asText());
        assertEquals("unknown-model", r.get("unmatched").get(0).asText());
        assertTrue(r.get("sourceResults").get(0).get("error").isTextual(), "models.dev failure reported");
        JsonNode table = h.ok("GET", "/v0/management/model-prices", null).get("prices");
        assertEquals("litellm", table.get("acme-large").get("source").asText());
    }

    @Test
    void priceSyncFromModelsDevPrefersFirstPartyEntriesAndKeepsContextTiers() throws Exception {
        String up = "http://127.0.0.1:" + litellm.port();
        try (ManagerHarness other = ManagerHarness.start(ManagerHarness.Engine.SQLITE, Map.of(
                "PRICE_SYNC_MODELS_DEV_URL", up + "/catalog.json", "PRICE_SYNC_LITELLM_URL", up + "/prices.json",
                "PRICE_SYNC_OPENROUTER_URL", "http://127.0.0.1:" + closedPort + "/models"))) {
            JsonNode r = other.ok("POST", "/v0/management/model-prices/sync",
                    "{\"models\":[\"gpt-x\",\"claude-x\",\"acme-large\"]}");
            assertEquals("multi", r.get("source").asText());
            assertEquals(3, r.get("imported").asInt());
            assertEquals("openai/gpt-x", r.get("matched").get("gpt-x").asText(), "first-party entry wins");
            JsonNode prices = other.ok("GET", "/v0/management/model-prices", null).get("prices");
            assertEquals(1.5, prices.get("gpt-x").get("prompt").asDouble());
            assertEquals("models.dev", prices.get("gpt-x").get("source").asText());
            JsonNode tier = prices.get("claude-x").get("contextTiers").get(0);
            assertEquals(200_000, tier.get("thresholdTokens").asLong());
            assertEquals(6.0, tier.get("prompt").asDouble());
            assertEquals(3.75, prices.get("claude-x").get("cacheCreation").asDouble());
            assertEquals("litellm", prices.get("acme-large").get("source").asText(), "next source for the rest");
        }
    }

    @Test
    void priceSyncWithEverySourceDownIs502AndChangesNothing() throws Exception {
        String dead = "http://127.0.0.1:" + closedPort;
        try (ManagerHarness down = ManagerHarness.start(ManagerHarness.Engine.SQLITE, Map.of(
                "PRICE_SYNC_MODELS_DEV_URL", dead + "/a", "PRICE_SYNC_LITELLM_URL", dead + "/b",
                "PRICE_SYNC_OPENROUTER_URL", dead + "/c"))) {
            JsonNode before = down.ok("GET", "/v0/management/model-prices", null);
            assertError(down.call("POST", "/v0/management/model-prices/sync", "{\"models\":[\"gpt-5\"]}"), 502,
                    "model_price_sync_failed");
            assertEquals(before, down.ok("GET", "/v0/management/model-prices", null));
        }
    }

    @Test
    void aliasesPutGetDelete() throws Exception {
        String hash = "ab".repeat(32);
        JsonNode put = h.ok("PUT", "/v0/management/api-key-aliases",
                "{\"items\":[{\"apiKeyHash\":\"" + hash + "\",\"alias\":\"laptop\"}]}");
        assertEquals("laptop", put.get("items").get(0).get("alias").asText());
        JsonNode got = h.ok("GET", "/v0/management/api-key-aliases", null);
        assertEquals(hash, got.get("items").get(0).get("apiKeyHash").asText());
        assertTrue(got.get("items").get(0).get("updatedAtMs").asLong() > 0);
        assertTrue(h.ok("DELETE", "/v0/management/api-key-aliases/" + hash, null).get("ok").asBoolean());
        assertEquals(0, h.ok("GET", "/v0/management/api-key-aliases", null).get("items").size());
        assertError(h.call("DELETE", "/v0/management/api-key-aliases/" + hash, null), 404, "alias_not_found");
        assertError(h.call("PUT", "/v0/management/api-key-aliases", "{\"items\":[{\"apiKeyHash\":\"x\"}]}"), 400,
                "invalid_api_key_hash");
    }
}
