package dev.spacegate.server.gateway;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Wire;
import dev.spacegate.server.gateway.support.Yaml;
import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.gateway.translate.base.SseEvent;
import dev.spacegate.server.gateway.translate.StreamTranslator;
import dev.spacegate.server.gateway.translate.base.TranslateContext;
import dev.spacegate.server.gateway.translate.Translation;

import static dev.spacegate.server.gateway.support.GatewayHarness.CLIENT_KEY;
import static dev.spacegate.server.gateway.support.GatewayHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The translation hook: once translations are plugged in, a chat request for a model served by a Claude key
 * goes upstream in Claude's format and comes back in OpenAI's, streamed or not. A toy translation stands in
 * for the real translators.
 */
class GatewayTranslationHookTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static FakeUpstream upstream;
    static GatewayHarness h;

    /** Chat -> Claude, just enough for the test: text in, text out, usage carried. */
    static final class ToyChatToClaude implements Translation {
        @Override
        public ApiFormat client() {
            return ApiFormat.OPENAI_CHAT;
        }

        @Override
        public ApiFormat upstream() {
            return ApiFormat.CLAUDE;
        }

        @Override
        public ObjectNode request(ObjectNode body, TranslateContext ctx) {
            if (body.path("messages").isEmpty()) {
                throw new IllegalArgumentException("messages must not be empty");
            }
            ObjectNode out = JSON.createObjectNode().put("model", ctx.upstreamModel()).put("max_tokens", 64)
                    .put("stream", ctx.stream());
            out.putArray("messages").addObject().put("role", "user")
                    .put("content", body.path("messages").get(0).path("content").asText());
            return out;
        }

        @Override
        public ObjectNode response(ObjectNode up, TranslateContext ctx) {
            ObjectNode out = JSON.createObjectNode().put("object", "chat.completion").put("model", ctx.clientModel());
            out.putArray("choices").addObject().putObject("message").put("role", "assistant")
                    .put("content", up.path("content").get(0).path("text").asText());
            return out;
        }

        @Override
        public StreamTranslator stream(TranslateContext ctx) {
            return new StreamTranslator() {
                @Override
                public List<SseEvent> onEvent(SseEvent e) {
                    try {
                        JsonNode d = JSON.readTree(e.data());
                        if ("content_block_delta".equals(d.path("type").asText())) {
                            return List.of(new SseEvent(null, "{\"object\":\"chat.completion.chunk\",\"choices\":"
                                    + "[{\"index\":0,\"delta\":{\"content\":\"" + d.path("delta").path("text").asText()
                                    + "\"}}]}"));
                        }
                        return List.of();
                    } catch (Exception ex) {
                        return List.of();
                    }
                }

                @Override
                public List<SseEvent> finish() {
                    return List.of(new SseEvent(null, "[DONE]"));
                }
            };
        }
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.script(s -> s.body().contains("\"stream\":true") ? FakeUpstream.sse(Wire.claudeStream("claude-up"), 0)
                : FakeUpstream.json(200, "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Bonjour\"}],\"model\":\"claude-up\","
                + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}"));
        h = new GatewayHarness(Yaml.tree("""
                api-keys: ["%s"]
                claude-api-key:
                  - api-key: upstream-claude-key
                    base-url: %s
                    models: [{name: claude-up, alias: claude-x}]
                """.formatted(CLIENT_KEY, upstream.baseUrl())), CooldownStore.none());
        h.gateway.translations((c, u) -> c == ApiFormat.OPENAI_CHAT && u == ApiFormat.CLAUDE
                ? Optional.of(new ToyChatToClaude()) : Optional.empty());
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        upstream.close();
    }

    @Test
    void nonStreamGoesUpstreamAsClaudeAndBackAsChat() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions",
                "{\"model\":\"claude-x\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode b = json(r.body());
        assertEquals("Bonjour", b.path("choices").get(0).path("message").path("content").asText());
        assertEquals("claude-x", b.path("model").asText());
        FakeUpstream.Seen seen = upstream.seen().get(upstream.seen().size() - 1);
        assertEquals("/v1/messages", seen.path());
        assertEquals("2023-06-01", seen.headers().get("anthropic-version"));
        assertTrue(h.usageFor("claude-x").stream().anyMatch(u -> u.inputTokens() == 3
                && "claude".equals(u.provider())), "usage read from the upstream's format");
    }

    @Test
    void streamIsTranslatedEventByEvent() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions",
                "{\"model\":\"claude-x\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertEquals(200, r.statusCode());
        assertEquals("data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
                + "{\"content\":\"Hello\"}}]}\n\ndata: [DONE]\n\n", r.body());
    }

    @Test
    void aRequestTheTranslationRejectsIsA400() throws Exception {
        int before = upstream.seen().size();
        HttpResponse<String> r = h.post("/v1/chat/completions", "{\"model\":\"claude-x\",\"messages\":[]}",
                Map.of("Authorization", "Bearer " + CLIENT_KEY));
        assertEquals(400, r.statusCode());
        assertEquals("translation_failed", json(r.body()).path("error").path("code").asText());
        assertTrue(json(r.body()).path("error").path("message").asText().contains("messages must not be empty"));
        assertEquals(before, upstream.seen().size(), "nothing was sent upstream");
    }
}
