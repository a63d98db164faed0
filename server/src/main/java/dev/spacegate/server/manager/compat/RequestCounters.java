package dev.spacegate.server.manager.compat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Success and failure counts per credential ({@code auth_index}) with CLIProxyAPI's twenty ten-minute
 * {@code recent_requests} buckets, fed from the usage records as they are stored (for
 * {@code GET /v0/management/api-key-usage}). Counts start at zero with each process, as in CLIProxyAPI.
 */
public final class RequestCounters {
    static final int BUCKETS = 20;
    static final long BUCKET_MS = 10 * 60 * 1000L;
    private static final DateTimeFormatter HHMM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private static final class Counter {
        long success;
        long failed;
        final long[][] recent = new long[BUCKETS][3];

        synchronized void count(long epochMs, boolean fail) {
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
    }

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /** Counts stored usage records ({@code auth_index}, {@code failed}, {@code timestamp}). */
    public void accept(List<ObjectNode> records) {
        for (ObjectNode r : records) {
            String index = r.path("auth_index").asText("");
            if (index.isEmpty()) {
                continue;
            }
            long at;
            try {
                at = Instant.parse(r.path("timestamp").asText()).toEpochMilli();
            } catch (RuntimeException e) {
                at = System.currentTimeMillis();
            }
            counters.computeIfAbsent(index, k -> new Counter()).count(at, r.path("failed").asBoolean(false));
        }
    }

    /** Adds {@code more}'s counts into {@code into} (both from {@link #entry}). */
    static void merge(ObjectNode into, ObjectNode more) {
        into.put("success", into.path("success").asLong() + more.path("success").asLong());
        into.put("failed", into.path("failed").asLong() + more.path("failed").asLong());
        for (int i = 0; i < BUCKETS; i++) {
            ObjectNode b = (ObjectNode) into.path("recent_requests").get(i);
            JsonNode m = more.path("recent_requests").get(i);
            b.put("success", b.path("success").asLong() + m.path("success").asLong());
            b.put("failed", b.path("failed").asLong() + m.path("failed").asLong());
        }
    }

    /** {@code {success, failed, recent_requests:[{time:"HH:MM-HH:MM", success, failed}] x 20}} of one credential. */
    ObjectNode entry(String authIndex, long nowMs) {
        Counter c = counters.get(authIndex);
        ObjectNode o = dev.spacegate.server.web.Json.MAPPER.createObjectNode();
        ArrayNode recent;
        if (c == null) {
            o.put("success", 0).put("failed", 0);
            recent = o.putArray("recent_requests");
        } else {
            synchronized (c) {
                o.put("success", c.success).put("failed", c.failed);
            }
            recent = o.putArray("recent_requests");
        }
        long current = nowMs / BUCKET_MS;
        for (int i = 0; i < BUCKETS; i++) {
            long bucket = current - (BUCKETS - 1 - i);
            long ok = 0;
            long bad = 0;
            if (c != null) {
                synchronized (c) {
                    long[] b = c.recent[(int) (bucket % BUCKETS)];
                    if (b[0] == bucket) {
                        ok = b[1];
                        bad = b[2];
                    }
                }
            }
            long start = bucket * BUCKET_MS;
            recent.addObject().put("time", HHMM.format(Instant.ofEpochMilli(start)) + "-"
                    + HHMM.format(Instant.ofEpochMilli(start + BUCKET_MS))).put("success", ok).put("failed", bad);
        }
        return o;
    }
}
