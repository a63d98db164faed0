package dev.spacegate.server.outbound;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends upstream reads that wait longer than their connection's read timeout, by closing the connection's socket.
 *
 * <p>Why not {@code SO_TIMEOUT}: a virtual thread blocked in a timed socket read parks with a timeout, and the
 * JDK schedules (and then cancels) a timer task for every such park: on the gateway's request path that was two
 * timer hand-offs per request and about 8 % of its CPU at 64 connections (async-profiler, issue #19). Here a read
 * costs two set operations; one platform thread looks at the reads in progress a few times a second.
 */
final class ReadWatchdog {
    private static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final ReadWatchdog INSTANCE = new ReadWatchdog();

    private final Set<Connection> reading = ConcurrentHashMap.newKeySet();
    /** The shortest timeout seen: the watchdog looks at least 8 times per such timeout. */
    private volatile long tickNanos = MAX_TICK_NANOS;
    private volatile Thread thread;

    private ReadWatchdog() {
    }

    static ReadWatchdog get() {
        return INSTANCE;
    }

    /** Called before a blocking read; {@link #end} must follow in a finally block. */
    void begin(Connection c) {
        reading.add(c);
        if (thread == null) {
            start();
        }
    }

    void end(Connection c) {
        reading.remove(c);
    }

    /** A connection with this timeout exists: look often enough to end its reads on time. */
    void timeout(long timeoutNanos) {
        if (timeoutNanos <= 0) {
            return;
        }
        long tick = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, timeoutNanos / 8));
        if (tick < tickNanos) {
            tickNanos = tick;
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    private synchronized void start() {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("upstream-read-watchdog").start(this::run);
        }
    }

    private void run() {
        while (true) {
            LockSupport.parkNanos(tickNanos);
            long now = System.nanoTime();
            for (Connection c : reading) {
                c.expireIfOverdue(now);
            }
        }
    }
}
