package dev.spacegate.server.gateway.stream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.spacegate.server.gateway.translate.base.SseEvent;

/**
 * Cuts a byte stream into complete server-sent events (each ending with a blank line), without decoding
 * them, so passthrough forwards the upstream's exact bytes.
 */
public final class SseFramer {
    private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

    /** Receives each complete event as a slice of the framer's buffer (valid only during the call). */
    @FunctionalInterface
    public interface EventHandler {
        void onEvent(byte[] buf, int off, int len) throws java.io.IOException;
    }

    /** The largest event the framer holds while waiting for its end; a longer one ends the stream (502). */
    public static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    /** Thrown by {@link #feed} when an unfinished event passes {@link #MAX_EVENT_BYTES}. */
    public static final class EventTooLargeException extends java.io.IOException {
        public EventTooLargeException() {
            super("an upstream event is larger than " + MAX_EVENT_BYTES / (1024 * 1024) + " MiB", null);
        }
    }

    /**
     * The buffer a framer starts with. A model's stream events are a few hundred bytes, and a server holds one framer
     * per open stream for as long as the stream lasts (1,000 open streams: 4 MB, not the 16 MB of a 16 KiB start);
     * larger events grow it.
     */
    static final int INITIAL_BYTES = 4 * 1024;
    /** The least free space {@link #readFrom} offers a read; less than that and the buffer doubles. */
    private static final int MIN_READ = 1024;
    /** A buffer grown past this for a large event goes back to the initial size once that event has been handed on. */
    private static final int SHRINK_ABOVE = 64 * 1024;

    private byte[] buf = new byte[INITIAL_BYTES];
    private int len;
    private int scan;

    /** Appends bytes and hands every event that is now complete to the handler. */
    public void feed(byte[] data, int off, int n, EventHandler handler) throws java.io.IOException {
        if (len + n > MAX_EVENT_BYTES) {
            throw new EventTooLargeException();
        }
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        System.arraycopy(data, off, buf, len, n);
        len += n;
        frame(handler);
    }

    /**
     * Reads what {@code in} has next straight into the framer's buffer (no copy through a buffer of the caller's);
     * -1 at the end of the stream. {@link #frame} then hands on the events that are complete.
     */
    public int readFrom(java.io.InputStream in) throws java.io.IOException {
        if (buf.length - len < MIN_READ) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n = in.read(buf, len, buf.length - len);
        if (n > 0) {
            len += n;
        }
        return n;
    }

    /** Hands every complete event in the buffer to the handler and keeps the unfinished rest. */
    public void frame(EventHandler handler) throws java.io.IOException {
        int start = 0;
        int i = Math.max(scan, 1);
        while (i < len) {
            if (buf[i] == '\n' && (buf[i - 1] == '\n' || (buf[i - 1] == '\r' && i >= 2 && buf[i - 2] == '\n'))) {
                handler.onEvent(buf, start, i + 1 - start);
                start = i + 1;
                i = start + 1;
                continue;
            }
            i++;
        }
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, len - start);
            len -= start;
        }
        scan = Math.max(len, 1);
        if (len > MAX_EVENT_BYTES) {
            throw new EventTooLargeException();
        }
        if (buf.length > SHRINK_ABOVE && len <= INITIAL_BYTES - MIN_READ) {
            buf = Arrays.copyOf(buf, INITIAL_BYTES);
        }
    }

    /** The size of the buffer now (tests: it starts small and shrinks back after a large event). */
    int capacity() {
        return buf.length;
    }

    /** Bytes of an unfinished event at the end of the stream (usually none). */
    public int pending() {
        return len;
    }

    /** Parses one raw event into its name and joined data lines (comments and ids dropped). */
    public static SseEvent parse(byte[] b, int off, int n) {
        // line by line over the bytes (no regex split: this runs once per event of every translated stream)
        String event = null;
        String first = null;
        StringBuilder data = null;
        int end = off + n;
        int i = off;
        while (i < end) {
            int eol = i;
            while (eol < end && b[eol] != '\n') {
                eol++;
            }
            int lineEnd = eol > i && b[eol - 1] == '\r' ? eol - 1 : eol;
            if (startsWith(b, i, lineEnd, EVENT)) {
                event = new String(b, i + EVENT.length, lineEnd - i - EVENT.length, StandardCharsets.UTF_8).trim();
            } else if (startsWith(b, i, lineEnd, DATA)) {
                int from = i + DATA.length;
                if (from < lineEnd && b[from] == ' ') {
                    from++;
                }
                String d = new String(b, from, lineEnd - from, StandardCharsets.UTF_8);
                if (first == null) {
                    first = d;
                } else {
                    data = (data == null ? new StringBuilder(first) : data).append('\n').append(d);
                }
            }
            i = eol + 1;
        }
        return new SseEvent(event, data != null ? data.toString() : first);
    }

    private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
        return to - from >= prefix.length && Arrays.equals(b, from, from + prefix.length, prefix, 0, prefix.length);
    }

    /** Serialises an event in the SSE wire format. */
    public static byte[] format(SseEvent e) {
        String data = e.data() == null ? "" : e.data();
        StringBuilder sb = new StringBuilder(data.length() + 32);
        if (e.event() != null) {
            sb.append("event: ").append(e.event()).append('\n');
        }
        if (data.indexOf('\n') < 0) {
            // the usual case, one data line: no split
            sb.append("data: ").append(data).append('\n');
        } else {
            for (String line : data.split("\n", -1)) {
                sb.append("data: ").append(line).append('\n');
            }
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the slice contains the ASCII needle (cheap pre-check before parsing JSON). */
    public static boolean contains(byte[] b, int off, int n, byte[] needle) {
        outer:
        for (int i = off; i <= off + n - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
