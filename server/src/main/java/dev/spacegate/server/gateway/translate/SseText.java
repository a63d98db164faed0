package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.base.SseEvent;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SSE framing: splits a byte stream into {@link SseEvent}s incrementally (reads may end mid-line or inside a
 * UTF-8 sequence) and writes events back. Comments and {@code id:}/{@code retry:} lines are ignored;
 * multi-line data is joined with newlines. Lines are cut at {@code \n} bytes, which never occur inside a UTF-8
 * sequence, and only the field values are decoded.
 */
public final class SseText {
    private byte[] partial = new byte[256];
    private int partialLength;
    private String event;
    private String data;
    private StringBuilder moreData;

    /** Events completed by these bytes. */
    public List<SseEvent> feed(byte[] buf, int off, int len) {
        List<SseEvent> out = new ArrayList<>();
        int end = off + len;
        int lineStart = off;
        for (int i = off; i < end; i++) {
            if (buf[i] != '\n') {
                continue;
            }
            if (partialLength > 0) {
                append(buf, lineStart, i - lineStart);
                line(partial, 0, partialLength, out);
                partialLength = 0;
            } else {
                line(buf, lineStart, i - lineStart, out);
            }
            lineStart = i + 1;
        }
        if (lineStart < end) {
            append(buf, lineStart, end - lineStart);
        }
        return out;
    }

    /** Events completed by this text. */
    public List<SseEvent> feed(CharSequence chunk) {
        byte[] b = chunk.toString().getBytes(StandardCharsets.UTF_8);
        return feed(b, 0, b.length);
    }

    /** The event left when the stream ends without a blank line. */
    public List<SseEvent> end() {
        List<SseEvent> out = new ArrayList<>();
        if (partialLength > 0) {
            line(partial, 0, partialLength, out);
            partialLength = 0;
        }
        line(partial, 0, 0, out);
        return out;
    }

    private void append(byte[] buf, int off, int len) {
        if (partialLength + len > partial.length) {
            partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + len));
        }
        System.arraycopy(buf, off, partial, partialLength, len);
        partialLength += len;
    }

    private void line(byte[] b, int off, int len, List<SseEvent> out) {
        if (len > 0 && b[off + len - 1] == '\r') {
            len--;
        }
        if (len == 0) {
            if (data != null) {
                out.add(new SseEvent(event, moreData != null ? moreData.toString() : data));
            }
            event = null;
            data = null;
            moreData = null;
            return;
        }
        if (b[off] == ':') {
            return;
        }
        int colon = -1;
        for (int i = off; i < off + len; i++) {
            if (b[i] == ':') {
                colon = i;
                break;
            }
        }
        int nameEnd = colon < 0 ? off + len : colon;
        int valueStart = colon < 0 ? off + len : colon + 1;
        if (valueStart < off + len && b[valueStart] == ' ') {
            valueStart++;
        }
        if (is(b, off, nameEnd, "data")) {
            String value = new String(b, valueStart, off + len - valueStart, StandardCharsets.UTF_8);
            if (data == null) {
                data = value;
            } else {
                if (moreData == null) {
                    moreData = new StringBuilder(data);
                }
                moreData.append('\n').append(value);
            }
        } else if (is(b, off, nameEnd, "event")) {
            event = new String(b, valueStart, off + len - valueStart, StandardCharsets.UTF_8);
        }
    }

    private static boolean is(byte[] b, int from, int to, String name) {
        if (to - from != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (b[from + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Parses a whole recorded stream. */
    public static List<SseEvent> parse(String stream) {
        SseText p = new SseText();
        List<SseEvent> out = new ArrayList<>(p.feed(stream));
        out.addAll(p.end());
        return out;
    }

    /** One event as wire text, ending with the blank line. */
    public static String write(SseEvent e) {
        StringBuilder sb = new StringBuilder(e.data().length() + 32);
        if (e.event() != null) {
            sb.append("event: ").append(e.event()).append('\n');
        }
        String d = e.data();
        int start = 0;
        int nl;
        while ((nl = d.indexOf('\n', start)) >= 0) {
            sb.append("data: ").append(d, start, nl).append('\n');
            start = nl + 1;
        }
        sb.append("data: ").append(d, start, d.length()).append('\n');
        return sb.append('\n').toString();
    }
}
