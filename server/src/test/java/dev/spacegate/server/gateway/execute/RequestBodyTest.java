package dev.spacegate.server.gateway.execute;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestBodyTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsBytesWhenNothingChanges() throws Exception {
        byte[] in = b("{ \"model\" : \"m\",\n \"stream\": true, \"x\": 1.50 }");
        RequestBody body = RequestBody.scan(in);
        assertEquals("m", body.model());
        assertTrue(body.stream());
        assertSame(in, body.forUpstream("m", false));
    }

    @Test
    void swapsOnlyTheTopLevelModel() throws Exception {
        String in = "{\"messages\":[{\"model\":\"inner\",\"content\":\"é \\\"q\\\"\"}], \"model\" : \"alias\" ,\"t\":0.10}";
        RequestBody body = RequestBody.scan(b(in));
        String out = new String(body.forUpstream("up/\"odd\"", false), StandardCharsets.UTF_8);
        assertEquals(in.replace("\"alias\"", "\"up/\\\"odd\\\"\""), out);
    }

    @Test
    void addsIncludeUsageWhenAbsent() throws Exception {
        RequestBody body = RequestBody.scan(b("{\"model\":\"a\",\"stream\":true}"));
        assertEquals("{\"stream_options\":{\"include_usage\":true},\"model\":\"b\",\"stream\":true}",
                new String(body.forUpstream("b", true), StandardCharsets.UTF_8));
        RequestBody has = RequestBody.scan(b("{\"model\":\"a\",\"stream_options\":{\"include_usage\":false}}"));
        assertFalse(new String(has.forUpstream("a", true), StandardCharsets.UTF_8).contains("true"),
                "the client's own choice is kept");
    }

    @Test
    void readsReasoningEffortFromEitherShape() throws Exception {
        assertEquals("high", RequestBody.scan(b("{\"reasoning_effort\":\"high\"}")).reasoningEffort());
        assertEquals("low", RequestBody.scan(b("{\"reasoning\":{\"summary\":\"auto\",\"effort\":\"low\"}}"))
                .reasoningEffort());
    }

    @Test
    void rejectsWhatIsNotOneJsonObject() {
        for (String bad : new String[]{"", "[]", "{\"a\":", "{\"a\":1} {}", "nope", "{\"a\":1,}"}) {
            assertThrows(RequestBody.MalformedException.class, () -> RequestBody.scan(b(bad)), bad);
        }
    }
}
