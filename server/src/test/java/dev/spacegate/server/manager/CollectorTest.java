package dev.spacegate.server.manager;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import static dev.spacegate.server.manager.ManagerHarness.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** External mode: the collector against a fake CLIProxyAPI usage queue, including the fake being down a while. */
class CollectorTest {
    static final String CPA_KEY = "test-cpa-management-key-not-secret";
    static final long T0 = 1_767_225_600_000L;

    /** A fake CLIProxyAPI: the HTTP usage queue (destructive pop) and the config endpoint setup validates with. */
    static final class FakeCpa implements AutoCloseable {
        final ConcurrentLinkedQueue<JsonNode> queue = new ConcurrentLinkedQueue<>();
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger pulls = new AtomicInteger();
        final WebServer server;

        FakeCpa(int port) {
            server = WebServer.builder().host("127.0.0.1").port(port).routing(r -> r
                    .get("/v0/management/usage-queue", (req, res) -> {
                        pulls.incrementAndGet();
                        if (!("Bearer " + CPA_KEY).equals(req.headers().first(HeaderNames.AUTHORIZATION).orElse(""))) {
                            res.status(Status.UNAUTHORIZED_401).send("{\"error\":\"invalid management key\"}");
                            return;
                        }
                        if (down.get()) {
                            res.status(Status.SERVICE_UNAVAILABLE_503).send("down");
                            return;
                        }
                        int count = Integer.parseInt(req.query().first("count").orElse("1"));
                        ArrayNode out = JSON.createArrayNode();
                        for (int i = 0; i < count && !queue.isEmpty(); i++) {
                            out.add(queue.poll());
                        }
                        res.header(HeaderValues.CONTENT_TYPE_JSON);
                        res.send(out.toString());
                    })
                    .get("/v0/management/config", (req, res) -> {
                        boolean ok = ("Bearer " + CPA_KEY).equals(req.headers().first(HeaderNames.AUTHORIZATION)
                                .orElse(""));
                        res.status(ok ? Status.OK_200 : Status.UNAUTHORIZED_401).send("{}");
                    })).build().start();
        }

        String url() {
            return "http://127.0.0.1:" + server.port();
        }

        @Override
        public void close() {
            server.stop();
        }
    }

    static ObjectNode record(int i) {
        ObjectNode o = JSON.createObjectNode();
        o.put("timestamp", Instant.ofEpochMilli(T0 + i * 1000L).toString());
        o.put("request_id", String.format("%08x", i));
        o.put("provider", "codex");
        o.put("model", "gpt-5");
        o.put("endpoint", "POST /v1/responses");
        o.put("auth_index", "0123456789abcdef");
        o.put("latency_ms", 100 + i);
        o.putObject("tokens").put("input_tokens", 10).put("output_tokens", 5).put("total_tokens", 15);
        o.put("failed", false);
        return o;
    }

