package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.base.TranslateContext;

import dev.spacegate.server.gateway.translate.base.TranslationException;

import dev.spacegate.server.gateway.translate.base.SseEvent;

import dev.spacegate.server.gateway.translate.neutral.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bad input never escapes as anything but a {@link TranslationException}: malformed request bodies, answers
 * and stream events (wrong types, missing fields, non-JSON) are translated as far as they make sense.
 */
class TranslationRobustnessTest {
    private static final String[] ODD = {"null", "1", "\"text\"", "[]", "{}", "[1,\"a\",null,{}]", "true",
            "{\"type\":\"text\"}", "{\"role\":5,\"content\":[{\"type\":\"image\"}]}"};

    @Test
    void malformedRequestsAndAnswersDoNotThrow() {
        Random rnd = new Random(7);
        List<String> fields = List.of("messages", "input", "contents", "system", "systemInstruction", "tools",
                "tool_choice", "instructions", "thinking", "reasoning", "generationConfig", "max_tokens", "stop",
                "response_format", "text", "toolConfig", "metadata", "choices", "content", "output", "candidates",
                "usage", "usageMetadata", "stop_reason", "status");
        for (int round = 0; round < 400; round++) {
            ObjectNode body = Json.object();
            for (int f = 0; f < 4; f++) {
                body.set(fields.get(rnd.nextInt(fields.size())), odd(rnd));
            }
            for (Translation t : Translators.all()) {
                TranslateContext ctx = new TranslateContext("c", "u", rnd.nextBoolean()).withIds("r", 1L);
                try {
                    t.request(body.deepCopy(), ctx);
                    t.response(body.deepCopy(), ctx);
                    t.countTokensRequest(body.deepCopy(), ctx);
                } catch (TranslationException expected) {
                    assertFalse(expected.error().message().isBlank());
                } catch (RuntimeException e) {
                    fail(t.getClass().getSimpleName() + " threw " + e + " on " + body);
                }
            }
        }
    }

    @Test
    void malformedStreamEventsDoNotThrowAndStreamsStillClose() {
        Random rnd = new Random(11);
        List<String> types = List.of("response.created", "response.output_item.added", "response.output_item.done",
                "response.function_call_arguments.delta", "response.completed", "message_start",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        for (Translation t : Translators.all()) {
            for (int round = 0; round < 50; round++) {
                StreamTranslator st = t.stream(new TranslateContext("c", "u", true).withIds("r", 1L));
                List<SseEvent> out = new ArrayList<>();
                try {
                    for (int i = 0; i < 12; i++) {
                        String data;
                        if (rnd.nextInt(4) == 0) {
                            data = ODD[rnd.nextInt(ODD.length)];
                        } else {
                            ObjectNode o = Json.object().put("type", types.get(rnd.nextInt(types.size())));
                            o.put("index", rnd.nextInt(3));
                            o.set("item", odd(rnd));
                            o.set("delta", odd(rnd));
                            o.set("content_block", odd(rnd));
                            o.set("choices", odd(rnd));
                            o.set("candidates", odd(rnd));
                            data = Json.write(o);
                        }
                        out.addAll(st.onEvent(new SseEvent(rnd.nextBoolean() ? null : "x", data)));
                    }
                    out.addAll(st.finish());
                } catch (RuntimeException e) {
                    fail(t.getClass().getSimpleName() + " threw " + e);
                }
                assertFalse(out.isEmpty(), "a stream always closes");
            }
        }
    }

    private static JsonNode odd(Random rnd) {
        return Json.parse(ODD[rnd.nextInt(ODD.length)]);
    }
}
