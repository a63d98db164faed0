package dev.spacegate.server.web;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Formatter;

/**
 * Writes log records to standard output from a background thread, so request threads never wait on the
 * console (a synchronous console handler flushing per line cost the forwarder about a third of its
 * throughput). Used for the access log; a full queue drops lines and says how many. Publishing takes no lock: at
 * 64 connections, request threads queueing behind one lock for every line showed in the gateway's CPU per request.
 * Handlers given to {@link #also} (the in-memory log tail) get each record from the writer thread, not the request's.
 */
public final class AsyncLogHandler extends Handler {
    private static final int CAPACITY = 65_536;
    /** How long a line may wait in the queue. */
    private static final long TICK_NANOS = 250_000_000L;

    private final Queue<LogRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final List<Handler> downstream = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final ReentrantLock writing = new ReentrantLock();
    private final Writer out;
    private final Thread writer;

    public AsyncLogHandler() {
        this(new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.UTF_8), 64 * 1024));
    }

    AsyncLogHandler(Writer out) {
        this.out = out;
        setFormatter(new LineFormatter());
        writer = Thread.ofPlatform().daemon().name("spacegate-log-writer").start(this::run);
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(record);
        queued.incrementAndGet();
    }

    /** Also hands every record this handler writes to {@code handler}, on the writer thread. */
    public void also(Handler handler) {
        downstream.add(handler);
    }

    private void run() {
        while (true) {
            if (!queue.isEmpty()) {
                writing.lock();
                try {
                    drainLocked();
                } finally {
                    writing.unlock();
                }
            }
            // woken by the clock, not by each line: a wake-up per request cost the request path a context
            // switch on small machines; flush() wakes the writer at once
            LockSupport.parkNanos(this, TICK_NANOS);
        }
    }

    /** Writes everything queued so far; only the writer thread calls it, so lines keep their order. */
    private void drainLocked() {
        for (LogRecord r = queue.poll(); r != null; r = queue.poll()) {
            size.decrementAndGet();
            write(r);
            for (Handler h : downstream) {
                h.publish(r);
            }
        }
        long lost = dropped.getAndSet(0);
        try {
            if (lost > 0) {
                out.write(lost + " log lines dropped: the log writer could not keep up\n");
            }
            out.flush();
        } catch (IOException e) {
            reportError("log write failed", e, java.util.logging.ErrorManager.FLUSH_FAILURE);
        }
    }

    private void write(LogRecord r) {
        try {
            out.write(getFormatter().format(r));
        } catch (IOException | RuntimeException e) {
            reportError("log write failed", e, java.util.logging.ErrorManager.WRITE_FAILURE);
        } finally {
            written.incrementAndGet();
        }
    }

    /** Waits (up to two seconds) until the writer thread has written what was queued before this call. */
    @Override
    public void flush() {
        long target = queued.get();
        LockSupport.unpark(writer);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (written.get() < target && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        writing.lock();
        try {
            out.flush();
        } catch (IOException e) {
            reportError("log flush failed", e, java.util.logging.ErrorManager.FLUSH_FAILURE);
        } finally {
            writing.unlock();
        }
    }

    @Override
    public void close() {
        flush();
    }

    /** The same one-line layout as logging.properties gives the console, without String.format's cost. */
    static final class LineFormatter extends Formatter {
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

        @Override
        public String format(LogRecord r) {
            String level = r.getLevel().getName();
            StringBuilder sb = new StringBuilder(160).append(TIME.format(r.getInstant())).append(' ').append(level);
            for (int i = level.length(); i < 8; i++) {
                sb.append(' ');
            }
            return sb.append(r.getLoggerName()).append(' ').append(formatMessage(r)).append('\n').toString();
        }
    }
}
