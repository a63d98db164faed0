package dev.spacegate.server.manager.compat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.server.gateway.usage.RequestTally;
import dev.spacegate.server.web.Json;

/**
 * Success and failure counts per credential ({@code auth_index}) with CLIProxyAPI's twenty ten-minute
 * {@code recent_requests} buckets, fed from the usage records as they are stored (for
 * {@code GET /v0/management/api-key-usage}). Counts start at zero with each process, as in CLIProxyAPI.
 */
public final class RequestCounters {
    private final Map<String, RequestTally> counters = new ConcurrentHashMap<>();

    /** Counts stored usage records by credential, start time and outcome (those without a credential are not). */
    public void accept(List<UsageEvent> records) {
        for (UsageEvent r : records) {
            if (r.authIndex() != null) {
                counters.computeIfAbsent(r.authIndex(), k -> new RequestTally()).count(r.timestampMs(), r.failed());
            }
        }
    }

    /** Adds {@code more}'s counts into {@code into} (both from {@link #entry}). */
    static void merge(ObjectNode into, ObjectNode more) {
        into.put("success", into.path("success").asLong() + more.path("success").asLong());
        into.put("failed", into.path("failed").asLong() + more.path("failed").asLong());
        for (int i = 0; i < into.path("recent_requests").size(); i++) {
            ObjectNode b = (ObjectNode) into.path("recent_requests").get(i);
            JsonNode m = more.path("recent_requests").get(i);
            b.put("success", b.path("success").asLong() + m.path("success").asLong());
            b.put("failed", b.path("failed").asLong() + m.path("failed").asLong());
        }
    }

    /** {@code {success, failed, recent_requests:[{time:"HH:MM-HH:MM", success, failed}] x 20}} of one credential. */
    ObjectNode entry(String authIndex, long nowMs) {
        return counters.getOrDefault(authIndex, new RequestTally()).writeTo(Json.MAPPER.createObjectNode(), nowMs);
    }
}
