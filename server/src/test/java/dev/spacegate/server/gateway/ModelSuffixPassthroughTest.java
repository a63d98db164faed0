package dev.spacegate.server.gateway;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Wire;
import dev.spacegate.server.gateway.support.Yaml;

import static dev.spacegate.server.gateway.support.GatewayHarness.CLIENT_KEY;
import static dev.spacegate.server.gateway.support.GatewayHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model(high) / model(16384) suffix on same-format traffic: the effort lands in the body the upstream gets. */
class ModelSuffixPassthroughTest {
    static FakeUpstream upstream;
    static GatewayHarness h;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.script(s -> switch (s.model()) {
            case "claude-up" -> FakeUpstream.sse(Wire.claudeStream("claude-up"), 0);
            case "gemini-up" -> FakeUpstream.sse(Wire.geminiStream("gemini-up"), 0);
            default -> FakeUpstream.json(200, Wire.chatCompletion(s.model(), "ok"));
        });
        h = new GatewayHarness(Yaml.tree("""
                api-keys: ["%1$s"]
                openai-compatibility:
                  - name: fake
                    base-url: %2$s/v1
                    api-key-entries: [{api-key: k}]
                    models: [{name: up-chat, alias: chat}]
                claude-api-key:
                  - api-key: claude-key
                    base-url: %2$s
                    models: [{name: claude-up, alias: claude-x}]
                gemini-api-key:
                  - api-key: gemini-key
                    base-url: %2$s
                    models: [{name: gemini-up, alias: gemini-x, thinking: {min: 0, max: 8192, zero-allowed: true}}]
                """.formatted(CLIENT_KEY, upstream.baseUrl())), CooldownStore.none());
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        upstream.close();
    }

    private static JsonNode sentFor(String upstreamModel) throws Exception {
        List<FakeUpstream.Seen> seen = upstream.seenFor(upstreamModel);
        return json(seen.get(seen.size() - 1).body());
    }

    @Test
    void openAiChatGetsReasoningEffort() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions",
                "{\"model\":\"chat(high)\",\"reasoning_effort\":\"low\",\"messages\":[]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode up = sentFor("up-chat");
        assertEquals("up-chat", up.path("model").asText());
        assertEquals("high", up.path("reasoning_effort").asText(), "the suffix wins over the body");
    }

    @Test
    void claudeGetsAThinkingBudgetRoomForItAndDefaultSampling() throws Exception {
        HttpResponse<String> r = h.post("/v1/messages", """
                {"model":"claude-x(16384)","max_tokens":1024,"temperature":0.3,"stream":true,
                 "messages":[{"role":"user","content":"hi"}]}""",
                Map.of("x-api-key", CLIENT_KEY, "anthropic-version", "2023-06-01"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode up = sentFor("claude-up");
        assertEquals("enabled", up.at("/thinking/type").asText(), up.toString());
        assertEquals(16384, up.at("/thinking/budget_tokens").asInt());
        assertTrue(up.path("max_tokens").asInt() > 16384, "max_tokens above the budget: " + up);
        assertTrue(up.path("temperature").isMissingNode(), "thinking runs at the default sampling");
        assertEquals("hi", up.at("/messages/0/content").asText());
    }

    @Test
    void geminiGetsAThinkingConfigClampedToTheModel() throws Exception {
        HttpResponse<String> r = h.post("/v1beta/models/gemini-x(high):streamGenerateContent?alt=sse",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}",
                Map.of("x-goog-api-key", CLIENT_KEY));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode up = sentFor("gemini-up");
        assertEquals(8192, up.at("/generationConfig/thinkingConfig/thinkingBudget").asInt(),
                "high (24576) clamped to the model's max: " + up);
        assertTrue(up.at("/generationConfig/thinkingConfig/includeThoughts").asBoolean());
    }

    @Test
    void anUnknownLevelIsA400InTheClientsFormat() throws Exception {
        int before = upstream.seenFor("up-chat").size();
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions",
                "{\"model\":\"chat(turbo)\",\"messages\":[]}");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(json(r.body()).path("error").has("message"), r.body());
        assertEquals(before, upstream.seenFor("up-chat").size(), "nothing went upstream");
    }
}
