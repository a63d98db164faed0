package dev.spacegate.server.gateway.stream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.spacegate.server.gateway.translate.base.SseEvent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    /** An upstream that hands out at most {@code step} bytes per read, as a socket does. */
    private static InputStream trickle(String s, int step) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    private static List<String> readAll(SseFramer framer, InputStream in, List<Integer> capacities) throws IOException {
        List<String> events = new ArrayList<>();
        while (framer.readFrom(in) >= 0) {
            framer.frame((b, off, len) -> events.add(new String(b, off, len, StandardCharsets.UTF_8)));
            capacities.add(framer.capacity());
        }
        return events;
    }

    @Test
    void readingStraightFromTheUpstreamStartsSmallGrowsForALargeEventAndShrinksBack() throws IOException {
        String small = "data: {\"a\":1}\n\n";
        String large = "event: big\ndata: " + "x".repeat(300_000) + "\n\n";
        SseFramer framer = new SseFramer();
        List<Integer> capacities = new ArrayList<>();

        List<String> events = readAll(framer, trickle(small + large + small + small, 1500), capacities);

        assertEquals(List.of(small, large, small, small), events, "every event whole, in order, across reads");
        assertEquals(SseFramer.INITIAL_BYTES, capacities.get(0), "an open stream holds a small buffer");
        assertEquals(true, capacities.stream().anyMatch(c -> c > 300_000), "grown to hold the large event");
        assertEquals(SseFramer.INITIAL_BYTES, capacities.get(capacities.size() - 1), "back to small after it");
    }

    @Test
    void anUnfinishedEventPastTheCapIsRefused() {
        SseFramer framer = new SseFramer();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
        assertThrows(SseFramer.EventTooLargeException.class, () -> {
            while (framer.readFrom(endless) >= 0) {
                framer.frame((b, off, len) -> { });
            }
        });
    }
}
