package dev.spacegate.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.gateway.support.Wire;
import dev.spacegate.server.testing.Servers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Responses over WebSocket the way users run it: the real bundled server (the assembly Main uses, manager built
 * in) bridges the socket to a fake HTTP + SSE upstream, and the {@code cpa-manager} / {@code cpamp} profiles relay
 * the socket to an external gateway (here the bundled server, standing in for CLIProxyAPI).
 */
class ResponsesWebSocketProfilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_KEY = "sk-client-ws-not-secret";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static FakeUpstream upstream;
    private static Path dir;
    private static Persistence persistence;
    private static Spacegate bundled;
    private static final Map<String, Spacegate> FRONTS = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.script(s -> FakeUpstream.sse(Wire.responsesStream(s.model()), 0));
        dir = Files.createTempDirectory("sg-ws-");
        persistence = Persistence.open(PersistenceSettings.fromEnv(Map.of("DATA_DIR", dir.toString(),
                "DATA_KEY", TestPg.TEST_DATA_KEY)));
        String yaml = """
                api-keys: ["%s"]
                codex-api-key:
                  - api-key: upstream-codex-key
                    base-url: %s/backend-api/codex
                    models: [{name: gpt-up, alias: codex-x}]
                """.formatted(CLIENT_KEY, upstream.baseUrl());
        Map<String, String> env = Map.of("MANAGEMENT_PASSWORD", "mgmt-ws-not-secret");
        bundled = Spacegate.start(Servers.config(yaml, env), persistence, env);
        String gatewayUrl = "http://127.0.0.1:" + bundled.port();
        for (String profile : List.of("cpa-manager", "cpamp")) {
            FRONTS.put(profile, Spacegate.start(Servers.config(Map.of("ROUTE_PROFILE", profile,
                    "GATEWAY_UPSTREAM", gatewayUrl, "MANAGER_UPSTREAM", gatewayUrl))));
        }
    }

    @AfterAll
    static void stop() {
        FRONTS.values().forEach(Spacegate::stop);
        if (bundled != null) {
            bundled.stop();
        }
        if (persistence != null) {
            persistence.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        TestPg.deleteTree(dir);
    }

    private static int port(String profile) {
        return profile.equals("bundled") ? bundled.port() : FRONTS.get(profile).port();
    }

    private static CompletableFuture<WebSocket> open(String profile, String path, String key, Frames frames) {
        return CLIENT.newWebSocketBuilder().header("Authorization", "Bearer " + key)
                .buildAsync(URI.create("ws://127.0.0.1:" + port(profile) + path), frames);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "bundled, /v1/responses", "bundled, /backend-api/codex/responses",
        "cpa-manager, /v1/responses", "cpa-manager, /backend-api/codex/responses",
        "cpamp, /v1/responses", "cpamp, /backend-api/codex/responses"})
    void responseCreateIsAnsweredWithTheUpstreamsStreamEvents(String profile, String path) throws Exception {
        Frames frames = new Frames();
        // buildAsync completes only after the server answered the upgrade with 101 Switching Protocols
        WebSocket ws = open(profile, path, CLIENT_KEY, frames).get(15, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"response.create\",\"model\":\"codex-x\",\"input\":\"hi\"}", true);
        frames.await("response.completed");
        List<String> types = frames.list.stream().map(f -> json(f).path("type").asText()).toList();
        assertEquals(List.of("response.created", "response.output_text.delta", "response.output_text.delta",
                "response.output_item.done", "response.completed"), types, "one frame per upstream event");
        assertEquals(" there", json(frames.list.get(2)).path("delta").asText());
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "bundled, /v1/responses", "bundled, /backend-api/codex/responses",
        "cpa-manager, /v1/responses", "cpamp, /backend-api/codex/responses"})
    void aWrongClientKeyIsRefusedAtTheUpgrade(String profile, String path) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> open(profile, path, "sk-wrong", new Frames()).get(15, TimeUnit.SECONDS));
        WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertTrue(refused.getResponse().statusCode() >= 400, "status " + refused.getResponse().statusCode());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** Collects text frames; the test waits for one containing a marker. */
    private static final class Frames implements WebSocket.Listener {
        final List<String> list = new CopyOnWriteArrayList<>();
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                list.add(part.toString());
                part.setLength(0);
            }
            w.request(1);
            return null;
        }

        void await(String marker) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (list.stream().noneMatch(f -> f.contains(marker))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no frame with " + marker + " in " + list);
                }
                Thread.sleep(5);
            }
        }
    }
}
