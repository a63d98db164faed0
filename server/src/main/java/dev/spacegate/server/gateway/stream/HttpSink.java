package dev.spacegate.server.gateway.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * The HTTP client side of one request: a plain response, or an SSE stream flushed event by event with
 * {@code : keep-alive} comments whenever it has been quiet for the keep-alive interval (blank lines ahead of
 * a JSON answer for non-stream requests, when that keep-alive is on).
 */
public final class HttpSink implements ClientSink {
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BLANK_LINE = "\n".getBytes(StandardCharsets.US_ASCII);
    public static final String OVERHEAD_HEADER = "x-spacegate-overhead-ms";

    private final ServerResponse res;
    private volatile Duration interval = Duration.ZERO;
    private volatile boolean sse = true;
    private final ScheduledExecutorService timer;
    private final Consumer<ServerResponse> commonHeaders;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile OutputStream out;
    private volatile boolean gone;
    private volatile long lastWrite = System.nanoTime();
    private volatile Runnable onGone = () -> { };
    private volatile ScheduledFuture<?> tick;
    private volatile boolean sent;
    private volatile boolean finished;

    /**
     * @param commonHeaders applied to every response before it is committed (CORS, request id)
     */
    public HttpSink(ServerResponse res, ScheduledExecutorService timer, Consumer<ServerResponse> commonHeaders) {
        this.res = res;
        this.timer = timer;
        this.commonHeaders = commonHeaders;
    }

    @Override
    public void full(int status, String contentType, byte[] body, Map<String, String> headers, long overheadMs)
            throws IOException {
        lock.lock();
        try {
            stopKeepAlive();
            finished = out == null;
            if (out != null) {
                // a keep-alive already sent the headers: the answer can only follow as body bytes
                write(body, 0, body.length);
                close();
                return;
            }
            commonHeaders.accept(res);
            res.status(Status.create(status));
            res.header(HeaderNames.CONTENT_TYPE, contentType);
            headers.forEach(res::header);
            res.header(OVERHEAD_HEADER, Long.toString(overheadMs));
            sent = true;
            try {
                res.send(body);
            } catch (UncheckedIOException e) {
                gone = true;
                throw new ClientGoneException();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void open(long overheadMs, Map<String, String> headers) throws IOException {
        lock.lock();
        try {
            if (out == null) {
                headers.forEach(res::header);
                commitStream(true, overheadMs);
            }
        } finally {
            lock.unlock();
        }
    }

    private void commitStream(boolean eventStream, long overheadMs) throws IOException {
        commonHeaders.accept(res);
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, eventStream ? "text/event-stream" : "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("X-Accel-Buffering", "no");
        res.header(OVERHEAD_HEADER, Long.toString(overheadMs));
        sent = true;
        try {
            out = res.outputStream();
            out.flush();
        } catch (IOException | UncheckedIOException e) {
            gone = true;
            throw new ClientGoneException();
        }
        lastWrite = System.nanoTime();
    }

    @Override
    public boolean committed() {
        return sent;
    }

    @Override
    public void event(byte[] buf, int off, int len) throws IOException {
        lock.lock();
        try {
            write(buf, off, len);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void raw(byte[] buf, int off, int len) throws IOException {
        event(buf, off, len);
    }

    private void write(byte[] buf, int off, int len) throws IOException {
        if (gone) {
            throw new ClientGoneException();
        }
        try {
            out.write(buf, off, len);
            out.flush();
            lastWrite = System.nanoTime();
        } catch (IOException | UncheckedIOException e) {
            gone = true;
            stopKeepAlive();
            abandon();
            throw new ClientGoneException();
        }
    }

    /** Marks the response finished after the client left, so the server does not try to complete it again. */
    private void abandon() {
        try {
            out.close();
        } catch (IOException | RuntimeException ignored) {
            // the socket is gone; closing only settles the response state
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            finished = true;
            stopKeepAlive();
            if (out != null && !gone) {
                try {
                    out.close();
                } catch (IOException | UncheckedIOException e) {
                    gone = true;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onGone(Runnable action) {
        this.onGone = action;
        if (gone) {
            action.run();
        }
    }

    @Override
    public void keepAlive(boolean sse, Duration interval) {
        if (interval.isZero() || tick != null) {
            return;
        }
        this.sse = sse;
        this.interval = interval;
        long period = Math.max(50, interval.toMillis() / 3);
        tick = timer.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastWrite >= interval.toNanos() && !gone) {
                // writes may block on a slow client: never on the shared timer thread
                Thread.startVirtualThread(this::sendKeepAlive);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    private void sendKeepAlive() {
        if (!lock.tryLock()) {
            return;
        }
        try {
            // a tick that fired just before the answer went out must not touch the finished response
            if (gone || finished || (sent && out == null) || System.nanoTime() - lastWrite < interval.toNanos()) {
                return;
            }
            if (out == null) {
                commitStream(sse, -1);
            }
            byte[] ping = sse ? KEEP_ALIVE : BLANK_LINE;
            write(ping, 0, ping.length);
        } catch (IOException | RuntimeException e) {
            stopKeepAlive();
            onGone.run();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the keep-alive timer whatever happened (called once the request is over). */
    public void release() {
        finished = true;
        stopKeepAlive();
    }

    private void stopKeepAlive() {
        if (tick != null) {
            tick.cancel(false);
        }
    }
}
