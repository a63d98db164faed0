package dev.spacegate.server.manager.usage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import dev.spacegate.persistence.usage.UsageStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v0/management/monitoring/stream}: server-sent events telling the monitoring page that new usage events
 * were stored ({@code data: {"new":N}}), checked once a second with an index-only {@code MAX(id)}; a comment line
 * every 15 s keeps proxies from closing the connection. A stream ends after five minutes (the panel reconnects), when
 * the client goes away, or when the server closes.
 */
public final class LiveTail {
    static final long STREAM_MS = 5 * 60_000L;
    private static final long TICK_MS = 1000;
    private static final long KEEPALIVE_MS = 15_000;

    private final UsageStore usage;
    private volatile boolean closed;

    public LiveTail(UsageStore usage) {
        this.usage = usage;
    }

    /** Streams until the time limit, a write failure (client gone) or {@link #close()}. */
    public void stream(ServerResponse res) throws IOException {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header("X-Accel-Buffering", "no");
        long end = System.currentTimeMillis() + STREAM_MS;
        long last = usage.maxEventId();
        long quietSince = System.currentTimeMillis();
        try (OutputStream out = res.outputStream()) {
            write(out, ": connected\n\n");
            while (!closed && System.currentTimeMillis() < end) {
                Thread.sleep(TICK_MS);
                long max = usage.maxEventId();
                if (max > last) {
                    write(out, "event: usage\ndata: {\"new\":" + (max - last) + "}\n\n");
                    last = max;
                    quietSince = System.currentTimeMillis();
                } else if (System.currentTimeMillis() - quietSince >= KEEPALIVE_MS) {
                    write(out, ": keep-alive\n\n");
                    quietSince = System.currentTimeMillis();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Ends every open stream within a second. */
    public void close() {
        closed = true;
    }
}
