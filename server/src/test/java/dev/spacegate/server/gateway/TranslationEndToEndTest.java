package dev.spacegate.server.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.errors.RateLimitException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.CountTokensResponse;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Yaml;

import static dev.spacegate.server.gateway.support.GatewayHarness.CLIENT_KEY;
import static dev.spacegate.server.gateway.support.GatewayHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Translation end to end: the official OpenAI, Anthropic and Google GenAI SDKs talk to the real gateway on a
 * socket, which serves them from fake upstreams of another format. The upstreams replay the recorded wire
 * payloads of the translation corpus ({@code src/test/resources/translate}).
 */
class TranslationEndToEndTest {
    private static final Path FIXTURES = Path.of("src/test/resources/translate");

    static FakeUpstream upstream;
    static GatewayHarness h;
    static OpenAIClient openai;
    static AnthropicClient anthropic;
    static Client gemini;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.script(TranslationEndToEndTest::script);
        h = new GatewayHarness(Yaml.tree("""
                api-keys: ["%1$s"]
                codex-api-key:
                  - api-key: upstream-codex-key
                    base-url: %2$s/backend-api/codex
                    models:
                      - {name: gpt-codex-up, alias: codex-model, thinking: {levels: [low, medium, high]}}
                claude-api-key:
                  - api-key: upstream-claude-key
                    base-url: %2$s
                    models: [{name: claude-up, alias: claude-model}]
                gemini-api-key:
                  - api-key: upstream-gemini-key
                    base-url: %2$s
                    models: [{name: gemini-up, alias: gemini-model}, {name: gemini-busy, alias: gemini-busy},
                             {name: gemini-broken, alias: gemini-broken}]
                openai-compatibility:
                  - name: fake-openai
                    base-url: %2$s/v1
                    api-key-entries: [{api-key: upstream-openai-key}]
                    models: [{name: chat-up, alias: chat-model}, {name: chat-cut, alias: chat-cut}]
                """.formatted(CLIENT_KEY, upstream.baseUrl())), CooldownStore.none());
        Duration timeout = Duration.ofSeconds(20);
        openai = OpenAIOkHttpClient.builder().apiKey(CLIENT_KEY).baseUrl(h.base() + "/v1").maxRetries(0)
                .timeout(timeout).build();
        anthropic = AnthropicOkHttpClient.builder().apiKey(CLIENT_KEY).baseUrl(h.base()).maxRetries(0)
                .timeout(timeout).build();
        gemini = Client.builder().apiKey(CLIENT_KEY).httpOptions(HttpOptions.builder().baseUrl(h.base())
                .timeout(20_000).build()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        openai.close();
        anthropic.close();
        gemini.close();
        h.close();
        upstream.close();
    }

    /** The fake upstreams: each answers in its own wire format, streamed when asked to. */
    static FakeUpstream.Reply script(FakeUpstream.Seen s) {
        boolean stream = s.body().contains("\"stream\":true");
        if (s.path().equals("/backend-api/codex/responses")) {
            // the Codex backend only streams
            return sse(s.body().contains("get_weather") ? "streams/openai_responses/parallel_calls.sse"
                    : "streams/openai_responses/text_reasoning.sse");
        }
        if (s.path().equals("/v1/messages/count_tokens")) {
            return FakeUpstream.json(200, "{\"input_tokens\":42}");
        }
        if (s.path().equals("/v1/messages")) {
            return stream ? sse("streams/claude/text_thinking.sse")
                    : FakeUpstream.json(200, fixture("responses/claude/text.json"));
        }
        if (s.path().contains("/gemini-busy:")) {
            return FakeUpstream.json(429, "{\"error\":{\"code\":429,\"message\":\"Quota exceeded for gemini-busy\","
                    + "\"status\":\"RESOURCE_EXHAUSTED\"}}");
        }
        if (s.path().contains("/gemini-broken:")) {
            return sse("streams/gemini/error.sse");
        }
        if (s.body().contains("\"chat-cut\"")) {
            List<String> events = new ArrayList<>();
            for (String e : fixture("streams/openai_chat/text_usage.sse").split("\n\n")) {
                events.add(e.strip() + "\n\n");
            }
            return FakeUpstream.sseThenBreak(events.subList(0, 2));
        }
        if (s.path().endsWith(":streamGenerateContent")) {
            return sse("streams/gemini/text.sse");
        }
        if (s.path().endsWith(":generateContent")) {
            return FakeUpstream.json(200, fixture("responses/gemini/text.json"));
        }
        if (s.path().endsWith(":countTokens")) {
            return FakeUpstream.json(200, "{\"totalTokens\":17}");
        }
        if (s.path().equals("/v1/chat/completions")) {
            return stream ? sse("streams/openai_chat/text_usage.sse")
                    : FakeUpstream.json(200, fixture("responses/openai_chat/text.json"));
        }
        return FakeUpstream.json(404, "{\"error\":{\"message\":\"no such route\"}}");
    }

