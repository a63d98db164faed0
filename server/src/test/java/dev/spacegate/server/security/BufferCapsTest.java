package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.testing.MainProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Promise (docs/security.md, "Upstreams"): every buffer an upstream or a client fills is capped (finding 8). The server
 * runs as Main does, in its own JVM with the image's 256 MB heap, against a fake upstream that sends a gzip bomb (1 GiB
 * of zeros in 1 MB) or an event line that never ends, and a client that sends one WebSocket message in endless
 * fragments. Each gets a clear error; the server neither runs out of memory nor stops answering.
 */
class BufferCapsTest {
    private static final String CLIENT_KEY = "fake-caps-client-not-secret";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static FakeUpstream upstream;
    private static Path dir;
    private static MainProcess server;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        byte[] bomb = gzipBomb();
        upstream.script(seen -> seen.model().equals("up-bomb") ? gzipped(bomb) : endlessLine());
        dir = Files.createTempDirectory("sg-caps-");
        server = MainProcess.start("caps", dir, """
                api-keys: ["%s"]
                openai-compatibility:
                  - name: up
                    base-url: %s/v1
                    api-key-entries: [{api-key: upstream-caps-key-not-secret}]
                    models: [{name: up-bomb, alias: bomb}, {name: up-line, alias: line}]
                """.formatted(CLIENT_KEY, upstream.baseUrl()), "256m",
                Map.of("DATA_KEY", TestPg.TEST_DATA_KEY, "MANAGEMENT_PASSWORD", "caps-management-key-not-secret"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        TestPg.deleteTree(dir);
    }

    @Test
    void aGzipBombFromTheUpstreamIsA502InTheClientsFormat() throws Exception {
        HttpResponse<InputStream> r = chat("bomb", false);
        byte[] head = r.body().readNBytes(64 * 1024);
        r.body().close();
        assertEquals(502, r.statusCode(), new String(head, StandardCharsets.UTF_8));
        JsonNode error = SecureServer.JSON.readTree(head).path("error");
        assertEquals("upstream_response_too_large", error.path("code").asText(), error.toString());
        assertTrue(error.path("message").asText().contains("MiB"), error.toString());
        assertServerHealthy();
    }

    @Test
    void anEventLineThatNeverEndsEndsTheStreamWithAnErrorEvent() throws Exception {
        HttpResponse<InputStream> r = chat("line", true);
        assertEquals(200, r.statusCode(), "the stream had started");
        // the stream must end by itself: the upstream would send 512 MiB without a newline
        String tail = tail(r.body());
        assertTrue(tail.contains("\"code\":\"upstream_error\"") && tail.contains("larger than 16 MiB"), tail);
        assertServerHealthy();
    }

    @Test
    void aWebSocketMessageInEndlessFragmentsIsClosedWith1009() throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + CLIENT_KEY)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/v1/responses"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                        closed.complete(status);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket w, Throwable error) {
                        closed.completeExceptionally(error);
                    }
                }).get(15, TimeUnit.SECONDS);
        String fragment = "x".repeat(512 * 1024);
        ws.sendText("{\"type\":\"response.create\",\"input\":\"", false).get(10, TimeUnit.SECONDS);
        // 96 MiB in all, three times the cap: the server must close before the last fragment
        for (int i = 0; i < 192 && !closed.isDone(); i++) {
            try {
                ws.sendText(fragment, false).get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                break; // the server closed while we were sending
            }
        }
        assertEquals(1009, closed.get(30, TimeUnit.SECONDS), "closed with 1009 (message too big)");
        assertServerHealthy();
    }

    private static HttpResponse<InputStream> chat(String model, boolean stream) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + CLIENT_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    private static void assertServerHealthy() throws Exception {
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/healthz")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), "healthy afterwards");
        assertTrue(server.process().isAlive(), "still running");
        assertTrue(server.logLines("OutOfMemoryError").isEmpty(), String.join("\n", server.output()));
    }

    /** The last 64 KiB of a stream, read until it ends (a stream that never ends fails the test by timeout). */
    private static String tail(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        byte[] last = new byte[0];
        try (in) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                byte[] joined = Arrays.copyOf(last, last.length + n);
                System.arraycopy(buf, 0, joined, last.length, n);
                last = Arrays.copyOfRange(joined, Math.max(0, joined.length - buf.length), joined.length);
            }
        }
        return new String(last, StandardCharsets.UTF_8);
    }

    /** 1 GiB of zeros as 64 gzip members of 16 MiB each (a gzip reader decodes members one after another). */
    private static byte[] gzipBomb() throws IOException {
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(member)) {
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 16; i++) {
                gz.write(zeros);
            }
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 64; i++) {
            member.writeTo(all);
        }
        return all.toByteArray();
    }

    private static FakeUpstream.Reply gzipped(byte[] body) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        };
    }

    /** One SSE line of 512 MiB that never gets its newline; stops early when the gateway hangs up. */
    private static FakeUpstream.Reply endlessLine() {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("data: {\"x\":\"".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1024 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            for (int i = 0; i < 512; i++) {
                out.write(chunk);
                out.flush();
            }
        };
    }
}
