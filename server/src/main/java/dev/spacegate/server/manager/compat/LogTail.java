package dev.spacegate.server.manager.compat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Formatter;
import java.util.logging.Logger;

import dev.spacegate.server.web.AsyncLogHandler;

/**
 * The last log lines in memory, for {@code GET /v0/management/logs} (Spacegate logs to standard output, which the
 * platform keeps; this is the tail a panel shows). Bounded: {@value #CAPACITY} lines of at most
 * {@value #MAX_LINE} characters. One per process, attached to the root logger and fed the access log's lines by its
 * {@link AsyncLogHandler} from that handler's writer thread, so no request thread waits on this tail's lock.
 *
 * <p>Publishing only keeps the record; the text is made when a tail is read (a {@code SimpleFormatter} per line
 * looked up the caller's stack frame on every request).
 */
public final class LogTail extends Handler {
    static final int CAPACITY = 2000;
    static final int MAX_LINE = 4000;
    private static final LogTail INSTANCE = new LogTail();
    private static volatile boolean installed;

    /** One kept line: its sequence number (the cursor), time in epoch seconds, and text. */
    public record Line(long seq, long epochSecond, String text) {
    }

    /** A kept record and its sequence number; formatted when read. */
    private record Kept(long seq, LogRecord record) {
    }

    private final Deque<Kept> lines = new ArrayDeque<>();
    private final Formatter messages = new Formatter() {
        @Override
        public String format(LogRecord r) {
            return formatMessage(r);
        }
    };
    private long nextSeq = 1;

    private LogTail() {
    }

    /** The process's tail, attached to the loggers on first use. */
    public static LogTail installed() {
        if (!installed) {
            synchronized (LogTail.class) {
                if (!installed) {
                    Logger.getLogger("").addHandler(INSTANCE);
                    Logger access = Logger.getLogger("spacegate.access");
                    AsyncLogHandler writer = null;
                    for (Handler h : access.getHandlers()) {
                        if (h instanceof AsyncLogHandler a) {
                            writer = a;
                        }
                    }
                    if (writer != null) {
                        writer.also(INSTANCE);
                    } else {
                        access.addHandler(INSTANCE); // a logging.properties without the background writer
                    }
                    installed = true;
                }
            }
        }
        return INSTANCE;
    }

    @Override
    public void publish(LogRecord r) {
        if (r == null || !isLoggable(r)) {
            return;
        }
        synchronized (this) {
            lines.addLast(new Kept(nextSeq++, r));
            while (lines.size() > CAPACITY) {
                lines.removeFirst();
            }
        }
    }

    /** Lines with a sequence number above {@code afterSeq} and a time after {@code afterEpoch}, oldest first. */
    public List<Line> since(long afterSeq, long afterEpoch) {
        List<Kept> picked = new ArrayList<>();
        synchronized (this) {
            for (Kept k : lines) {
                if (k.seq() > afterSeq && k.record().getInstant().getEpochSecond() > afterEpoch) {
                    picked.add(k);
                }
            }
        }
        List<Line> out = new ArrayList<>(picked.size());
        for (Kept k : picked) {
            out.add(new Line(k.seq(), k.record().getInstant().getEpochSecond(), text(k.record())));
        }
        return out;
    }

    /** Time, level, logger and message (and the exception's class), one line of at most {@value #MAX_LINE}. */
    private String text(LogRecord r) {
        StringBuilder sb = new StringBuilder(128).append(r.getInstant()).append(' ').append(r.getLevel().getName())
                .append(' ').append(r.getLoggerName()).append(": ");
        try {
            sb.append(messages.format(r));
        } catch (RuntimeException e) {
            sb.append(r.getMessage());
        }
        if (r.getThrown() != null) {
            sb.append(" (").append(r.getThrown().getClass().getSimpleName()).append(')');
        }
        String text = sb.toString().strip();
        return text.length() > MAX_LINE ? text.substring(0, MAX_LINE) + "..." : text;
    }

    /** The sequence number of the oldest kept line (0 when empty). */
    public synchronized long oldestSeq() {
        return lines.isEmpty() ? 0 : lines.peekFirst().seq();
    }

    /** The sequence number the next line will get. */
    public synchronized long nextSeq() {
        return nextSeq;
    }

    /** Drops every kept line; returns how many. */
    public synchronized int clear() {
        int n = lines.size();
        lines.clear();
        return n;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
