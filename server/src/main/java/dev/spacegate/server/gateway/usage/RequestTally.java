package dev.spacegate.server.gateway.usage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Success and failure counts of one credential with CLIProxyAPI's twenty ten-minute {@code recent_requests} buckets,
 * as the auth-files list and {@code api-key-usage} show them.
 */
public final class RequestTally {
    static final int BUCKETS = 20;
    static final long BUCKET_MS = 10 * 60 * 1000L;
    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private long success;
    private long failed;
    /** Per slot: {@code {bucket number, success, failed}}; a slot holding an older bucket counts as empty. */
    private final long[][] recent = new long[BUCKETS][3];

    /** Counts one request at {@code epochMs}. */
    public synchronized void count(long epochMs, boolean fail) {
        long bucket = epochMs / BUCKET_MS;
        long[] b = recent[(int) (bucket % BUCKETS)];
        if (b[0] != bucket) {
            b[0] = bucket;
            b[1] = 0;
            b[2] = 0;
        }
        b[fail ? 2 : 1]++;
        if (fail) {
            failed++;
        } else {
            success++;
        }
    }

    /**
     * Adds {@code success, failed, recent_requests:[{time:"HH:MM-HH:MM", success, failed}] x 20} to {@code o}, the
     * last bucket being the one of {@code nowMs}; returns {@code o}.
     */
    public synchronized ObjectNode writeTo(ObjectNode o, long nowMs) {
        o.put("success", success).put("failed", failed);
        ArrayNode out = o.putArray("recent_requests");
        long current = nowMs / BUCKET_MS;
        for (int i = 0; i < BUCKETS; i++) {
            long bucket = current - (BUCKETS - 1 - i);
            long[] b = recent[(int) (bucket % BUCKETS)];
            boolean kept = b[0] == bucket;
            long start = bucket * BUCKET_MS;
            out.addObject().put("time", HHMM.format(Instant.ofEpochMilli(start)) + "-"
                    + HHMM.format(Instant.ofEpochMilli(start + BUCKET_MS)))
                    .put("success", kept ? b[1] : 0).put("failed", kept ? b[2] : 0);
        }
        return o;
    }
}
