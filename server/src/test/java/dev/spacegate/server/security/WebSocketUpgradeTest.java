package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.gateway.support.Wire;
import dev.spacegate.server.testing.RawHttp;
import org.junit.jupiter.api.Test;

/**
 * Promise (docs/security.md, "Client addresses" and "Testing the whole surface"): a WebSocket upgrade is held to the
 * same rules as an HTTP request. A {@code Sec-WebSocket-Key} that is not base64 of 16 bytes gets 400 in the API's
 * format (Helidon alone answered 500), and the client address of a socket's usage records is the resolved one
 * (trusted proxies), not the socket peer nor a client's own claim.
 */
class WebSocketUpgradeTest {
    private static final String CLIENT_KEY = "fake-ws-upgrade-client-not-secret";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aSecWebSocketKeyThatIsNotBase64Of16BytesIs400InTheApiFormat() throws Exception {
        try (SecureServer s = SecureServer.start("api-keys: [\"" + CLIENT_KEY + "\"]\n", Map.of())) {
            for (String key : List.of("not base64 at all!", "%%%%", "c2hvcnQ=")) {
                String response = RawHttp.exchange(s.port(), "GET /v1/responses HTTP/1.1", "Host: x",
                        "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
                        "Sec-WebSocket-Key: " + key, "Authorization: Bearer " + CLIENT_KEY);
                assertTrue(response.startsWith("HTTP/1.1 400"), key + " -> " + response);
                JsonNode error = SecureServer.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4))
                        .path("error");
                assertEquals("invalid_websocket_key", error.path("code").asText(), response);
            }
            assertEquals(200, s.send("GET", "/healthz", null).statusCode());
        }
    }

    @Test
    void behindATrustedProxyASocketsUsageRecordHasTheForwardedClient() throws Exception {
        assertEquals("203.0.113.7", usageAddress(Map.of("TRUSTED_PROXIES", "127.0.0.1/32")),
                "the address the trusted proxy appended");
        assertEquals("127.0.0.1", usageAddress(Map.of("TRUSTED_PROXIES", "none")),
                "no trusted proxy: the socket peer, whatever the client claims");
    }

    /**
     * Runs one response.create over a socket that claims X-Forwarded-For 203.0.113.7; the client address of its usage
     * record (as the usage queue hands it on).
     */
    private static String usageAddress(Map<String, String> env) throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             SecureServer s = SecureServer.start("""
                     api-keys: ["%s"]
                     usage-statistics-enabled: true
                     codex-api-key:
                       - api-key: upstream-codex-key-not-secret
                         base-url: %s/backend-api/codex
                         models: [{name: gpt-up, alias: codex-x}]
                     """.formatted(CLIENT_KEY, upstream.baseUrl()), env)) {
            upstream.script(seen -> FakeUpstream.sse(Wire.responsesStream(seen.model()), 0));
            CompletableFuture<String> completed = new CompletableFuture<>();
            WebSocket ws = CLIENT.newWebSocketBuilder().header("Authorization", "Bearer " + CLIENT_KEY)
                    .header("X-Forwarded-For", "203.0.113.7")
                    .buildAsync(URI.create("ws://127.0.0.1:" + s.port() + "/v1/responses"), new WebSocket.Listener() {
                        private final StringBuilder part = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            part.append(data);
                            if (last) {
                                if (part.toString().contains("response.completed")) {
                                    completed.complete(part.toString());
                                }
                                part.setLength(0);
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(15, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"response.create\",\"model\":\"codex-x\",\"input\":\"hi\"}", true);
            completed.get(15, TimeUnit.SECONDS);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
            // the record is queued after the last frame went out: wait for it
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                JsonNode queued = s.ok("GET", "/v0/management/usage-queue?count=10", null);
                if (!queued.isEmpty()) {
                    return queued.get(0).path("client_ip").asText();
                }
            }
            throw new AssertionError("no usage record within 15 s");
        }
    }
}
