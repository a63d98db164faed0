package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.neutral.Json;

import dev.spacegate.server.providers.ApiFormat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every translated stream in the corpus obeys its client format's event lifecycle, checked by rule rather
 * than by comparison with a recorded file.
 */
class TranslationStreamLifecycleTest {

    @TestFactory
    Stream<DynamicTest> everyTranslatedStreamIsWellFormed() {
        return Corpus.cases().stream().filter(c -> c.kind().equals("stream"))
                .map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
                    JsonNode events = Corpus.run(c);
                    switch (c.client()) {
                        case CLAUDE -> checkClaude(events);
                        case OPENAI_RESPONSES -> checkResponses(events);
                        case OPENAI_CHAT -> checkChat(events);
                        case GEMINI -> checkGemini(events);
                    }
                }));
    }

    @Test
    void parallelCallsFromResponsesBecomeNClaudeToolUseBlocks() {
        for (String name : List.of("parallel_calls", "interleaved_calls")) {
            JsonNode events = Corpus.run(new Corpus.Case("stream", name, ApiFormat.CLAUDE,
                    ApiFormat.OPENAI_RESPONSES, Corpus.ROOT.resolve("streams/openai_responses/" + name + ".sse"),
                    false));
            checkClaude(events);
            List<Integer> indices = new ArrayList<>();
            List<String> args = new ArrayList<>();
            StringBuilder current = null;
            for (JsonNode e : events) {
                JsonNode d = e.get("data");
                switch (d.path("type").asText()) {
                    case "content_block_start" -> {
                        assertEquals("tool_use", d.path("content_block").path("type").asText());
                        indices.add(d.path("index").asInt());
                        current = new StringBuilder();
                    }
                    case "content_block_delta" -> current.append(d.path("delta").path("partial_json").asText());
                    case "content_block_stop" -> args.add(current.toString());
                    case "message_delta" -> assertEquals("tool_use", d.path("delta").path("stop_reason").asText());
                    default -> {
                    }
                }
            }
            assertEquals(List.of(0, 1), indices, name);
            assertEquals(2, args.size());
            for (String a : args) {
                assertTrue(Json.parse(a).isObject(), "arguments reassemble into JSON: " + a);
            }
        }
    }

    /** message_start; blocks 0..n opened and closed one at a time; message_delta; message_stop; then nothing. */
    static void checkClaude(JsonNode events) {
        assertEquals("message_start", events.get(0).path("event").asText());
        int expectedIndex = 0;
        Integer open = null;
        String openType = null;
        boolean stopped = false;
        boolean delta = false;
        Set<String> ids = new HashSet<>();
        for (int i = 1; i < events.size(); i++) {
            JsonNode e = events.get(i);
            assertFalse(stopped, "event after message_stop");
            String type = e.path("event").asText();
            assertEquals(type, e.path("data").path("type").asText(), "event name matches data.type");
            JsonNode d = e.get("data");
            switch (type) {
                case "content_block_start" -> {
                    assertEquals(null, open, "a block is already open");
                    assertEquals(expectedIndex++, d.path("index").asInt());
                    open = d.path("index").asInt();
                    openType = d.path("content_block").path("type").asText();
                    if (openType.equals("tool_use")) {
                        String id = d.path("content_block").path("id").asText();
                        assertTrue(id.matches("^[a-zA-Z0-9_-]+$"), "Claude tool id " + id);
                        assertTrue(ids.add(id), "duplicate tool id " + id);
                    }
                }
                case "content_block_delta" -> {
                    assertNotNull(open, "delta outside a block");
                    assertEquals(open.intValue(), d.path("index").asInt());
                    String dt = d.path("delta").path("type").asText();
                    switch (openType) {
                        case "text" -> assertEquals("text_delta", dt);
                        case "thinking" -> assertTrue(dt.equals("thinking_delta") || dt.equals("signature_delta"));
                        case "tool_use" -> assertEquals("input_json_delta", dt);
                        default -> fail("unknown block " + openType);
                    }
                }
                case "content_block_stop" -> {
                    assertEquals(open, Integer.valueOf(d.path("index").asInt()));
                    open = null;
                }
                case "message_delta" -> {
                    assertEquals(null, open, "message_delta with an open block");
                    assertTrue(d.path("delta").has("stop_reason"));
                    delta = true;
                }
                case "message_stop" -> {
                    assertTrue(delta, "message_stop before message_delta");
                    stopped = true;
                }
                case "error" -> stopped = true;
                default -> fail("unexpected Claude event " + type);
            }
        }
        assertTrue(stopped, "stream not closed");
    }

    /** sequence numbers 0..n; output items added and done in order with contiguous indices; one terminal event. */
    static void checkResponses(JsonNode events) {
        int seq = 0;
        int added = 0;
        int done = 0;
        boolean terminal = false;
        for (JsonNode e : events) {
            assertFalse(terminal, "event after the terminal event");
            JsonNode d = e.get("data");
            String type = d.path("type").asText();
            assertEquals(e.path("event").asText(), type);
            if (type.equals("error")) {
                terminal = true;
                continue;
            }
            assertEquals(seq++, d.path("sequence_number").asInt());
            switch (type) {
                case "response.output_item.added" -> {
                    assertEquals(done, added, "item added while another is open");
                    assertEquals(added++, d.path("output_index").asInt());
                }
                case "response.output_item.done" -> assertEquals(done++, d.path("output_index").asInt());
                case "response.completed", "response.incomplete" -> {
                    terminal = true;
                    assertEquals(added, done);
                    assertEquals(done, d.path("response").path("output").size());
                    assertTrue(d.path("response").path("usage").has("input_tokens"));
                }
                default -> {
                    if (d.has("output_index")) {
                        assertEquals(added - 1, d.path("output_index").asInt(), type + " for the open item");
                    }
                }
            }
        }
        assertTrue(terminal, "no terminal event");
    }

    /** chunks with one choice, one finish_reason, tool call indices 0..n, then [DONE]. */
    static void checkChat(JsonNode events) {
        assertEquals("[DONE]", events.get(events.size() - 1).path("data").asText());
        int finishes = 0;
        int nextTool = 0;
        boolean error = false;
        for (int i = 0; i < events.size() - 1; i++) {
            JsonNode d = events.get(i).get("data");
            if (d.has("error")) {
                error = true;
                continue;
            }
            assertEquals("chat.completion.chunk", d.path("object").asText());
            JsonNode choice = d.path("choices").get(0);
            if (!choice.path("finish_reason").isNull()) {
                finishes++;
            }
            for (JsonNode tc : choice.path("delta").path("tool_calls")) {
                int index = tc.path("index").asInt();
                if (tc.has("id")) {
                    assertEquals(nextTool++, index, "tool call indices are contiguous");
                } else {
                    assertEquals(nextTool - 1, index, "arguments for the latest call");
                }
            }
        }
        assertEquals(error ? 0 : 1, finishes);
    }

    /** every chunk is a candidate list (or an error); the last carries finishReason and usageMetadata. */
    static void checkGemini(JsonNode events) {
        JsonNode last = events.get(events.size() - 1).get("data");
        if (last.has("error")) {
            return;
        }
        for (JsonNode e : events) {
            assertTrue(e.get("data").path("candidates").isArray());
            assertFalse(e.has("event"));
        }
        assertTrue(last.path("candidates").get(0).has("finishReason"));
        assertTrue(last.has("usageMetadata"));
    }
}
