package dev.spacegate.server.routing;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.server.Spacegate;
import dev.spacegate.server.testing.RawHttp;
import dev.spacegate.server.testing.Servers;
import dev.spacegate.server.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forwarder against real upstream sockets, through a real Spacegate in the cpa-manager profile. */
class ForwarderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static TestUpstream gateway;
    private static TestUpstream manager;
    private static Spacegate spacegate;

    @BeforeAll
    static void start() {
        gateway = TestUpstream.start();
        manager = TestUpstream.start();
        spacegate = Spacegate.start(Servers.config(Map.of("ROUTE_PROFILE", "cpa-manager",
                "GATEWAY_UPSTREAM", gateway.url(), "MANAGER_UPSTREAM", manager.url(),
                "MAX_BODY_SIZE", "64MiB")));
    }

    @AfterAll
    static void stop() {
        spacegate.stop();
        gateway.close();
        manager.close();
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + spacegate.port() + pathAndQuery);
    }

    private static JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void sseEventsArriveAsTheUpstreamSendsThem() throws Exception {
        HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(uri("/sse"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-encoding").isEmpty(), "an event stream is never compressed");
        List<Long> arrivals = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data:")) {
                    arrivals.add(System.nanoTime());
                }
            }
        }
        assertEquals(4, arrivals.size());
        // The upstream sends every 200 ms; a buffering hop would deliver them together (gaps ~0). One gap may
        // shrink when a loaded machine stalls a single event, so two of the three must show the spacing.
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < arrivals.size(); i++) {
            gaps.add((arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000);
        }
        assertTrue(gaps.stream().filter(g -> g >= 100 && g < 1000).count() >= 2, "gaps in ms: " + gaps);
        assertTrue((arrivals.get(3) - arrivals.get(0)) / 1_000_000 >= 350, "gaps in ms: " + gaps);
    }

    @Test
    void websocketEchoWorksThroughTheForwarder() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        WebSocket ws = CLIENT.newWebSocketBuilder().buildAsync(
                URI.create("ws://127.0.0.1:" + spacegate.port() + "/ws/echo"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        reply.complete(data.toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"response.create\"}", true).join();
        assertEquals("echo:{\"type\":\"response.create\"}", reply.get(10, TimeUnit.SECONDS));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    @Test
    void forwardedHeadersHostAndHopByHop() throws Exception {
        String response = RawHttp.exchange(spacegate.port(),
                "GET /echo/headers?x=1 HTTP/1.1",
                "Host: my-space.hf.space",
                "X-Forwarded-For: 203.0.113.7",
                "X-Request-Id: req-abc-123",
                "Connection: X-Drop-Me",
                "X-Drop-Me: secret-hop",
                "TE: trailers",
                "Proxy-Authorization: Basic bm9wZQ==");
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertFalse(response.toLowerCase().contains("\nkeep-alive:"), "upstream hop-by-hop header leaked");
        JsonNode echo = JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        JsonNode h = echo.get("headers");
        assertEquals("my-space.hf.space", h.get("host").asText());
        // the client's own X-Forwarded-For is not passed on: the peer (loopback) is no trusted proxy here
        assertEquals("127.0.0.1", h.get("x-forwarded-for").asText());
        assertEquals("http", h.get("x-forwarded-proto").asText());
        assertEquals("my-space.hf.space", h.get("x-forwarded-host").asText());
        assertEquals("127.0.0.1", h.get("x-real-ip").asText());
        assertEquals("req-abc-123", h.get("x-request-id").asText());
        assertFalse(h.has("x-drop-me"));
        assertFalse(h.has("te"));
        assertFalse(h.has("proxy-authorization"));
        assertEquals("/echo/headers", echo.get("path").asText());
        assertEquals("x=1", echo.get("query").asText());
    }

    @Test
    void repeatedHeadersKeepEveryValueBothWays() throws Exception {
        String response = RawHttp.exchange(spacegate.port(),
                "GET /echo/multi HTTP/1.1",
                "Host: 127.0.0.1",
                "X-Multi: a",
                "X-Multi: b");
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        JsonNode echo = JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertEquals("a, b", echo.get("headers").get("x-multi").asText());
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri("/cookies")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(List.of("a=1; Path=/", "b=2; Path=/"), r.headers().allValues("set-cookie"));
        assertEquals("two cookies", r.body());
    }

    @Test
    void headAnswersCarryTheLengthButNoBody() throws Exception {
        HttpResponse<byte[]> head = CLIENT.send(HttpRequest.newBuilder(uri("/echo/head"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertTrue(Long.parseLong(head.headers().firstValue("content-length").orElse("0")) > 0, head.headers().toString());
        assertEquals(0, head.body().length);
        // the connection is still usable after the bodyless answer
        assertEquals(200, CLIENT.send(HttpRequest.newBuilder(uri("/json")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void anUpstreamEncodedBodyPassesThroughUntouched() throws Exception {
        HttpResponse<byte[]> r = CLIENT.send(HttpRequest.newBuilder(uri("/gzipped"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("gzip", r.headers().firstValue("content-encoding").orElse(""));
        assertTrue(java.util.Arrays.equals(TestUpstream.GZIPPED, r.body()), "encoded twice or decoded on the way");
    }

    @Test
    void aClientThatLeavesAStreamClosesTheUpstreamStream() throws Exception {
        HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(uri("/endless")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertEquals("data: 0", in.readLine());
        }
        assertTrue(TestUpstream.ENDLESS_CUT.await(15, TimeUnit.SECONDS), "the upstream kept streaming to nobody");
    }

    @Test
    void cpmPrefixIsStrippedAndGoesToTheManager() throws Exception {
        JsonNode echo = getJson("/cpm/echo/panel?lang=zh");
        assertEquals("/echo/panel", echo.get("path").asText());
        assertEquals("lang=zh", echo.get("query").asText());
        assertEquals("127.0.0.1:" + spacegate.port(), echo.get("headers").get("host").asText());
    }

    @Test
    void queryStringIsForwardedVerbatim() throws Exception {
        JsonNode echo = getJson("/echo/q?key=a%20b&x=%2F&x=2");
        assertEquals("key=a%20b&x=%2F&x=2", echo.get("query").asText());
    }

    @Test
    void requestBodiesStreamThroughIntact() throws Exception {
        byte[] body = new byte[20 * 1024 * 1024];
        new Random(7).nextBytes(body);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        HttpResponse<String> direct = CLIENT.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/echo/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(sha, JSON.readTree(direct.body()).get("bodySha256").asText(), "DIRECT");
        HttpResponse<String> fixed = CLIENT.send(HttpRequest.newBuilder(uri("/echo/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(body.length, JSON.readTree(fixed.body()).get("bodyBytes").asLong(), fixed.body());
        assertEquals(sha, JSON.readTree(fixed.body()).get("bodySha256").asText());
        HttpResponse<String> chunked = CLIENT.send(HttpRequest.newBuilder(uri("/echo/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(body.length, JSON.readTree(chunked.body()).get("bodyBytes").asLong());
        assertEquals(sha, JSON.readTree(chunked.body()).get("bodySha256").asText());
    }

    @Test
    void largeResponsesStreamBackIntact() throws Exception {
        HttpResponse<byte[]> direct = CLIENT.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/blob")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> via = CLIENT.send(HttpRequest.newBuilder(uri("/blob")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(TestUpstream.BLOB_BYTES, via.body().length);
        assertEquals(String.valueOf(TestUpstream.BLOB_BYTES), via.headers().firstValue("content-length").orElse(""));
        assertTrue(java.util.Arrays.equals(direct.body(), via.body()), "response body changed on the way");
    }

    @Test
    void oversizeBodiesGet413InJson() throws Exception {
        byte[] body = new byte[65 * 1024 * 1024];
        HttpResponse<String> fixed = CLIENT.send(HttpRequest.newBuilder(uri("/echo/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, fixed.statusCode());
        assertEquals("request_too_large", JSON.readTree(fixed.body()).get("error").get("code").asText());
        HttpResponse<String> chunked = CLIENT.send(HttpRequest.newBuilder(uri("/echo/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode());
        assertEquals("request_too_large", JSON.readTree(chunked.body()).get("error").get("code").asText());
    }

    @Test
    void jsonIsGzippedWhenTheClientAcceptsIt() throws Exception {
        HttpResponse<byte[]> plain = CLIENT.send(HttpRequest.newBuilder(uri("/json")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> zipped = CLIENT.send(HttpRequest.newBuilder(uri("/json"))
                .header("Accept-Encoding", "gzip, zstd").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertTrue(plain.headers().firstValue("content-encoding").isEmpty());
        assertEquals("gzip", zipped.headers().firstValue("content-encoding").orElse(""));
        byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes();
        assertEquals(new String(plain.body(), StandardCharsets.UTF_8), new String(unzipped, StandardCharsets.UTF_8));
        assertTrue(zipped.body().length < plain.body().length / 4);
    }

    @Test
    void redirectsArePassedBackNotFollowed() throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri("/redirect")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, r.statusCode());
        assertEquals("/json", r.headers().firstValue("location").orElse(""));
    }

    @Test
    void cpmWithoutSlashRedirects() throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri("/cpm?x=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, r.statusCode());
        assertEquals("/cpm/?x=1", r.headers().firstValue("location").orElse(""));
    }

    @Test
    void unreachableUpstreamIs502AndSlowIs504() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Spacegate down = Spacegate.start(Servers.config(Map.of("ROUTE_PROFILE", "cpa-manager",
                "GATEWAY_UPSTREAM", "http://127.0.0.1:" + closed, "MANAGER_UPSTREAM", manager.url(),
                "UPSTREAM_READ_TIMEOUT", "1", "SHUTDOWN_GRACE_SECONDS", "1")));
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + down.port() + "/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(502, r.statusCode());
            JsonNode err = JSON.readTree(r.body()).get("error");
            assertEquals("gateway", err.get("owner").asText());
            assertEquals("upstream_unreachable", err.get("code").asText());
            assertFalse(r.body().contains("Exception"), r.body());

            HttpResponse<String> slow = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + down.port() + "/cpm/slow")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(504, slow.statusCode(), slow.body());
            assertEquals("manager", JSON.readTree(slow.body()).get("error").get("owner").asText());
        } finally {
            down.stop();
        }
    }
}
