package dev.spacegate.server.manager.compat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The last log lines in memory, for {@code GET /v0/management/logs} (Spacegate logs to standard output, which the
 * platform keeps; this is the tail a panel shows). Bounded: {@value #CAPACITY} lines of at most
 * {@value #MAX_LINE} characters. One per process, attached to the root and access loggers.
 */
public final class LogTail extends Handler {
    static final int CAPACITY = 2000;
    static final int MAX_LINE = 4000;
    private static final LogTail INSTANCE = new LogTail();
    private static volatile boolean installed;

    /** One kept line: its sequence number (the cursor), time in epoch seconds, and text. */
    public record Line(long seq, long epochSecond, String text) {
    }

    private final Deque<Line> lines = new ArrayDeque<>();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private long nextSeq = 1;

    private LogTail() {
    }

    /** The process's tail, attached to the loggers on first use. */
    public static LogTail installed() {
        if (!installed) {
            synchronized (LogTail.class) {
                if (!installed) {
                    Logger.getLogger("").addHandler(INSTANCE);
                    Logger.getLogger("spacegate.access").addHandler(INSTANCE);
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
        String text;
        try {
            text = formatter.format(r).stripTrailing();
        } catch (RuntimeException e) {
            return;
        }
        if (text.length() > MAX_LINE) {
            text = text.substring(0, MAX_LINE) + "...";
        }
        synchronized (this) {
            lines.addLast(new Line(nextSeq++, r.getInstant().getEpochSecond(), text));
            while (lines.size() > CAPACITY) {
                lines.removeFirst();
            }
        }
    }

    /** Lines with a sequence number above {@code afterSeq} and a time after {@code afterEpoch}, oldest first. */
    public synchronized List<Line> since(long afterSeq, long afterEpoch) {
        List<Line> out = new ArrayList<>();
        for (Line l : lines) {
            if (l.seq() > afterSeq && l.epochSecond() > afterEpoch) {
                out.add(l);
            }
        }
        return out;
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
