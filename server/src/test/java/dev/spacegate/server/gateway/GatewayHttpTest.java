package dev.spacegate.server.gateway;

import dev.spacegate.server.gateway.config.GatewayConfig;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Wire;
import dev.spacegate.server.gateway.support.Yaml;

import static dev.spacegate.server.gateway.support.GatewayHarness.CLIENT_KEY;
import static dev.spacegate.server.gateway.support.GatewayHarness.MANAGEMENT_KEY;
import static dev.spacegate.server.gateway.support.GatewayHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway on a real socket in front of fake upstreams speaking the providers' wire formats, driven by the
 * official OpenAI SDK where it applies and by plain HTTP elsewhere.
 */
class GatewayHttpTest {
    static FakeUpstream upstream;
    static GatewayHarness h;
    static OpenAIClient sdk;
    static String configYaml;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.script(GatewayHttpTest::script);
        configYaml = """
                api-keys: ["%1$s"]
                usage-statistics-enabled: true
                request-retry: 1
                streaming: { keepalive-seconds: 1 }
                nonstream-keepalive-interval: 1
                request-body-limit-mb: 1
                openai-compatibility:
                  - name: fake-openai
                    base-url: %2$s/v1
                    api-key-entries: [{api-key: upstream-key-a}, {api-key: upstream-key-b}]
                    models:
                      - {name: up-chat, alias: chat}
                      - {name: up-tools, alias: tools}
                      - {name: up-bad, alias: bad-request}
                      - {name: up-failover, alias: failover}
                      - {name: up-midbreak, alias: midbreak}
                      - {name: up-cool, alias: cool}
                      - {name: up-half429, alias: half429}
                      - {name: up-slow, alias: slow}
                      - {name: up-waiting, alias: waiting}
                      - {name: up-redirect, alias: redirect}
                      - {name: up-waiting-plain, alias: waiting-plain}
                      - {name: up-chat, alias: chat-mapped, force-mapping: true}
                  - name: dead
                    base-url: http://127.0.0.1:1/v1
                    api-key-entries: [{api-key: upstream-key-dead}]
                    models: [{name: up-dead, alias: dead}]
                claude-api-key:
                  - api-key: upstream-claude-key
                    base-url: %2$s
                    models: [{name: claude-up, alias: claude-x}]
                gemini-api-key:
                  - api-key: upstream-gemini-key
                    base-url: %2$s
                    models: [{name: gemini-up, alias: gemini-x}]
                codex-api-key:
                  - api-key: upstream-codex-key
                    base-url: %2$s/backend-api/codex
                    models: [{name: gpt-up, alias: codex-x}]
                """.formatted(CLIENT_KEY, upstream.baseUrl());
        h = new GatewayHarness(Yaml.tree(configYaml), CooldownStore.none());
        sdk = OpenAIOkHttpClient.builder().apiKey(CLIENT_KEY).baseUrl(h.base() + "/v1").maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        sdk.close();
        h.close();
        upstream.close();
    }

    static final CountDownLatch SLOW_CANCELLED = new CountDownLatch(1);

    /** The fake upstreams' behaviour per upstream model and key. */
    static FakeUpstream.Reply script(FakeUpstream.Seen s) {
        boolean stream = s.body().contains("\"stream\":true") || s.body().contains("\"stream\": true");
        boolean keyA = s.key().equals("upstream-key-a");
        return switch (s.model()) {
            case "up-chat" -> stream ? FakeUpstream.sse(Wire.chatStream("up-chat"), 5)
                    : FakeUpstream.json(200, Wire.chatCompletion("up-chat", "hello there"));
            case "up-tools" -> FakeUpstream.json(200, Wire.chatToolCall("up-tools"));
            case "up-bad" -> FakeUpstream.json(400, "{\"error\":{\"message\":\"messages: field required\","
                    + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":null}}");
            case "up-failover" -> keyA ? FakeUpstream.json(503, "{\"error\":{\"message\":\"overloaded\"}}")
                    : FakeUpstream.json(200, Wire.chatCompletion("up-failover", "from b"));
            case "up-midbreak" -> FakeUpstream.sseThenBreak(Wire.chatStream("up-midbreak").subList(0, 1));
            case "up-cool" -> FakeUpstream.json(429, "{\"error\":{\"message\":\"rate limited\","
                    + "\"type\":\"rate_limit_error\"}}", Map.of("Retry-After", "30"));
            case "up-half429" -> keyA ? FakeUpstream.json(429, "{\"error\":{\"message\":\"slow down\"}}")
                    : FakeUpstream.json(200, Wire.chatCompletion("up-half429", "ok"));
            case "up-slow" -> FakeUpstream.endless("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}"
                    + "\n\n", 20, SLOW_CANCELLED);
            case "up-waiting" -> FakeUpstream.delayed(2300, FakeUpstream.sse(Wire.chatStream("up-waiting"), 0));
            case "up-waiting-plain" -> FakeUpstream.delayed(2300,
                    FakeUpstream.json(200, Wire.chatCompletion("up-waiting-plain", "worth the wait")));
            case "up-redirect" -> s.path().equals("/v1/chat/completions")
                    ? FakeUpstream.json(307, "{}", Map.of("Location", "/elsewhere/chat/completions"))
                    : FakeUpstream.json(200, Wire.chatCompletion("up-redirect", "followed"));
            case "claude-up" -> stream ? FakeUpstream.sse(Wire.claudeStream("claude-up"), 2)
                    : FakeUpstream.json(200, "{\"input_tokens\":12}");
            case "gemini-up" -> FakeUpstream.sse(Wire.geminiStream("gemini-up"), 2);
            case "gpt-up" -> FakeUpstream.sse(Wire.responsesStream("gpt-up"), 2);
            default -> FakeUpstream.json(404, "{\"error\":{\"message\":\"model not found\"}}");
        };
    }

    // ---- OpenAI SDK: non-stream, stream, tool calls, upstream errors ----

    @Test
    void sdkChatCompletionNonStream() throws Exception {
        ChatCompletion c = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(ChatModel.of("chat")).addUserMessage("Say hello").build());
        assertEquals("hello there", c.choices().get(0).message().content().orElseThrow());
        FakeUpstream.Seen seen = upstream.seenFor("up-chat").get(0);
        assertEquals("/v1/chat/completions", seen.path());
        assertTrue(seen.key().startsWith("upstream-key-"), "the upstream key replaces the client key");
        assertFalse(seen.headers().toString().contains(CLIENT_KEY), "the client key never goes upstream");
        assertFalse(seen.headers().containsKey("expect"), "no Expect: 100-continue upstream");
        UsageEvent u = h.usageFor("chat").stream().filter(r -> !r.failed()).findFirst().orElseThrow();
        assertEquals(11, u.inputTokens());
        assertEquals(7, u.outputTokens());
        assertEquals(3, u.cachedTokens());
        assertEquals(2, u.reasoningTokens());
        assertEquals("fake-openai", u.provider());
        assertEquals("up-chat", u.resolvedModel());
        assertEquals("POST /v1/chat/completions", u.endpoint());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(CLIENT_KEY.getBytes(StandardCharsets.UTF_8))), u.apiKeyHash(), "the client key, hashed");
        assertEquals(16, u.authIndex().length());
        assertEquals(8, u.requestId().length());
    }

    @Test
    void sdkChatCompletionStream() throws Exception {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(ChatModel.of("chat")).addUserMessage("hi").build())) {
            s.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }
        assertEquals("Hello", text.toString());
        FakeUpstream.Seen seen = upstream.seenFor("up-chat").stream().filter(x -> x.body().contains("stream"))
                .findFirst().orElseThrow();
        assertTrue(seen.body().contains("\"include_usage\":true"), "asks for usage in the stream: " + seen.body());
        UsageEvent u = h.usageFor("chat").stream().filter(r -> r.inputTokens() == 11 && r.outputTokens() == 2)
                .findFirst().orElseThrow();
        assertFalse(u.failed());
    }

    @Test
    void forceMappingRewritesTheModelBackToTheAlias() throws Exception {
        HttpResponse<String> plain = h.postWithKey("/v1/chat/completions", "{\"model\":\"chat-mapped\"}");
        assertEquals("chat-mapped", json(plain.body()).path("model").asText());
        HttpResponse<String> stream = h.postWithKey("/v1/chat/completions",
                "{\"model\":\"chat-mapped\",\"stream\":true}");
        assertEquals(String.join("", Wire.chatStream("up-chat")).replace("\"model\":\"up-chat\"",
                "\"model\":\"chat-mapped\""), stream.body());
        HttpResponse<String> unmapped = h.postWithKey("/v1/chat/completions", "{\"model\":\"chat\"}");
        assertEquals("up-chat", json(unmapped.body()).path("model").asText(), "without force-mapping: untouched");
    }

    @Test
    void sdkToolCalls() {
        ChatCompletion c = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(ChatModel.of("tools")).addUserMessage("Weather in Paris?").build());
        ChatCompletionMessageToolCall call = c.choices().get(0).message().toolCalls().orElseThrow().get(0);
        assertEquals("get_weather", call.asFunction().function().name());
        assertEquals("{\"city\":\"Paris\"}", call.asFunction().function().arguments());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, c.choices().get(0).finishReason());
    }

    @Test
    void sdkSeesUpstreamRequestErrorsWithoutFailover() throws Exception {
        BadRequestException e = assertThrows(BadRequestException.class, () -> sdk.chat().completions().create(
                ChatCompletionCreateParams.builder().model(ChatModel.of("bad-request")).addUserMessage("x").build()));
        assertTrue(e.getMessage().contains("messages: field required"), e.getMessage());
        assertEquals(1, upstream.seenFor("up-bad").size(), "a request fault is not retried on another credential");
        assertTrue(h.gateway.pool().snapshot().stream().noneMatch(s -> s.model().equals("up-bad")),
                "a request fault does not cool the credential");
    }

    @Test
    void sdkResponsesStreamFromCodexUpstream() {
        List<String> types = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ResponseStreamEvent> s = sdk.responses().createStreaming(ResponseCreateParams.builder()
                .model("codex-x").input("hi").build())) {
            s.stream().forEach(ev -> {
                ev.outputTextDelta().ifPresent(d -> text.append(d.delta()));
                if (ev.isCompleted()) {
                    types.add("completed");
                }
            });
        }
        assertEquals("Hi there", text.toString());
        assertEquals(List.of("completed"), types);
        FakeUpstream.Seen seen = upstream.seenFor("gpt-up").get(0);
        assertEquals("/backend-api/codex/responses", seen.path());
        assertEquals("upstream-codex-key", seen.key());
    }

    // ---- Anthropic and Gemini wire formats ----

    @Test
    void claudeStreamPassesThroughByteForByte() throws Exception {
        String body = "{\"model\":\"claude-x\",\"max_tokens\":64,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> r = h.post("/v1/messages", body, Map.of("x-api-key", CLIENT_KEY,
                "anthropic-version", "2023-06-01", "anthropic-beta", "test-beta"));
        assertEquals(200, r.statusCode());
        assertEquals(String.join("", Wire.claudeStream("claude-up")), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        FakeUpstream.Seen seen = upstream.seenFor("claude-up").stream()
                .filter(x -> x.path().equals("/v1/messages")).findFirst().orElseThrow();
        assertEquals(body.replace("claude-x", "claude-up"), seen.body(), "only the model name changes");
        assertEquals("2023-06-01", seen.headers().get("anthropic-version"));
        assertEquals("test-beta", seen.headers().get("anthropic-beta"));
        UsageEvent u = h.usageFor("claude-x").stream()
                .filter(x -> x.endpoint().equals("POST /v1/messages")).findFirst().orElseThrow();
        assertEquals(25, u.inputTokens());
        assertEquals(15, u.outputTokens());
        assertEquals(4, u.cacheReadTokens());
        assertEquals("claude", u.provider());
    }

    @Test
    void claudeCountTokens() throws Exception {
        HttpResponse<String> r = h.post("/v1/messages/count_tokens", "{\"model\":\"claude-x\",\"messages\":[]}",
                Map.of("x-api-key", CLIENT_KEY));
        assertEquals(200, r.statusCode());
        assertEquals(12, json(r.body()).path("input_tokens").asInt());
    }

    @Test
    void geminiSseStream() throws Exception {
        HttpResponse<String> r = h.post("/v1beta/models/gemini-x:streamGenerateContent?alt=sse",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}",
                Map.of("x-goog-api-key", CLIENT_KEY));
        assertEquals(200, r.statusCode());
        assertEquals(String.join("", Wire.geminiStream("gemini-up")), r.body());
        FakeUpstream.Seen seen = upstream.seenFor("gemini-up").get(0);
        assertEquals("/v1beta/models/gemini-up:streamGenerateContent", seen.path());
        assertEquals("alt=sse", seen.query());
        assertEquals("upstream-gemini-key", seen.headers().get("x-goog-api-key"));
        UsageEvent u = h.usageFor("gemini-x").get(0);
        assertEquals(9, u.inputTokens());
        assertEquals(2, u.outputTokens());
        assertEquals(4, u.reasoningTokens());
        assertEquals(15, u.totalTokens());
    }

    @Test
    void legacyCompletionsOnAClaudeModelGetAClear400() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/completions", "{\"model\":\"claude-x\",\"prompt\":\"hi\"}");
        assertEquals(400, r.statusCode());
        JsonNode e = json(r.body()).path("error");
        assertEquals("unsupported_translation", e.path("code").asText());
        assertTrue(e.path("message").asText().contains("Claude"), r.body());
    }

    // ---- failover, cooldown ----

    @Test
    void failsOverBeforeTheFirstByte() throws Exception {
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = h.postWithKey("/v1/chat/completions", "{\"model\":\"failover\",\"messages\":[]}");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("from b"));
        }
        long triesOnA = upstream.seenFor("up-failover").stream().filter(s -> s.key().equals("upstream-key-a")).count();
        assertEquals(1, triesOnA, "credential a failed once and then cooled");
        assertTrue(h.gateway.pool().snapshot().stream().anyMatch(s -> s.model().equals("up-failover")
                && s.statusCode() == 503 && s.reason().equals("transient")));
        GatewayService.CredentialStatus a = h.gateway.credentials().stream()
                .filter(c -> c.cooldowns().stream().anyMatch(x -> x.model().equals("up-failover"))).findFirst()
                .orElseThrow();
        assertEquals("openai-compatibility", a.section());
        assertFalse(a.maskedKey().contains("upstream-key-a"), "the key is masked: " + a.maskedKey());
        List<UsageEvent> usage = h.usageFor("failover");
        assertEquals(1, usage.stream().filter(u -> u.failed() && Integer.valueOf(503).equals(u.failStatusCode()))
                .count());
    }

    @Test
    void unreachableUpstreamGives502AndCools() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions", "{\"model\":\"dead\",\"messages\":[]}");
        assertEquals(502, r.statusCode());
        assertEquals("upstream_unreachable", json(r.body()).path("error").path("code").asText());
        assertFalse(r.body().contains("127.0.0.1:1"), "no upstream address in the client's error: " + r.body());
        assertTrue(h.gateway.pool().snapshot().stream().anyMatch(s -> s.model().equals("up-dead")
                && s.reason().equals("transient")));
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions", "{\"model\":\"redirect\",\"messages\":[]}");
        assertEquals(502, r.statusCode());
        assertEquals("upstream_redirect", json(r.body()).path("error").path("code").asText());
        assertTrue(upstream.seenFor("up-redirect").stream().noneMatch(x -> x.path().startsWith("/elsewhere")),
                "the gateway never went where the upstream pointed");
    }

    @Test
    void noFailoverAfterTheFirstByte() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions",
                "{\"model\":\"midbreak\",\"stream\":true,\"messages\":[]}");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith(Wire.chatStream("up-midbreak").get(0)), r.body());
        assertTrue(r.body().contains("\"error\""), "ends with an error event in OpenAI chat format: " + r.body());
        assertEquals(1, upstream.seenFor("up-midbreak").size(), "no second attempt once bytes were sent");
    }

    @Test
    void allCoolingGives429WithRetryAfter() throws Exception {
        HttpResponse<String> first = h.postWithKey("/v1/chat/completions", "{\"model\":\"cool\",\"messages\":[]}");
        assertEquals(429, first.statusCode());
        assertEquals(2, upstream.seenFor("up-cool").size(), "both credentials were tried");
        HttpResponse<String> second = h.postWithKey("/v1/chat/completions", "{\"model\":\"cool\",\"messages\":[]}");
        assertEquals(429, second.statusCode());
        assertEquals(2, upstream.seenFor("up-cool").size(), "nothing is sent upstream while all cool");
        JsonNode e = json(second.body()).path("error");
        assertEquals("model_cooldown", e.path("code").asText());
        assertEquals("cool", e.path("model").asText());
        long retryAfter = Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 28 && retryAfter <= 30, "Retry-After " + retryAfter);
        assertEquals(retryAfter, e.path("reset_seconds").asLong());
    }

    @Test
    void twoCredentialsOneRateLimited200RequestsNoClientErrors() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            results.add(pool.submit(() -> h.postWithKey("/v1/chat/completions",
                    "{\"model\":\"half429\",\"messages\":[]}").statusCode()));
        }
        int errors = 0;
        for (Future<Integer> f : results) {
            if (f.get(30, TimeUnit.SECONDS) != 200) {
                errors++;
            }
        }
        pool.shutdown();
        assertEquals(0, errors);
        List<UsageEvent> usage = h.usageFor("half429");
        Set<String> indexes = usage.stream().map(UsageEvent::authIndex).collect(Collectors.toSet());
        assertEquals(2, indexes.size(), "usage shows both credentials");
        assertEquals(200, usage.stream().filter(u -> !u.failed()).count());
        assertTrue(usage.stream().anyMatch(u -> Integer.valueOf(429).equals(u.failStatusCode())));
    }

    // ---- streaming lifecycle ----

    @Test
    void clientDisconnectCancelsUpstreamAndDoesNotCool() throws Exception {
        String body = "{\"model\":\"slow\",\"stream\":true,\"messages\":[]}";
        try (Socket s = new Socket("127.0.0.1", h.server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + CLIENT_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[1024];
            while (!seen.toString().contains("data: ")) {
                int n = in.read(buf);
                assertTrue(n > 0, "stream started");
                seen.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
        }
        assertTrue(SLOW_CANCELLED.await(10, TimeUnit.SECONDS), "the upstream call was cancelled");
        assertTrue(h.gateway.pool().snapshot().stream().noneMatch(s -> s.model().equals("up-slow")),
                "a client disconnect never cools the credential");
        UsageEvent u = h.usageFor("slow").get(0);
        assertEquals(499, u.failStatusCode());
    }

    @Test
    void keepAliveWhileWaitingForUpstreamHeaders() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions",
                "{\"model\":\"waiting\",\"stream\":true,\"messages\":[]}");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith(": keep-alive\n\n"), r.body());
        assertTrue(r.body().endsWith("data: [DONE]\n\n"), r.body());
    }

    /** A WebSocket client that collects text frames and lets the test wait for one containing a marker. */
    static final class WsFrames implements WebSocket.Listener {
        final List<String> frames = new CopyOnWriteArrayList<>();
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                frames.add(part.toString());
                part.setLength(0);
            }
            w.request(1);
            return CompletableFuture.completedFuture(null);
        }

        String await(String marker, int after) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                for (int i = after; i < frames.size(); i++) {
                    if (frames.get(i).contains(marker)) {
                        return frames.get(i);
                    }
                }
                Thread.sleep(5);
            }
            throw new AssertionError("no frame with " + marker + " in " + frames);
        }
    }

    @Test
    void webSocketResponseCreateIsBridgedToHttpSse() throws Exception {
        WsFrames listener = new WsFrames();
        WebSocket ws = h.http.newWebSocketBuilder().header("Authorization", "Bearer " + CLIENT_KEY)
                .buildAsync(URI.create("ws://127.0.0.1:" + h.server.port() + "/v1/responses"), listener)
                .get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"response.create\",\"model\":\"codex-x\",\"input\":\"hi\"}", true);
        listener.await("response.completed", 0);
        assertEquals(5, listener.frames.size(), "one frame per upstream event: " + listener.frames);
        assertEquals("response.output_text.delta", json(listener.frames.get(1)).path("type").asText());
        FakeUpstream.Seen first = upstream.seenFor("gpt-up").get(upstream.seenFor("gpt-up").size() - 1);
        assertTrue(first.body().contains("\"stream\":true"));

        // the next turn continues the conversation by id: the HTTP upstream gets the whole conversation
        int seenBefore = listener.frames.size();
        ws.sendText("{\"type\":\"response.create\",\"model\":\"codex-x\",\"previous_response_id\":\"resp_1\","
                + "\"input\":[{\"role\":\"user\",\"content\":\"and again\"}]}", true);
        listener.await("response.completed", seenBefore);
        FakeUpstream.Seen second = upstream.seenFor("gpt-up").get(upstream.seenFor("gpt-up").size() - 1);
        JsonNode input = json(second.body()).path("input");
        assertEquals(3, input.size(), second.body());
        assertEquals("hi", input.get(0).path("content").asText());
        assertEquals("Hi there", input.get(1).path("content").get(0).path("text").asText());
        assertEquals("and again", input.get(2).path("content").asText());
        assertFalse(second.body().contains("previous_response_id"));

        int beforeError = listener.frames.size();
        ws.sendText("{\"type\":\"response.create\",\"model\":\"codex-x\",\"previous_response_id\":\"resp_other\","
                + "\"input\":[]}", true);
        String error = listener.await("previous_response_not_found", beforeError);
        assertEquals("error", json(error).path("type").asText());
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    }

    @Test
    void blankLinesKeepASlowNonStreamAnswerAlive() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions", "{\"model\":\"waiting-plain\"}");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("\n"), "blank lines went out while waiting: " + r.body());
        assertEquals("worth the wait", json(r.body()).path("choices").get(0).path("message").path("content")
                .asText(), "the JSON answer follows the blank lines");
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
    }

    @Test
    void webSocketUpgradeNeedsAClientKey() {
        Exception e = assertThrows(Exception.class, () -> h.http.newWebSocketBuilder()
                .header("Authorization", "Bearer wrong-key")
                .buildAsync(URI.create("ws://127.0.0.1:" + h.server.port() + "/v1/responses"),
                        new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        assertNotNull(e);
    }

    // ---- bad input: 4xx in the right envelope, never 5xx ----

    @Test
    void badInputGets4xxInTheRightEnvelope() throws Exception {
        record Case(String name, HttpResponse<String> r, int status, String family) {
        }
        String chat = "/v1/chat/completions";
        Map<String, String> key = Map.of("Authorization", "Bearer " + CLIENT_KEY);
        List<Case> cases = List.of(
                new Case("malformed json", h.post(chat, "{\"model\": \"chat\", ", key), 400, "openai"),
                new Case("not an object", h.post(chat, "[1,2]", key), 400, "openai"),
                new Case("empty body", h.post(chat, "", key), 400, "openai"),
                new Case("missing model", h.post(chat, "{\"messages\":[]}", key), 400, "openai"),
                new Case("unknown model", h.post(chat, "{\"model\":\"nope\"}", key), 400, "openai"),
                new Case("no key", h.post(chat, "{\"model\":\"chat\"}", Map.of()), 401, "openai"),
                new Case("wrong key", h.post(chat, "{\"model\":\"chat\"}", Map.of("Authorization", "Bearer nope")),
                        401, "openai"),
                new Case("wrong key claude", h.post("/v1/messages", "{\"model\":\"claude-x\"}",
                        Map.of("x-api-key", "nope")), 401, "claude"),
                new Case("wrong key gemini", h.post("/v1beta/models/gemini-x:generateContent", "{}",
                        Map.of("x-goog-api-key", "nope")), 401, "gemini"),
                new Case("malformed claude", h.post("/v1/messages", "{oops", Map.of("x-api-key", CLIENT_KEY)),
                        400, "claude"),
                new Case("unknown gemini action", h.post("/v1beta/models/gemini-x:explode", "{}",
                        Map.of("x-goog-api-key", CLIENT_KEY)), 404, "gemini"),
                new Case("oversize", h.post(chat, "{\"model\":\"chat\",\"pad\":\"" + "x".repeat(1_100_000) + "\"}",
                        key), 413, "openai"),
                new Case("unknown path", h.post("/v1/nothing", "{}", key), 404, "openai"),
                new Case("wrong method", h.get(chat, key), 405, "openai"));
        for (Case c : cases) {
            assertEquals(c.status(), c.r().statusCode(), c.name() + ": " + c.r().body());
            JsonNode b = json(c.r().body());
            switch (c.family()) {
                case "openai" -> {
                    assertTrue(b.path("error").path("message").isTextual(), c.name() + ": " + c.r().body());
                    assertTrue(b.path("error").path("type").isTextual(), c.name());
                }
                case "claude" -> {
                    assertEquals("error", b.path("type").asText(), c.name() + ": " + c.r().body());
                    assertTrue(b.path("error").path("type").isTextual(), c.name());
                }
                default -> {
                    assertEquals(c.status(), b.path("error").path("code").asInt(), c.name() + ": " + c.r().body());
                    assertTrue(b.path("error").path("status").isTextual(), c.name());
                }
            }
        }
    }

    @Test
    void randomAndTruncatedBodiesNeverGive5xx() throws Exception {
        java.util.Random random = new java.util.Random(42);
        String valid = "{\"model\":\"chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"h\u00e9\"}],"
                + "\"metadata\":{\"user_id\":\"u\"},\"reasoning\":{\"effort\":\"low\"}}";
        List<String> paths = List.of("/v1/chat/completions", "/v1/messages", "/v1/responses",
                "/v1beta/models/gemini-x:generateContent", "/v1/embeddings", "/v1/messages/count_tokens");
        for (int i = 0; i < 240; i++) {
            byte[] body;
            switch (i % 3) {
                case 0 -> {
                    body = new byte[random.nextInt(64)];
                    random.nextBytes(body);
                }
                case 1 -> body = valid.substring(0, random.nextInt(valid.length() - 1))
                        .getBytes(StandardCharsets.UTF_8);
                default -> body = ("{\"model\":" + List.of("1", "null", "[]", "{}", "\"\"", "\"chat\\u0000\"",
                        "\"" + "m".repeat(3000) + "\"").get(random.nextInt(7)) + "}").getBytes(StandardCharsets.UTF_8);
            }
            String path = paths.get(i % paths.size());
            HttpResponse<String> r = h.http.send(HttpRequest.newBuilder(URI.create(h.base() + path))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Authorization", "Bearer " + CLIENT_KEY)
                    .header("x-goog-api-key", CLIENT_KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(r.statusCode() >= 400 && r.statusCode() < 500,
                    path + " answered " + r.statusCode() + " to case " + i + ": " + r.body());
        }
    }

    @Test
    void aBodyCutByTheRoutersCapIsA413() throws Exception {
        // the lead's router wraps the body in a capped stream that throws once the cap is passed
        io.helidon.webserver.WebServer capped = io.helidon.webserver.WebServer.builder().port(0).host("127.0.0.1")
                .routing(r -> r.any("/*", (req, res) -> {
                    req.streamFilter(in -> new java.io.FilterInputStream(in) {
                        private long seen;

                        @Override
                        public int read(byte[] b, int off, int len) throws java.io.IOException {
                            int n = super.read(b, off, len);
                            seen += Math.max(0, n);
                            if (seen > 1000) {
                                throw new IllegalStateException("over the router's cap");
                            }
                            return n;
                        }
                    });
                    h.gateway.serve(req, res, req.path().path());
                })).build().start();
        try {
            byte[] big = ("{\"model\":\"chat\",\"pad\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> r = h.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + capped.port()
                    + "/v1/chat/completions")).header("Authorization", "Bearer " + CLIENT_KEY)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode(), r.body());
        } finally {
            capped.stop();
        }
    }

    // ---- models, CORS, usage queue, overhead header, reload ----

    @Test
    void modelListsInEachFormat() throws Exception {
        JsonNode openai = json(h.get("/v1/models", Map.of("Authorization", "Bearer " + CLIENT_KEY)).body());
        assertEquals("list", openai.path("object").asText());
        Set<String> ids = new HashSet<>();
        openai.path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertTrue(ids.containsAll(List.of("chat", "claude-x", "gemini-x", "codex-x")), ids.toString());
        JsonNode claude = json(h.get("/v1/models", Map.of("x-api-key", CLIENT_KEY, "anthropic-version", "2023-06-01"))
                .body());
        assertEquals("model", claude.path("data").get(0).path("type").asText());
        assertFalse(claude.path("has_more").asBoolean(true));
        JsonNode gemini = json(h.get("/v1beta/models?key=" + CLIENT_KEY, Map.of()).body());
        assertTrue(gemini.path("models").get(0).path("name").asText().startsWith("models/"));
    }

    @Test
    void healthzNeedsNoKey() throws Exception {
        HttpResponse<String> r = h.get("/healthz", Map.of());
        assertEquals(200, r.statusCode());
        assertEquals("ok", json(r.body()).path("status").asText());
    }

    @Test
    void corsPreflight() throws Exception {
        HttpResponse<String> r = h.http.send(HttpRequest.newBuilder(URI.create(h.base() + "/v1/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, r.statusCode());
        assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(r.headers().firstValue("Access-Control-Allow-Methods").orElseThrow().contains("POST"));
    }

    @Test
    void overheadHeaderIsReported() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions", "{\"model\":\"chat\",\"messages\":[]}");
        assertEquals(200, r.statusCode());
        long overhead = Long.parseLong(r.headers().firstValue("x-spacegate-overhead-ms").orElseThrow());
        assertTrue(overhead >= 0 && overhead < 1000, "overhead " + overhead);
        assertTrue(r.headers().firstValue("X-Request-Id").isPresent());
    }

    @Test
    void usageQueuePopsLikeCliProxyApi() throws Exception {
        h.postWithKey("/v1/chat/completions", "{\"model\":\"chat\",\"messages\":[]}");
        String q = "/v0/management/usage-queue";
        assertEquals(401, h.get(q, Map.of()).statusCode(), "management key required");
        Map<String, String> mk = Map.of("Authorization", "Bearer " + MANAGEMENT_KEY);
        HttpResponse<String> bad = h.get(q + "?count=abc", mk);
        assertEquals(400, bad.statusCode());
        assertEquals("count must be a positive integer", json(bad.body()).path("error").asText());
        JsonNode one = json(h.get(q, mk).body());
        assertEquals(1, one.size(), "default count 1");
        assertTrue(one.get(0).has("auth_index") && one.get(0).has("tokens"));
        JsonNode rest = json(h.get(q + "?count=100000", mk).body());
        assertTrue(rest.isArray());
        assertEquals(0, json(h.get(q + "?count=5", mk).body()).size(), "popped records are gone");
    }

    @Test
    void reloadSwapsConfigWithoutRestart() throws Exception {
        try {
            h.gateway.reload(Yaml.tree(configYaml.replace("- {name: up-chat, alias: chat}",
                    "- {name: up-chat, alias: chat}\n      - {name: up-chat, alias: chat-renamed}")));
            HttpResponse<String> r = h.postWithKey("/v1/chat/completions",
                    "{\"model\":\"chat-renamed\",\"messages\":[]}");
            assertEquals(200, r.statusCode(), r.body());
            assertThrows(GatewayConfig.InvalidConfigException.class,
                    () -> h.gateway.reload(Yaml.tree("routing: {strategy: bogus}")));
            assertEquals(200, h.postWithKey("/v1/chat/completions", "{\"model\":\"chat-renamed\"}").statusCode(),
                    "an invalid reload keeps the old config");
        } finally {
            h.gateway.reload(Yaml.tree(configYaml));
        }
        assertEquals(400, h.postWithKey("/v1/chat/completions", "{\"model\":\"chat-renamed\"}").statusCode());
    }
}
