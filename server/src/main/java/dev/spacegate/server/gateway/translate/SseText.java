package dev.spacegate.server.gateway.translate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SSE framing: splits text into {@link SseEvent}s incrementally (chunks may end mid-line) and writes events
 * back. Comments and {@code id:}/{@code retry:} lines are ignored; multi-line data is joined with newlines.
 */
public final class SseText {
    private final StringBuilder pending = new StringBuilder();
    private byte[] carry = new byte[0];
    private String event;
    private StringBuilder data;

    /** Events completed by these bytes; a UTF-8 sequence cut at the end of the chunk waits for the next one. */
    public List<SseEvent> feed(byte[] buf, int off, int len) {
        byte[] bytes = buf;
        int start = off;
        int end = off + len;
        if (carry.length > 0) {
            bytes = new byte[carry.length + len];
            System.arraycopy(carry, 0, bytes, 0, carry.length);
            System.arraycopy(buf, off, bytes, carry.length, len);
            start = 0;
            end = bytes.length;
        }
        int cut = completeUpTo(bytes, start, end);
        carry = Arrays.copyOfRange(bytes, cut, end);
        return feed(new String(bytes, start, cut - start, StandardCharsets.UTF_8));
    }

    /** The end of the last complete UTF-8 sequence in bytes[start, end). */
    private static int completeUpTo(byte[] b, int start, int end) {
        for (int i = end - 1; i >= Math.max(start, end - 3); i--) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                return end;
            }
            if (c >= 0xc0) {
                int need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
                return end - i >= need ? end : i;
            }
        }
        return end;
    }

    /** Events completed by this chunk of the stream. */
    public List<SseEvent> feed(CharSequence chunk) {
        List<SseEvent> out = new ArrayList<>();
        pending.append(chunk);
        int start = 0;
        for (int i = 0; i < pending.length(); i++) {
            if (pending.charAt(i) == '\n') {
                int end = i > start && pending.charAt(i - 1) == '\r' ? i - 1 : i;
                line(pending.substring(start, end), out);
                start = i + 1;
            }
        }
        pending.delete(0, start);
        return out;
    }

    /** The event left when the stream ends without a blank line. */
    public List<SseEvent> end() {
        List<SseEvent> out = new ArrayList<>();
        if (!pending.isEmpty()) {
            line(pending.toString(), out);
            pending.setLength(0);
        }
        line("", out);
        return out;
    }

    private void line(String line, List<SseEvent> out) {
        if (line.isEmpty()) {
            if (data != null) {
                out.add(new SseEvent(event, data.toString()));
            }
            event = null;
            data = null;
            return;
        }
        if (line.startsWith(":")) {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("event")) {
            event = value;
        } else if (field.equals("data")) {
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                data.append('\n').append(value);
            }
        }
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
        StringBuilder sb = new StringBuilder();
        if (e.event() != null) {
            sb.append("event: ").append(e.event()).append('\n');
        }
        for (String line : e.data().split("\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.append('\n').toString();
    }
}
