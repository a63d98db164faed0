package dev.spacegate.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.server.testing.RawHttp;
import dev.spacegate.server.testing.Servers;
import dev.spacegate.server.testing.TestUpstream;
import dev.spacegate.server.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundled server on a real socket: health, landing, request ids, access log, path normalisation. */
class ServerTest {
    private static LogCapture capture;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static Spacegate spacegate;

    @BeforeAll
    static void start() {
        capture = LogCapture.accessLog();
        spacegate = Spacegate.start(Servers.config(Map.of()));
    }

    @AfterAll
    static void stop() {
        spacegate.stop();
        capture.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + spacegate.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthEndpoints() throws Exception {
        HttpResponse<String> healthz = get("/healthz");
        assertEquals(200, healthz.statusCode());
        assertEquals("ok", JSON.readTree(healthz.body()).get("status").asText());
        JsonNode health = JSON.readTree(get("/health").body());
        assertTrue(health.get("ok").asBoolean());
        assertEquals("spacegate", health.get("service").asText());
        HttpResponse<String> head = CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + spacegate.port() + "/healthz"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void landingNamesAnApiGatewayAndLinksThePanel() throws Exception {
        HttpResponse<String> r = get("/");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(r.body().contains("API gateway"));
        assertTrue(r.body().contains("href=\"/management.html\""));
        assertFalse(r.body().toLowerCase(Locale.ROOT).contains("proxy"));
    }

    @Test
    void requestIdIsKeptWhenSaneAndGeneratedOtherwise() throws Exception {
        assertEquals("abc-123.x:y_z", get("/healthz", "X-Request-Id", "abc-123.x:y_z")
                .headers().firstValue("x-request-id").orElse(""));
        String replaced = get("/healthz", "X-Request-Id", "bad id <script>").headers()
                .firstValue("x-request-id").orElse("");
        assertNotEquals("bad id <script>", replaced);
        assertTrue(replaced.matches("[0-9a-f-]{36}"), replaced);
        String generated = get("/healthz").headers().firstValue("x-request-id").orElse("");
        assertTrue(generated.matches("[0-9a-f-]{36}"), generated);
        assertEquals(404, get("/v1/nothing-here").statusCode());
        assertTrue(get("/v1/nothing-here").headers().firstValue("x-request-id").isPresent());
    }

    @Test
    void accessLogHasOneRedactedLinePerRequest() throws Exception {
        get("/v1/models?key=sk-test-not-real&alt=sse&auth_token=tok-test-value", "X-Request-Id", "log-check-1");
        // the line is written after the response went out: wait for it rather than race it
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (capture.messages().stream().noneMatch(l -> l.contains("id=log-check-1")) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        String line = capture.messages().stream().filter(l -> l.contains("id=log-check-1")).findFirst().orElseThrow();
        assertTrue(line.matches("GET /v1/models\\?key=REDACTED&alt=sse&auth_token=REDACTED \\d{3} .*"), line);
        assertTrue(line.contains("owner=gateway"), line);
        assertTrue(line.matches(".* \\d+\\.\\d{3}ms .*"), line);
        assertFalse(capture.messages().stream().anyMatch(l -> l.contains("sk-test-not-real") || l.contains("tok-test-value")));
        assertEquals(1, capture.messages().stream().filter(l -> l.contains("id=log-check-1")).count());
    }

    @Test
    void rawDotSegmentsReachTheOwnerOfTheNormalisedPath() throws Exception {
        String viaCpm = RawHttp.exchange(spacegate.port(), "GET /cpm/../health HTTP/1.1", "Host: x");
        assertTrue(viaCpm.startsWith("HTTP/1.1 200"), viaCpm);
        assertTrue(viaCpm.contains("\"service\":\"spacegate\""), viaCpm);
        String encoded = RawHttp.exchange(spacegate.port(), "GET /cpm/%2e%2e//healthz HTTP/1.1", "Host: x");
        assertTrue(encoded.contains("{\"status\":\"ok\"}"), encoded);
        String bad = RawHttp.exchange(spacegate.port(), "GET /v1/%zz HTTP/1.1", "Host: x");
        assertTrue(bad.startsWith("HTTP/1.1 400"), bad);
        assertFalse(bad.contains("Exception"), bad);
    }

    @Test
    void cpmRedirectsAndUnknownPathsAnswerInJson() throws Exception {
        HttpResponse<String> cpm = get("/cpm");
        assertEquals(302, cpm.statusCode());
        assertEquals("/cpm/", cpm.headers().firstValue("location").orElse(""));
        HttpResponse<String> unknown = get("/v0/management/usage/not-yet");
        assertEquals(404, unknown.statusCode());
        assertEquals("not_found", JSON.readTree(unknown.body()).get("code").asText());
        HttpResponse<String> wrongMethod = CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + spacegate.port() + "/healthz"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("GET", wrongMethod.headers().firstValue("allow").orElse(""));
    }

    @Test
    void bundledWithManagerUpstreamKeepsTheBuiltInGateway() throws Exception {
        try (TestUpstream cpamp = TestUpstream.start()) {
            Spacegate split = Spacegate.start(Servers.config(Map.of("MANAGER_UPSTREAM", cpamp.url())), null,
                    Map.of("MANAGEMENT_PASSWORD", "test-management-key-not-secret",
                            "DATA_DIR", System.getProperty("java.io.tmpdir") + "/sg-split-" + System.nanoTime()));
            try {
                assertTrue(split.manager().isEmpty() && split.gateway().isPresent());
                String base = "http://127.0.0.1:" + split.port();
                // The external manager (a stand-in without /health) answers, not the built-in one (200, spacegate).
                HttpResponse<String> health = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(404, health.statusCode(), health.body());
                assertFalse(health.body().contains("spacegate"), health.body());
                HttpResponse<String> queue = CLIENT.send(HttpRequest.newBuilder(URI.create(base
                        + "/v0/management/usage-queue")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, queue.statusCode(), queue.body());
                HttpResponse<String> keyed = CLIENT.send(HttpRequest.newBuilder(URI.create(base
                        + "/v0/management/usage-queue?count=1"))
                        .header("Authorization", "Bearer test-management-key-not-secret").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, keyed.statusCode(), keyed.body());
            } finally {
                split.stop();
            }
        }
    }

    @Test
    void bundledWithGatewayUpstreamForwardsOnlyGatewayPaths() throws Exception {
        try (TestUpstream cpa = TestUpstream.start()) {
            Spacegate fronting = Spacegate.start(Servers.config(Map.of("GATEWAY_UPSTREAM", cpa.url())));
            try {
                HttpResponse<String> api = CLIENT.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + fronting.port() + "/echo/v1")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("/echo/v1", JSON.readTree(api.body()).get("path").asText());
                HttpResponse<String> health = CLIENT.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + fronting.port() + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("spacegate", JSON.readTree(health.body()).get("service").asText());
            } finally {
                fronting.stop();
            }
        }
    }
}
