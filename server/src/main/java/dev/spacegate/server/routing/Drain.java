package dev.spacegate.server.routing;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Counts requests in flight so a shutdown can wait for exactly those (streams included) instead of for every
 * idle keep-alive connection; once draining, new requests get a 503 with {@code Connection: close}.
 */
public final class Drain implements Filter {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object lock = new Object();
    private volatile boolean draining;

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (draining) {
            res.header(HeaderNames.CONNECTION, "close");
            ErrorFamily.OPENAI.send(res, ClientError.of(503, "shutting_down", "the server is shutting down"));
            return;
        }
        inFlight.incrementAndGet();
        try {
            chain.proceed();
        } finally {
            if (inFlight.decrementAndGet() == 0 && draining) {
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        }
    }

    /** Refuses new requests and waits until none is in flight or the grace period is over; true if drained. */
    public boolean drain(Duration grace) {
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (lock) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    public int inFlight() {
        return inFlight.get();
    }
}
