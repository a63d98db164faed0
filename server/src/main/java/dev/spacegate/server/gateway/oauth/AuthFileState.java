package dev.spacegate.server.gateway.oauth;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** One auth file as the server holds it at run time: the current file, its status and its request counters. */
final class AuthFileState {
    /** Ten-minute buckets of recent requests, as CLIProxyAPI's {@code recent_requests} (20 of them). */
    static final int BUCKETS = 20;
    static final long BUCKET_MS = 10 * 60 * 1000L;

    final String name;
    volatile AuthFile file;
    /** Null when the stored bytes are not a usable auth file. */
    volatile String invalid;
    volatile String status = "active";
    volatile String statusMessage = "";
    volatile boolean needsLogin;
    volatile Instant nextRefreshAttempt = Instant.EPOCH;
    /** Vertex: the access token minted from the service account (memory only). */
    volatile ServiceAccountToken.Minted minted;
    volatile long size;
    volatile Instant modified = Instant.EPOCH;
    final AtomicLong success = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    private final long[][] recent = new long[BUCKETS][3];

    AuthFileState(String name) {
        this.name = name;
    }

    /** Whether its credential may serve requests and be refreshed: readable, enabled, not waiting for a login. */
    boolean usable() {
        AuthFile f = file;
        return f != null && invalid == null && !f.disabled() && !needsLogin;
    }

    /** Usable again: no error, and the next refresh may be tried at once. */
    void markActive() {
        status = "active";
        statusMessage = "";
        nextRefreshAttempt = Instant.EPOCH;
    }

    /** Set aside until a new login replaces the rejected refresh token. */
    void setAside(String message) {
        needsLogin = true;
        status = "error";
        statusMessage = message;
    }

    /** The stored bytes are not a usable auth file (or could not be read). */
    void markInvalid(String message) {
        invalid = message;
        status = "error";
        statusMessage = message;
    }

    synchronized void count(long epochMs, boolean fail) {
        long bucket = epochMs / BUCKET_MS;
        long[] b = recent[(int) (bucket % BUCKETS)];
        if (b[0] != bucket) {
            b[0] = bucket;
            b[1] = 0;
            b[2] = 0;
        }
        b[fail ? 2 : 1]++;
        (fail ? failed : success).incrementAndGet();
    }

    /** The last 20 buckets, oldest first: {@code {startMs, success, failed}}. */
    synchronized long[][] recent(long nowMs) {
        long current = nowMs / BUCKET_MS;
        long[][] out = new long[BUCKETS][3];
        for (int i = 0; i < BUCKETS; i++) {
            long bucket = current - (BUCKETS - 1 - i);
            long[] b = recent[(int) (bucket % BUCKETS)];
            out[i][0] = bucket * BUCKET_MS;
            if (b[0] == bucket) {
                out[i][1] = b[1];
                out[i][2] = b[2];
            }
        }
        return out;
    }
}
