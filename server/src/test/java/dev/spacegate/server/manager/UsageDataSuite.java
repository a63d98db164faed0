package dev.spacegate.server.manager;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static dev.spacegate.server.manager.ManagerHarness.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Usage data on one storage engine: analytics and dashboard figures against hand-computed expectations on a fixed
 * event set (cached tokens, a context-tier price), export/import round trips and the usage views.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UsageDataSuite {
    /** 2026-01-01T00:00:00Z */
    static final long T0 = 1_767_225_600_000L;
    static final long HOUR = 3_600_000L;
    static final String KEY_A = "test-client-key-a-not-secret";
    static final String KEY_B = "test-client-key-b-not-secret";

    ManagerHarness h;

    abstract ManagerHarness.Engine engine();

    @BeforeAll
    void start() throws Exception {
        h = ManagerHarness.start(engine(), Map.of("USAGE_QUERY_LIMIT", "1000"));
        // Prices: a base price plus a context tier over 100k input tokens; an OpenAI-style model with a cache rate.
        h.ok("PUT", "/v0/management/model-prices", """
                {"prices":{
                  "tier-model":{"prompt":2,"completion":10,"cacheRead":0.2,"cacheCreation":2.5,
                                "contextTiers":[{"thresholdTokens":100000,"prompt":4,"completion":15}]},
                  "gpt-test":{"prompt":1,"completion":8,"cache":0.1}}}""");
        StringBuilder jsonl = new StringBuilder();
        for (ObjectNode e : fixedEvents()) {
            jsonl.append(e).append('\n');
        }
        JsonNode r = h.ok("POST", "/v0/management/usage/import", jsonl.toString());
        assertEquals("usage_service_jsonl", r.get("format").asText());
        assertEquals(5, r.get("added").asInt());
    }

    @AfterAll
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    static ObjectNode event(String id, long ts, String provider, String model, String apiKey, long input, long output,
                            long reasoning, long cached, long cacheRead, long cacheCreation, long total, long latency,
                            Long ttft, Integer failStatus) {
        ObjectNode o = JSON.createObjectNode();
        o.put("timestamp", Instant.ofEpochMilli(ts).toString());
        o.put("request_id", id);
        o.put("provider", provider);
        o.put("model", model);
        o.put("endpoint", "POST /v1/chat/completions");
        o.put("auth_index", "auth-" + id);
        o.put("source", id + "@example.com");
        o.put("api_key", apiKey);
        o.put("latency_ms", latency);
        if (ttft != null) {
            o.put("ttft_ms", ttft);
        }
        ObjectNode t = o.putObject("tokens");
        t.put("input_tokens", input).put("output_tokens", output).put("reasoning_tokens", reasoning)
                .put("cached_tokens", cached).put("cache_read_tokens", cacheRead)
                .put("cache_creation_tokens", cacheCreation).put("total_tokens", total);
        o.put("failed", failStatus != null);
        if (failStatus != null) {
            o.putObject("fail").put("status_code", failStatus).put("body", "rate limited");
        }
        return o;
    }

    /**
     * The fixed set and its hand-computed costs (USD per 1M tokens):
     * e1 Claude, separate cache, 3400 normalised input (base): 1000*2 + 2000*0.2 + 400*2.5 + 500*10 = 8400 -> 0.0084
     * e2 Claude, 150000 input > 100k (tier): 150000*4 + 1000*15 = 615000 -> 0.615
     * e3 Codex, cache inside input: (10000-4000)*1 + 4000*0.1 + 2000*8 = 22400 -> 0.0224
     * e4 Codex, failed 429, no tokens -> 0
     * e5 Claude, 90000 input + 20000 cache read = 110000 > 100k (tier; cache read inherits the base rate):
     *    90000*4 + 20000*0.2 + 100*15 = 365500 -> 0.3655
     */
    static List<ObjectNode> fixedEvents() {
        List<ObjectNode> e = new ArrayList<>();
        e.add(event("e1", T0 + HOUR + 60_000, "claude", "tier-model", KEY_A, 1000, 500, 0, 2400, 2000, 400, 1500,
                1000, 200L, null));
        e.add(event("e2", T0 + 2 * HOUR + 60_000, "claude", "tier-model", KEY_A, 150_000, 1000, 0, 0, 0, 0, 151_000,
                3000, 500L, null));
        e.add(event("e3", T0 + 2 * HOUR + 120_000, "codex", "gpt-test", KEY_B, 10_000, 2000, 800, 4000, 0, 0, 12_000,
                2000, 300L, null));
        e.add(event("e4", T0 + 3 * HOUR + 60_000, "codex", "gpt-test", KEY_B, 0, 0, 0, 0, 0, 0, 0, 100, null, 429));
        e.add(event("e5", T0 + 4 * HOUR + 60_000, "claude", "tier-model", KEY_B, 90_000, 100, 0, 20_000, 20_000, 0,
                90_100, 1500, 250L, null));
        return e;
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void analyticsFiguresMatchHandComputedExpectations() throws Exception {
        String keyA = sha256(KEY_A);
        h.ok("PUT", "/v0/management/api-key-aliases", "{\"items\":[{\"apiKeyHash\":\"" + keyA + "\",\"alias\":\"laptop\"}]}");
        JsonNode r = h.ok("POST", "/v0/management/monitoring/analytics",
                "{\"from_ms\":" + T0 + ",\"to_ms\":" + (T0 + 24 * HOUR) + "}");
        assertEquals("hour", r.get("granularity").asText());
        JsonNode s = r.get("summary");
        assertEquals(5, s.get("total_calls").asLong());
        assertEquals(4, s.get("success_calls").asLong());
        assertEquals(1, s.get("failure_calls").asLong());
        assertEquals(251_000, s.get("input_tokens").asLong());
        assertEquals(3600, s.get("output_tokens").asLong());
        assertEquals(26_400, s.get("cached_tokens").asLong());
        assertEquals(22_000, s.get("cache_read_tokens").asLong());
        assertEquals(400, s.get("cache_creation_tokens").asLong());
        assertEquals(800, s.get("reasoning_tokens").asLong());
        assertEquals(254_600, s.get("total_tokens").asLong());
        assertEquals(1.0113, s.get("total_cost").asDouble(), 1e-9);
        // cache hits (4000 OpenAI cached + 22000 cache read) over normalised input (3400+150000+10000+0+110000)
        assertEquals(26_000.0 / 273_400, s.get("cache_hit_rate").asDouble(), 1e-6);
        assertEquals((1000 + 3000 + 2000 + 100 + 1500) / 5.0, s.get("average_latency_ms").asDouble(), 1e-9);
        double p50 = s.get("latency_ms").get("p50").asDouble();
        assertTrue(p50 > 1000 && p50 <= 1500, "p50 latency " + p50 + " in the bucket of the exact median 1500");
        double p99 = s.get("latency_ms").get("p99").asDouble();
        assertTrue(p99 > 2000 && p99 <= 3000, "p99 latency " + p99);
        double ttft50 = s.get("ttft_ms").get("p50").asDouble();
        assertTrue(ttft50 > 200 && ttft50 <= 300, "p50 TTFT " + ttft50 + " (exact 250)");

        JsonNode models = r.get("model_stats");
        assertEquals("tier-model", models.get(0).get("model").asText());
        assertEquals(3, models.get(0).get("total_calls").asLong());
        assertEquals(0.9889, models.get(0).get("total_cost").asDouble(), 1e-9);
        assertEquals(0.0224, models.get(1).get("total_cost").asDouble(), 1e-9);
        JsonNode providers = r.get("provider_stats");
        assertEquals("claude", providers.get(0).get("provider").asText());
        assertEquals(3, providers.get(0).get("total_calls").asLong());
        assertEquals(5, r.get("credential_stats").size());
        JsonNode keys = r.get("api_key_stats");
        assertEquals(sha256(KEY_B), keys.get(0).get("api_key_hash").asText(), "most calls first");
        assertEquals(3, keys.get(0).get("total_calls").asLong());
        assertEquals("laptop", keys.get(1).get("alias").asText());
        assertEquals(0.6234, keys.get(1).get("total_cost").asDouble(), 1e-9);
        JsonNode timeline = r.get("timeline");
        assertEquals(4, timeline.size());
        assertEquals(T0 + 2 * HOUR, timeline.get(1).get("bucket_ms").asLong());
        assertEquals(2, timeline.get(1).get("total_calls").asLong());
        assertEquals(0.6374, timeline.get(1).get("total_cost").asDouble(), 1e-9);
        JsonNode failures = r.get("failure_sources");
        assertEquals(1, failures.size());
        assertEquals(429, failures.get(0).get("status_code").asInt());

        JsonNode daily = h.ok("POST", "/v0/management/monitoring/analytics", "{\"from_ms\":" + T0 + ",\"to_ms\":"
                + (T0 + 24 * HOUR) + ",\"include\":{\"timeline\":true,\"granularity\":\"day\"}}");
        assertEquals("day", daily.get("granularity").asText());
        assertEquals(1, daily.get("timeline").size());
        assertTrue(daily.path("summary").isMissingNode(), "only requested blocks");

        JsonNode filtered = h.ok("POST", "/v0/management/monitoring/analytics", "{\"from_ms\":" + T0 + ",\"to_ms\":"
                + (T0 + 24 * HOUR) + ",\"filters\":{\"models\":[\"gpt-test\"],\"failed_only\":true},"
                + "\"include\":{\"summary\":true}}");
        assertEquals(1, filtered.get("summary").get("total_calls").asLong());
        JsonNode two = h.ok("POST", "/v0/management/monitoring/analytics", "{\"from_ms\":" + T0 + ",\"to_ms\":"
                + (T0 + 24 * HOUR) + ",\"filters\":{\"providers\":[\"codex\",\"claude\"],\"auth_indices\":"
                + "[\"auth-e1\",\"auth-e3\"]},\"include\":{\"summary\":true}}");
        assertEquals(2, two.get("summary").get("total_calls").asLong());
        assertEquals(0.0084 + 0.0224, two.get("summary").get("total_cost").asDouble(), 1e-9);

        // an event arriving after the hourly groups were built is counted on the next read
        h.ok("POST", "/v0/management/usage/import", event("e6", T0 + 5 * HOUR + 60_000, "codex", "gpt-test", KEY_B,
                1000, 1000, 0, 0, 0, 0, 2000, 500, 100L, null).toString());
        JsonNode later = h.ok("POST", "/v0/management/monitoring/analytics", "{\"from_ms\":" + T0 + ",\"to_ms\":"
                + (T0 + 24 * HOUR) + ",\"include\":{\"summary\":true}}");
        assertEquals(6, later.get("summary").get("total_calls").asLong());
        assertEquals(1.0113 + 0.009, later.get("summary").get("total_cost").asDouble(), 1e-9);
    }

    @Test
    void eventsPageIsFilteredAndPagedInTheDatabase() throws Exception {
        String window = "\"from_ms\":" + T0 + ",\"to_ms\":" + (T0 + 5 * HOUR);
        List<String> seen = new ArrayList<>();
        String cursor = "";
        for (int page = 0; page < 5; page++) {
            JsonNode r = h.ok("POST", "/v0/management/monitoring/analytics", "{" + window
                    + ",\"include\":{\"events_page\":{\"limit\":2" + (cursor.isEmpty() ? "" : ",\"cursor\":\"" + cursor + "\"")
                    + "}}}");
            assertTrue(r.path("summary").isMissingNode(), "only the events page was asked for");
            r.get("events").get("items").forEach(i -> seen.add(i.get("request_id").asText()));
            if (r.get("events").get("next_cursor").isNull()) {
                break;
            }
            cursor = r.get("events").get("next_cursor").asText();
        }
        assertEquals(List.of("e5", "e4", "e3", "e2", "e1"), seen, "newest first, every event once");

        JsonNode one = h.ok("POST", "/v0/management/monitoring/analytics", "{" + window
                + ",\"filters\":{\"request_id\":\"e3\"},\"include\":{\"events_page\":{}}}").get("events").get("items");
        assertEquals(1, one.size());
        JsonNode e3 = one.get(0);
        assertEquals("gpt-test", e3.get("model").asText());
        assertEquals(0.0224, e3.get("cost").asDouble(), 1e-9, "priced like the analytics groups");
        assertEquals(12_000, e3.get("total_tokens").asLong());
        assertEquals(300, e3.get("ttft_ms").asLong());
        assertFalse(e3.get("credential_name").asText().isBlank());
        assertFalse(e3.get("credential_name").asText().contains("auth-e3"), "a name, not the index");
        assertFalse(e3.toString().contains(KEY_B), "no raw client key");

        JsonNode failed = h.ok("POST", "/v0/management/monitoring/analytics", "{" + window
                + ",\"filters\":{\"failed_only\":true},\"include\":{\"events_page\":{}}}").get("events").get("items");
        assertEquals(1, failed.size());
        assertEquals(429, failed.get(0).get("fail_status_code").asInt());
        JsonNode byModel = h.ok("POST", "/v0/management/monitoring/analytics", "{" + window
                + ",\"filters\":{\"models\":[\"gpt-test\"],\"include_failed\":false},\"include\":{\"events_page\":{}}}")
                .get("events").get("items");
        assertEquals(List.of("e3"), List.of(byModel.get(0).get("request_id").asText()));
        assertEquals(1, byModel.size());

        assertEquals(400, h.call("POST", "/v0/management/monitoring/analytics", "{" + window
                + ",\"include\":{\"events_page\":{\"cursor\":\"nope\"}}}").statusCode());
        assertEquals(400, h.call("POST", "/v0/management/monitoring/analytics", "{" + window
                + ",\"include\":{\"events_page\":{\"limit\":0}}}").statusCode());
    }

    @Test
    void dashboardSummaryOfToday() throws Exception {
        JsonNode d = h.ok("GET", "/v0/management/dashboard/summary?today_start_ms=" + T0 + "&now_ms="
                + (T0 + 4 * HOUR + 10 * 60_000), null);
        JsonNode today = d.get("today");
        assertEquals(5, today.get("total_calls").asLong());
        assertEquals(4, today.get("success_calls").asLong());
        assertEquals(1, today.get("failure_calls").asLong());
        assertEquals(1.0113, today.get("total_cost").asDouble(), 1e-9);
        assertEquals(1, today.get("zero_token_calls").asLong());
        assertEquals("tier-model", d.get("top_models_today").get(0).get("model").asText());
        assertEquals(3, d.get("top_models_today").get(0).get("calls").asLong());
        assertEquals("tier-model", d.get("model_cost_rank").get(0).get("model").asText());
        assertEquals(0.9889 / 1.0113, d.get("model_cost_rank").get(0).get("cost_share").asDouble(), 1e-6);
        assertEquals(1, d.get("rolling_30m").get("total_calls").asLong(), "only e5 is in the last 30 minutes");
        assertEquals(4, d.get("traffic_timeline").size());
        assertEquals(1, d.get("recent_failures").size());
        assertEquals(429, d.get("recent_failures").get(0).get("fail_status_code").asInt());
        assertEquals(1, d.get("failure_sources").get(0).get("calls").asLong());
        assertEquals(5, d.get("channel_health").size());
    }

    @Test
    void flatUsageViewIsCpaCompatible() throws Exception {
        JsonNode u = h.ok("GET", "/v0/management/usage", null);
        assertTrue(u.get("total_requests").asLong() >= 5);
        JsonNode details = u.get("apis").get("POST /v1/chat/completions").get("models").get("tier-model")
                .get("details");
        JsonNode e1 = null;
        for (JsonNode d : details) {
            if (d.path("auth_index").asText().equals("auth-e1")) {
                e1 = d;
            }
        }
        assertTrue(e1 != null, "e1 listed");
        assertEquals(0, e1.get("tokens").get("cached_tokens").asLong(), "Claude cache mirror removed");
        assertEquals(2000, e1.get("tokens").get("cache_read_tokens").asLong());
        assertTrue(details.get(0).get("timestamp").asText().compareTo(details.get(details.size() - 1)
                .get("timestamp").asText()) >= 0, "newest first");
        assertTrue(!u.toString().contains(KEY_A), "raw client keys never shown");
    }

    @Test
    void exportImportRoundTripsExactlyAndTwiceAddsNothing() throws Exception {
        HttpResponse<String> export = h.call("GET", "/v0/management/usage/export", null);
        assertEquals(200, export.statusCode());
        assertEquals("application/x-ndjson", export.headers().firstValue("content-type").orElse(""));
        List<String> lines = export.body().lines().toList();
        assertTrue(lines.size() >= 5);
        assertTrue(lines.get(0).contains("\"event_hash\""));
        long prev = 0;
        for (String l : lines) {
            long ts = JSON.readTree(l).get("timestamp_ms").asLong();
            assertTrue(ts >= prev, "oldest first");
            prev = ts;
        }
        JsonNode again = h.ok("POST", "/v0/management/usage/import", export.body());
        assertEquals(0, again.get("added").asInt());
        assertEquals(lines.size(), again.get("skipped").asInt());

        // into an empty store: the same records, byte for byte
        try (ManagerHarness other = ManagerHarness.start(engine(), Map.of())) {
            JsonNode first = other.ok("POST", "/v0/management/usage/import", export.body());
            assertEquals(lines.size(), first.get("added").asInt());
            assertEquals(0, other.ok("POST", "/v0/management/usage/import", export.body()).get("added").asInt());
            String reExport = other.call("GET", "/v0/management/usage/export", null).body();
            assertEquals(export.body(), reExport);
            // a JSON array of the same records adds nothing either
            JsonNode array = other.ok("POST", "/v0/management/usage/import",
                    "[" + String.join(",", lines) + "]");
            assertEquals("json_array", array.get("format").asText());
            assertEquals(0, array.get("added").asInt());
        }
    }

    @Test
    void legacySnapshotImportsOnceAndBadInputIsReported() throws Exception {
        String legacy = """
                {"version":1,"exported_at":"2026-01-02T00:00:00Z","usage":{"total_requests":2,"apis":{
                  "POST /v1/messages":{"total_requests":2,"models":{"legacy-model":{"total_requests":2,"details":[
                    {"timestamp":"2026-01-02T10:00:00Z","latency_ms":900,"source":"old@example.com","auth_index":"li",
                     "tokens":{"input_tokens":10,"output_tokens":5,"reasoning_tokens":0,"cached_tokens":0,"total_tokens":15},
                     "failed":false},
                    {"timestamp":"2026-01-02T10:05:00Z","latency_ms":700,"source":"old@example.com","auth_index":"li",
                     "tokens":{"input_tokens":20,"output_tokens":5,"reasoning_tokens":0,"cached_tokens":0,"total_tokens":25},
                     "failed":true}]}}}}}}""";
        JsonNode first = h.ok("POST", "/v0/management/usage/import", legacy);
        assertEquals("legacy_usage_export", first.get("format").asText());
        assertEquals(2, first.get("added").asInt());
        assertTrue(first.get("warnings").size() > 0);
        JsonNode second = h.ok("POST", "/v0/management/usage/import", legacy);
        assertEquals(0, second.get("added").asInt());
        assertEquals(2, second.get("skipped").asInt());

        String mixed = event("m1", T0 + 30 * HOUR, "codex", "gpt-test", KEY_A, 1, 1, 0, 0, 0, 0, 2, 10, null, null)
                + "\nnot json at all\n[1,2]\n";
        JsonNode counted = h.ok("POST", "/v0/management/usage/import", mixed);
        assertEquals(1, counted.get("added").asInt());
        assertEquals(2, counted.get("failed").asInt());
        HttpResponse<String> bad = h.call("POST", "/v0/management/usage/import", "garbage\nmore garbage\n");
        ManagerApiTest.assertError(bad, 400, "usage_import_invalid");
        assertEquals(2, JSON.readTree(bad.body()).get("failed").asInt());
    }

    @Test
    void importOver64MiBIsRefusedBeforeReading() throws Exception {
        String reply = RawHttp.exchange(h.spacegate.port(), "POST /v0/management/usage/import HTTP/1.1",
                "Host: x", "Authorization: Bearer " + ManagerHarness.KEY, "Content-Length: " + (64L * 1024 * 1024 + 1),
                "Connection: close");
        assertTrue(reply.startsWith("HTTP/1.1 413"), reply);
        assertTrue(reply.contains("usage_import_too_large"), reply);
    }
}
