package dev.spacegate.server.gateway.usage;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import dev.spacegate.server.providers.ApiFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Token counts from whole answers: the skimming parse counts what the full tree counts. */
class TokenCountsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One whole answer per upstream format, with the answer text before and after the usage fields. */
    private static final Map<ApiFormat, String> ANSWERS = Map.of(
            ApiFormat.OPENAI_CHAT, """
                    {"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"%s",
                     "tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{\\"usage\\":1}"}}]}}],
                     "usage":{"prompt_tokens":12,"completion_tokens":30,"total_tokens":42,
                      "prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":9}},
                     "system_fingerprint":"fp"}""",
            ApiFormat.OPENAI_RESPONSES, """
                    {"id":"r1","object":"response","output":[{"type":"message","content":[{"type":"output_text",
                     "text":"%s"}]}],"usage":{"input_tokens":20,"output_tokens":7,"total_tokens":27,
                     "input_tokens_details":{"cached_tokens":5},"output_tokens_details":{"reasoning_tokens":3}}}""",
            ApiFormat.CLAUDE, """
                    {"id":"m1","type":"message","content":[{"type":"text","text":"%s"}],"stop_reason":"end_turn",
                     "usage":{"input_tokens":15,"output_tokens":8,"cache_read_input_tokens":6,
                      "cache_creation_input_tokens":2}}""",
            ApiFormat.GEMINI, """
                    {"candidates":[{"content":{"parts":[{"text":"%s"}],"role":"model"}}],
                     "usageMetadata":{"promptTokenCount":11,"candidatesTokenCount":13,"totalTokenCount":30,
                      "thoughtsTokenCount":6,"cachedContentTokenCount":2},"modelVersion":"g"}""");

    @Test
    void skimmingCountsWhatTheTreeCounts() throws Exception {
        for (Map.Entry<ApiFormat, String> e : ANSWERS.entrySet()) {
            byte[] body = e.getValue().formatted("word ".repeat(5_000)).getBytes(StandardCharsets.UTF_8);
            TokenCounts fromTree = new TokenCounts();
            fromTree.observe(e.getKey(), JSON.readTree(body));
            TokenCounts skimmed = new TokenCounts();
            skimmed.observe(e.getKey(), body);
            assertEquals(json(fromTree), json(skimmed), e.getKey().name());
            assertEquals(true, skimmed.total() > 0, e.getKey() + " counted something");
        }
    }

    @Test
    void countTokensAnswersAreCounted() {
        TokenCounts claude = new TokenCounts();
        claude.observe(ApiFormat.CLAUDE, "{\"input_tokens\":321}".getBytes(StandardCharsets.UTF_8));
        assertEquals(321, claude.input());
        TokenCounts gemini = new TokenCounts();
        gemini.observe(ApiFormat.GEMINI, "{\"totalTokens\":77}".getBytes(StandardCharsets.UTF_8));
        assertEquals(77, gemini.input());
    }

    @Test
    void notJsonOrCutShortCountsNothing() {
        for (String body : new String[] {"", "not json", "[1,2]", "{\"usage\":{\"prompt_tokens\":5", "\"text\""}) {
            TokenCounts t = new TokenCounts();
            t.observe(ApiFormat.OPENAI_CHAT, body.getBytes(StandardCharsets.UTF_8));
            assertEquals(0, t.total(), body);
        }
    }

    private static String json(TokenCounts t) {
        java.io.StringWriter out = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            t.writeTo(g);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }
}