    static String fixture(String name) {
        try {
            return Files.readString(FIXTURES.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A recorded stream, sent event by event. */
    static FakeUpstream.Reply sse(String name) {
        List<String> events = new ArrayList<>();
        for (String e : fixture(name).split("\n\n")) {
            if (!e.isBlank()) {
                events.add(e.strip() + "\n\n");
            }
        }
        return FakeUpstream.sse(events, 1);
    }

    static FakeUpstream.Seen lastSeen(String pathPart) {
        List<FakeUpstream.Seen> all = upstream.seen().stream().filter(s -> s.path().contains(pathPart)).toList();
        assertFalse(all.isEmpty(), "nothing reached " + pathPart);
        return all.get(all.size() - 1);
    }

    static UsageEvent lastUsage(String alias) throws InterruptedException {
        List<UsageEvent> all = h.usageFor(alias);
        assertFalse(all.isEmpty(), "no usage record for " + alias);
        return all.get(all.size() - 1);
    }

    static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Current weather for a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(Tool.InputSchema.Properties.builder()
                                .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string"))).build())
                        .addRequired("city").build())
                .build();
    }

    // ---- Claude client -> Codex (Responses) upstream ----

    @Test
    void claudeStreamFromCodexCarriesParallelToolCallsAsToolUseBlocks() throws Exception {
        MessageAccumulator acc = MessageAccumulator.create();
        List<Long> starts = new ArrayList<>();
        List<String> lifecycle = new ArrayList<>();
        MessageCreateParams params = MessageCreateParams.builder().model("codex-model(high)").maxTokens(1024)
                .system("Be brief.").addUserMessage("Weather in Paris and Rome?").addTool(weatherTool()).build();
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> s =
                     anthropic.messages().createStreaming(params)) {
            s.stream().forEach(ev -> {
                acc.accumulate(ev);
                ev.contentBlockStart().ifPresent(b -> {
                    starts.add(b.index());
                    lifecycle.add("start" + b.index());
                });
                ev.contentBlockStop().ifPresent(b -> lifecycle.add("stop" + b.index()));
            });
        }
        Message m = acc.message();
        List<ToolUseBlock> calls = m.content().stream().filter(ContentBlock::isToolUse)
                .map(b -> b.toolUse().orElseThrow()).toList();
        assertEquals(2, calls.size(), m.toString());
        assertEquals(List.of("call_paris01", "call_rome02"), calls.stream().map(ToolUseBlock::id).toList());
        assertEquals("get_weather", calls.get(0).name());
        assertEquals("Paris", calls.get(0)._input().convert(JsonNode.class).path("city").asText());
        assertEquals("Rome", calls.get(1)._input().convert(JsonNode.class).path("city").asText());
        assertEquals(starts.size(), new HashSet<>(starts).size(), "distinct block indices: " + starts);
        for (Long i : starts) {
            assertTrue(lifecycle.indexOf("start" + i) < lifecycle.indexOf("stop" + i), lifecycle.toString());
        }
        assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());

        JsonNode sent = json(lastSeen("/backend-api/codex/").body());
        assertEquals("gpt-codex-up", sent.path("model").asText(), "the base name goes upstream, without (high)");
        assertEquals("high", sent.path("reasoning").path("effort").asText(), "the suffix becomes the effort");
        assertTrue(sent.path("stream").asBoolean());
        assertFalse(sent.path("store").asBoolean(true));
        assertEquals("get_weather", sent.path("tools").get(0).path("name").asText());
        assertEquals("upstream-codex-key", lastSeen("/backend-api/codex/").key());
        UsageEvent u = lastUsage("codex-model(high)");
        assertEquals("gpt-codex-up", u.resolvedModel());
        assertEquals("high", u.reasoningEffort(), u.toString());
        assertTrue(u.inputTokens() > 0, u.toString());
    }

