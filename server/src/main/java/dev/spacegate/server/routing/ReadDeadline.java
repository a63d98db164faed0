package dev.spacegate.server.routing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the time a request body may take to arrive, counted from when the request was routed: a client that
 * trickles or stalls its body is cut off (408) instead of holding a connection and a thread. The web server has no
 * socket read timeout of its own; a read still blocked at the deadline is interrupted by a sweeper, which closes
 * that connection's socket (a virtual thread blocked on a socket closes it when interrupted).
 */
public final class ReadDeadline extends FilterInputStream {

    /** Thrown from {@code read} once the deadline passed; the router turns it into a 408. */
    public static final class TimeoutException extends RuntimeException {
        public TimeoutException(Duration limit) {
            super("the request body did not arrive within " + limit.toSeconds() + " s");
        }
    }

    private static final Set<ReadDeadline> BLOCKED = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spacegate-read-deadline");
        t.setDaemon(true);
        return t;
    });

    static {
        SWEEPER.scheduleWithFixedDelay(ReadDeadline::sweep, 1, 1, TimeUnit.SECONDS);
    }

    private final Duration limit;
    private final long deadlineNanos;
    private Thread reader;
    private boolean expired;

    public ReadDeadline(InputStream in, Duration limit) {
        super(in);
        this.limit = limit;
        this.deadlineNanos = System.nanoTime() + limit.toNanos();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new TimeoutException(limit);
        }
        synchronized (this) {
            reader = Thread.currentThread();
        }
        BLOCKED.add(this);
        try {
            return super.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            if (timedOut()) {
                throw new TimeoutException(limit);
            }
            throw e;
        } finally {
            BLOCKED.remove(this);
            synchronized (this) {
                reader = null;
                if (expired) {
                    Thread.interrupted(); // the sweeper's interrupt is consumed here, not by later work
                }
            }
        }
    }

    private synchronized boolean timedOut() {
        return expired;
    }

    /** Interrupts the reads that are past their deadline. */
    private static void sweep() {
        long now = System.nanoTime();
        for (ReadDeadline d : BLOCKED) {
            if (now - d.deadlineNanos > 0) {
                synchronized (d) {
                    if (d.reader != null && !d.expired) {
                        d.expired = true;
                        d.reader.interrupt();
                    }
                }
            }
        }
    }

    /** Finds a {@link TimeoutException} among the causes of a failure. */
    public static TimeoutException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException te) {
                return te;
            }
        }
        return null;
    }
}