    static Map<String, String> fastPacing() {
        return Map.of("USAGE_POLL_INTERVAL_MS", "20", "USAGE_BACKOFF_START_MS", "20", "USAGE_BACKOFF_MAX_MS", "100");
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10); // polling a condition; the collector has no event to wait on from outside
        }
    }

    @Test
    void collectsTheQueueSkipsControlItemsDeduplicatesAndSurvivesAnOutage() throws Exception {
        try (FakeCpa cpa = new FakeCpa(0)) {
            cpa.queue.add(record(1));
            cpa.queue.add(JSON.getNodeFactory().textNode(record(2).toString())); // string items are JSON text
            cpa.queue.add(JSON.createObjectNode().put("support_refresh", true));
            cpa.queue.add(JSON.getNodeFactory().textNode("{broken"));
            Map<String, String> env = new java.util.HashMap<>(fastPacing());
            env.put("GATEWAY_UPSTREAM", cpa.url());
            env.put("CPA_MANAGEMENT_KEY", CPA_KEY);
            try (ManagerHarness h = ManagerHarness.start(ManagerHarness.Engine.SQLITE, env)) {
                var collector = h.manager().collector().orElseThrow();
                await("two records stored", () -> collector.totalInserted() == 2);
                assertEquals(2, h.persistence.usage().count());

                cpa.down.set(true);
                cpa.queue.add(record(3));
                cpa.queue.add(record(1)); // delivered again: dropped by its event hash
                int before = cpa.pulls.get();
                await("the outage noticed", () -> "error".equals(collector.state()) && cpa.pulls.get() >= before + 3);
                JsonNode status = h.ok("GET", "/status", null).get("collector");
                assertEquals("error", status.get("collector").asText());
                assertTrue(status.get("lastError").asText().contains("503"));
                assertFalse(status.toString().contains(CPA_KEY), "the upstream key is never shown");

                cpa.down.set(false);
                await("the queue drained after the outage", () -> collector.totalInserted() == 3 && cpa.queue.isEmpty());
                await("running again", () -> "running".equals(collector.state()));
                assertEquals(3, h.persistence.usage().count());
                JsonNode after = h.ok("GET", "/status", null);
                assertEquals(3, after.get("events").asLong());
                assertEquals(1, after.get("collector").get("totalSkipped").asLong());
                assertEquals(1, after.get("collector").get("deadLetters").asLong());
                assertFalse(after.get("collector").has("lastError"));
                JsonNode info = JSON.readTree(h.send("GET", "/usage-service/info", null).body());
                assertEquals("external", info.get("gateway").asText());
                assertTrue(info.get("configured").asBoolean());
            }
        }
    }

    @Test
    void anUnreachableUpstreamIsRetriedUntilItComesUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, String> env = new java.util.HashMap<>(fastPacing());
        env.put("GATEWAY_UPSTREAM", "http://127.0.0.1:" + port);
        env.put("CPA_MANAGEMENT_KEY", CPA_KEY);
        try (ManagerHarness h = ManagerHarness.start(ManagerHarness.Engine.SQLITE, env)) {
            var collector = h.manager().collector().orElseThrow();
            await("the failure recorded", () -> "error".equals(collector.state()));
            assertEquals("http: upstream unreachable", collector.status().get("lastError").asText());
            try (FakeCpa cpa = new FakeCpa(port)) {
                cpa.queue.add(record(7));
                await("the record collected once the upstream is up", () -> collector.totalInserted() == 1);
            }
        }
    }

    @Test
    void setupBindsAnUpstreamAndStartsCollecting() throws Exception {
        try (FakeCpa cpa = new FakeCpa(0)) {
            cpa.queue.add(record(9));
            Map<String, String> env = new java.util.HashMap<>(fastPacing());
            env.put("GATEWAY_UPSTREAM", cpa.url());
            try (ManagerHarness h = ManagerHarness.start(ManagerHarness.Engine.SQLITE, env)) {
                JsonNode info = JSON.readTree(h.send("GET", "/usage-service/info", null).body());
                assertTrue(info.get("setupRequired").asBoolean(), "external gateway without its key needs setup");
                assertTrue(h.manager().collector().isEmpty());
                ManagerApiTest.assertError(h.call("POST", "/setup", "{\"cpaBaseUrl\":\"" + cpa.url()
                        + "/v0/management\",\"managementKey\":\"wrong-key\"}"), 502, "management_api_validation_failed");
                JsonNode ok = h.ok("POST", "/setup", "{\"cpaBaseUrl\":\"" + cpa.url()
                        + "/v0/management/\",\"managementKey\":\"" + CPA_KEY + "\"}");
                assertEquals(cpa.url(), ok.get("upstream").asText());
                await("collected after setup", () -> h.manager().collector().map(c -> c.totalInserted() == 1)
                        .orElse(false));
                JsonNode cfg = h.ok("GET", "/usage-service/config", null);
                assertEquals("db", cfg.get("source").asText());
                assertTrue(cfg.get("config").get("cpaConnection").get("managementKeySet").asBoolean());
                assertFalse(cfg.toString().contains(CPA_KEY), "the key is not shown back");
                String stored = h.persistence.settings().get(ManagerService.SETUP_KEY).orElseThrow().value().toString();
                assertFalse(stored.contains(CPA_KEY), "the key is sealed at rest");
            }
        }
    }
}
