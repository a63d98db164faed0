package dev.spacegate.server.gateway.stream;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.spacegate.server.gateway.translate.base.SseEvent;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Parsing one framed SSE event into its name and data, as the translated stream path does. */
class SseFramerTest {
    private static SseEvent parse(String s) {
        byte[] b = ("xx" + s + "yy").getBytes(StandardCharsets.UTF_8);
        return SseFramer.parse(b, 2, b.length - 4);
    }

    @Test
    void nameAndData() {
        assertEquals(new SseEvent("message_start", "{\"a\":1}"), parse("event: message_start\ndata: {\"a\":1}\n\n"));
    }

    @Test
    void dataWithoutNameOrSpace() {
        assertEquals(new SseEvent(null, "[DONE]"), parse("data:[DONE]\n\n"));
    }

    @Test
    void multiLineDataIsJoinedWithNewlines() {
        assertEquals(new SseEvent("x", "one\ntwo\nthree"), parse("event:x\ndata: one\ndata: two\ndata: three\n\n"));
    }

    @Test
    void crlfLinesCommentsAndUnknownFields() {
        assertEquals(new SseEvent("e", "{\"é\":\"ü\"}"), parse(": keep-alive\r\nid: 7\r\nevent: e \r\ndata: {\"é\":\"ü\"}\r\n\r\n"));
    }

    @Test
    void noDataIsNull() {
        assertEquals(new SseEvent(null, null), parse(": keep-alive\n\n"));
        assertEquals(new SseEvent(null, ""), parse("data:\n\n"));
    }

    @Test
    void formatWritesOneDataLinePerLine() {
        assertEquals("event: e\ndata: {}\n\n", new String(SseFramer.format(new SseEvent("e", "{}")), StandardCharsets.UTF_8));
        assertEquals("data: a\ndata: b\n\n", new String(SseFramer.format(new SseEvent(null, "a\nb")),
                StandardCharsets.UTF_8));
        SseEvent multi = new SseEvent("x", "one\ntwo");
        byte[] f = SseFramer.format(multi);
        assertEquals(multi, SseFramer.parse(f, 0, f.length));
    }
}