    @Test
    void claudeNonStreamFromCodexIsFoldedFromTheStream() throws Exception {
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("codex-model").maxTokens(256)
                .addUserMessage("Next two primes after 5?").build());
        String text = m.content().stream().filter(ContentBlock::isText).map(b -> b.text().orElseThrow().text())
                .reduce("", String::concat);
        assertTrue(text.contains("7 and"), m.toString());
        assertTrue(m.content().stream().anyMatch(ContentBlock::isThinking), "reasoning comes back as thinking");
        assertTrue(json(lastSeen("/backend-api/codex/").body()).path("stream").asBoolean(),
                "Codex is always asked for a stream");
        UsageEvent u = lastUsage("codex-model");
        assertEquals(120, u.inputTokens(), u.toString());
        assertEquals(96, u.cachedTokens(), u.toString());
        assertFalse(u.failed());
    }

    @Test
    void claudeReasoningLevelTheModelLacksIsA400() {
        int before = upstream.seen().size();
        com.anthropic.errors.BadRequestException e = assertThrows(com.anthropic.errors.BadRequestException.class,
                () -> anthropic.messages().create(MessageCreateParams.builder().model("codex-model(xhigh)")
                        .maxTokens(64).addUserMessage("hi").build()));
        assertTrue(e.getMessage().contains("xhigh"), e.getMessage());
        assertEquals(before, upstream.seen().size(), "nothing went upstream");
    }

    @Test
    void claudeCountTokensOnCodexIsEstimatedLocally() {
        int before = upstream.seen().size();
        long n = anthropic.messages().countTokens(MessageCountTokensParams.builder().model("codex-model")
                .addUserMessage("How many tokens is this sentence?").build()).inputTokens();
        assertTrue(n > 0 && n < 100, "estimate " + n);
        assertEquals(before, upstream.seen().size(), "Codex has no counter: nothing went upstream");
    }

    @Test
    void claudeUpstreamErrorComesBackInClaudeShape() {
        RateLimitException e = assertThrows(RateLimitException.class, () -> anthropic.messages().create(
                MessageCreateParams.builder().model("gemini-busy").maxTokens(64).addUserMessage("hi").build()));
        assertTrue(e.getMessage().contains("Quota exceeded for gemini-busy"), e.getMessage());
        assertEquals("rate_limit_error", e.body().convert(JsonNode.class).path("error").path("type").asText());
    }

    @Test
    void anUpstreamErrorMidStreamBecomesTheClientsErrorEvent() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/messages", "{\"model\":\"gemini-broken\",\"stream\":true,"
                + "\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"text\":\"Par\""), r.body());
        assertTrue(r.body().contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\""),
                r.body());
        assertFalse(r.body().contains("message_stop"), "nothing after the error: " + r.body());
    }

    @Test
    void aStreamCutMidWayEndsWithTheClientsErrorEvent() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/messages", "{\"model\":\"chat-cut\",\"stream\":true,"
                + "\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("event: message_start"), r.body());
        assertTrue(r.body().endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"upstream stream ended unexpectedly\"}}\n\n"), r.body());
        UsageEvent u = lastUsage("chat-cut");
        assertTrue(u.failed(), u.toString());
        assertEquals(502, u.failStatusCode(), u.toString());
    }

    // ---- Responses client -> Claude upstream ----

    @Test
    void responsesNonStreamFromClaude() throws Exception {
        Response r = openai.responses().create(ResponseCreateParams.builder().model("claude-model")
                .instructions("Be brief.").input("Next two primes after 5?").build());
        String text = r.output().stream().filter(o -> o.isMessage())
                .flatMap(o -> o.asMessage().content().stream()).filter(c -> c.isOutputText())
                .map(c -> c.asOutputText().text()).reduce("", String::concat);
        assertEquals("7 and 11.", text);
        assertEquals(120, r.usage().orElseThrow().inputTokens());
        assertEquals(96, r.usage().orElseThrow().inputTokensDetails().cachedTokens());
        FakeUpstream.Seen seen = lastSeen("/v1/messages");
        JsonNode sent = json(seen.body());
        assertEquals("claude-up", sent.path("model").asText());
        assertEquals("Be brief.", sent.path("system").isTextual() ? sent.path("system").asText()
                : sent.path("system").get(0).path("text").asText());
        assertEquals("2023-06-01", seen.headers().get("anthropic-version"));
        UsageEvent u = lastUsage("claude-model");
        assertEquals("POST /v1/responses", u.endpoint());
        assertEquals(30, u.outputTokens(), u.toString());
    }

    @Test
    void responsesStreamFromClaude() throws Exception {
        StringBuilder text = new StringBuilder();
        List<String> order = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = openai.responses().createStreaming(ResponseCreateParams
                .builder().model("claude-model").input("Next two primes after 5?").build())) {
            s.stream().forEach(ev -> {
                ev.outputTextDelta().ifPresent(d -> text.append(d.delta()));
                if (ev.isCreated()) {
                    order.add("created");
                }
                if (ev.isCompleted()) {
                    order.add("completed");
                    assertEquals(30, ev.asCompleted().response().usage().orElseThrow().outputTokens());
                }
            });
        }
        assertEquals("7 and 11.", text.toString());
        assertEquals(List.of("created", "completed"), order);
        assertTrue(json(lastSeen("/v1/messages").body()).path("stream").asBoolean());
        UsageEvent u = lastUsage("claude-model");
        assertEquals(30, u.outputTokens(), u.toString());
        assertTrue(u.inputTokens() > 0, u.toString());
    }

    @Test
    void codexClientOnTheBackendPathIsServedByClaude() throws Exception {
        HttpResponse<String> r = h.postWithKey("/backend-api/codex/responses", """
                {"model":"claude-model","stream":true,"instructions":"x","input":[{"type":"message","role":"user",\
                "content":[{"type":"input_text","text":"hi"}]}]}""");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("event: response.completed"), r.body());
        assertTrue(r.body().contains("\"delta\":\"7 and\""), r.body());
    }

    // ---- Chat client -> Gemini upstream ----

    @Test
    void chatNonStreamFromGemini() throws Exception {
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(ChatModel.of("gemini-model")).addSystemMessage("Be brief.")
                .addUserMessage("Next two primes after 5?").temperature(0.2).build());
        assertEquals("7 and 11.", c.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertEquals(120, c.usage().orElseThrow().promptTokens());
        FakeUpstream.Seen seen = lastSeen("/v1beta/models/gemini-up:generateContent");
        JsonNode sent = json(seen.body());
        assertEquals("Be brief.", sent.path("systemInstruction").path("parts").get(0).path("text").asText());
        assertEquals(0.2, sent.path("generationConfig").path("temperature").asDouble(), 1e-9);
        assertEquals("upstream-gemini-key", seen.key());
    }

    @Test
    void chatStreamFromGemini() throws Exception {
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(ChatModel.of("gemini-model"))
                        .addUserMessage("Next two primes after 5?").build())) {
            s.stream().forEach(ch -> ch.choices().forEach(choice -> {
                choice.delta().content().ifPresent(text::append);
                choice.finishReason().ifPresent(f -> finish.add(f.asString()));
            }));
        }
        assertEquals("7 and 11.", text.toString());
        assertEquals(List.of("stop"), finish);
        FakeUpstream.Seen seen = lastSeen("/v1beta/models/gemini-up:streamGenerateContent");
        assertEquals("alt=sse", seen.query());
        UsageEvent u = lastUsage("gemini-model");
        assertEquals(120, u.inputTokens(), u.toString());
        assertEquals(12, u.reasoningTokens(), u.toString());
        assertEquals(150, u.totalTokens(), u.toString());
    }

    // ---- Gemini client -> Chat upstream ----

    @Test
    void geminiNonStreamFromChat() throws Exception {
        GenerateContentResponse r = gemini.models.generateContent("chat-model", "Next two primes after 5?", null);
        assertEquals("7 and 11.", r.text());
        assertEquals(120, r.usageMetadata().orElseThrow().promptTokenCount().orElseThrow());
        JsonNode sent = json(lastSeen("/v1/chat/completions").body());
        assertEquals("chat-up", sent.path("model").asText());
        assertEquals("Next two primes after 5?", sent.path("messages").get(0).path("content").isTextual()
                ? sent.path("messages").get(0).path("content").asText()
                : sent.path("messages").get(0).path("content").get(0).path("text").asText());
        assertEquals("upstream-openai-key", lastSeen("/v1/chat/completions").key());
        UsageEvent u = lastUsage("chat-model");
        assertEquals(30, u.outputTokens(), u.toString());
    }

    @Test
    void geminiStreamFromChat() throws Exception {
        StringBuilder text = new StringBuilder();
        int chunks = 0;
        try (ResponseStream<GenerateContentResponse> s = gemini.models.generateContentStream("chat-model",
                "Next two primes after 5?", null)) {
            for (GenerateContentResponse r : s) {
                chunks++;
                if (r.text() != null) {
                    text.append(r.text());
                }
            }
        }
        assertEquals("7 and 11.", text.toString());
        assertTrue(chunks >= 2, "streamed in pieces: " + chunks);
        JsonNode sent = json(lastSeen("/v1/chat/completions").body());
        assertTrue(sent.path("stream").asBoolean());
        assertTrue(sent.path("stream_options").path("include_usage").asBoolean(), sent.toString());
        UsageEvent u = lastUsage("chat-model");
        assertEquals(120, u.inputTokens(), u.toString());
        assertEquals(30, u.outputTokens(), u.toString());
        assertEquals(100, u.cachedTokens(), u.toString());
    }

    @Test
    void geminiCountTokensOnClaudeAsksClaudesCounter() throws Exception {
        CountTokensResponse r = gemini.models.countTokens("claude-model", "How many tokens?", null);
        assertEquals(42, r.totalTokens().orElseThrow());
        JsonNode sent = json(lastSeen("/v1/messages/count_tokens").body());
        assertEquals("claude-up", sent.path("model").asText());
        assertFalse(sent.has("max_tokens"), sent.toString());
    }

    @Test
    void claudeCountTokensOnGeminiAsksGeminisCounter() {
        long n = anthropic.messages().countTokens(MessageCountTokensParams.builder().model("gemini-model")
                .addUserMessage("How many tokens?").build()).inputTokens();
        assertEquals(17, n);
        assertTrue(lastSeen(":countTokens").path().endsWith("/gemini-up:countTokens"));
    }

    @Test
    void everyClientFormatStreamsFromEveryOtherUpstream() throws Exception {
        Map<String, String> clients = Map.of(
                "/v1/chat/completions", "{\"model\":\"%s\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}]}",
                "/v1/responses", "{\"model\":\"%s\",\"stream\":true,\"input\":\"hi\"}",
                "/v1/messages", "{\"model\":\"%s\",\"stream\":true,\"max_tokens\":64,\"messages\":[{\"role\":"
                        + "\"user\",\"content\":\"hi\"}]}",
                "/v1beta/models/%s:streamGenerateContent?alt=sse", "{\"contents\":[{\"role\":\"user\",\"parts\":"
                        + "[{\"text\":\"hi\"}]}]}");
        Set<String> failures = new HashSet<>();
        for (String model : List.of("codex-model", "claude-model", "gemini-model", "chat-model")) {
            for (Map.Entry<String, String> c : clients.entrySet()) {
                String path = c.getKey().contains("%s") ? c.getKey().formatted(model) : c.getKey();
                HttpResponse<String> r = h.postWithKey(path, c.getValue().formatted(model));
                if (r.statusCode() != 200 || !r.body().contains("7 and") || !r.body().contains(" 11.")) {
                    failures.add(path + " on " + model + ": " + r.statusCode() + " " + r.body());
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyClientFormatGetsOneJsonAnswerFromEveryOtherUpstream() throws Exception {
        Map<String, String> clients = Map.of(
                "/v1/chat/completions", "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "/v1/responses", "{\"model\":\"%s\",\"input\":\"hi\"}",
                "/v1/messages", "{\"model\":\"%s\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}]}",
                "/v1beta/models/%s:generateContent", "{\"contents\":[{\"role\":\"user\",\"parts\":"
                        + "[{\"text\":\"hi\"}]}]}");
        Set<String> failures = new HashSet<>();
        for (String model : List.of("codex-model", "claude-model", "gemini-model", "chat-model")) {
            for (Map.Entry<String, String> c : clients.entrySet()) {
                String path = c.getKey().contains("%s") ? c.getKey().formatted(model) : c.getKey();
                HttpResponse<String> r = h.postWithKey(path, c.getValue().formatted(model));
                if (r.statusCode() != 200 || !r.body().contains("7 and") || !r.body().contains("11.")
                        || !r.headers().firstValue("content-type").orElse("").contains("json")) {
                    failures.add(path + " on " + model + ": " + r.statusCode() + " " + r.body());
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
