package dev.spacegate.server.manager.usage;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spacegate.persistence.usage.EventDimension;
import dev.spacegate.persistence.usage.EventGroup;
import dev.spacegate.persistence.usage.UsageFilter;
import dev.spacegate.server.manager.ApiError;

/**
 * A {@code POST /v0/management/monitoring/analytics} body, read and checked: the window, the filters (one value
 * goes to SQL, several are applied to the groups), the bucket size and the blocks to answer.
 *
 * @param filter     the window and the single-value filters, for the database
 * @param filterDims the dimensions the groups need so {@code keep} can apply the other filters
 * @param keep       the filters the database does not apply
 * @param include    the body's {@code include} object (or a missing node)
 */
record AnalyticsRequest(long from, long to, UsageFilter filter, Set<EventDimension> filterDims,
                        Predicate<EventGroup> keep, String granularity, List<String> blocks, JsonNode include) {
    private static final long HOUR_MS = 3_600_000L;

    /** The blocks the endpoint can return; all when {@code include} is absent. */
    private static final List<String> BLOCKS = List.of("summary", "timeline", "model_stats", "provider_stats",
            "credential_stats", "api_key_stats", "failure_sources");

    static AnalyticsRequest parse(JsonNode body) {
        long from = body.path("from_ms").asLong(0);
        long to = body.path("to_ms").asLong(0);
        if (from <= 0 || to <= 0 || from >= to) {
            throw new ApiError.Failure(400, "invalid_request", "from_ms and to_ms are required and from_ms < to_ms");
        }
        JsonNode filters = body.path("filters");
        Map<EventDimension, Set<String>> wanted = new LinkedHashMap<>();
        addFilter(wanted, filters, "models", EventDimension.MODEL);
        addFilter(wanted, filters, "providers", EventDimension.PROVIDER);
        addFilter(wanted, filters, "auth_indices", EventDimension.AUTH_INDEX);
        addFilter(wanted, filters, "api_key_hashes", EventDimension.API_KEY);
        boolean failedOnly = filters.path("failed_only").asBoolean(false);
        boolean includeFailed = filters.path("include_failed").asBoolean(true);
        UsageFilter filter = sqlFilter(UsageFilter.between(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)),
                wanted);
        Set<EventDimension> filterDims = EnumSet.noneOf(EventDimension.class);
        wanted.forEach((d, v) -> {
            if (v.size() > 1) {
                filterDims.add(d);
            }
        });
        if (failedOnly || !includeFailed) {
            filterDims.add(EventDimension.FAIL_STATUS);
        }
        String granularity = body.path("include").path("granularity").asText(
                body.path("granularity").asText(to - from <= 24 * HOUR_MS ? "hour" : "day"));
        if (!granularity.equals("hour") && !granularity.equals("day")) {
            throw new ApiError.Failure(400, "invalid_request", "granularity must be hour or day");
        }
        JsonNode include = body.path("include");
        List<String> blocks = BLOCKS.stream().filter(b -> !include.isObject() || include.path(b).asBoolean(false))
                .toList();
        return new AnalyticsRequest(from, to, filter, filterDims,
                keep(filterDims, wanted, failedOnly, includeFailed), granularity, blocks, include);
    }

    /** The timeline's bucket. */
    EventDimension bucket() {
        return granularity.equals("hour") ? EventDimension.HOUR : EventDimension.DAY;
    }

    /** The dimensions one block's aggregate groups by. */
    Set<EventDimension> dims(String block) {
        Set<EventDimension> dims = EnumSet.copyOf(filterDims.isEmpty() ? EnumSet.of(EventDimension.MODEL)
                : filterDims);
        switch (block) {
            case "timeline" -> dims.add(bucket());
            case "credential_stats" -> {
                dims.add(EventDimension.AUTH_INDEX);
                dims.add(EventDimension.AUTH_ID);
            }
            case "api_key_stats" -> dims.add(EventDimension.API_KEY);
            case "failure_sources" -> dims.add(EventDimension.FAIL_STATUS);
            default -> { }
        }
        return dims;
    }

    /** A single value goes to SQL (index use); several are filtered on the groups. */
    private static UsageFilter sqlFilter(UsageFilter filter, Map<EventDimension, Set<String>> wanted) {
        for (Map.Entry<EventDimension, Set<String>> w : wanted.entrySet()) {
            if (w.getValue().size() == 1) {
                String v = w.getValue().iterator().next();
                filter = switch (w.getKey()) {
                    case MODEL -> filter.withModel(v);
                    case PROVIDER -> filter.withProvider(v);
                    case AUTH_INDEX -> filter.withAuthIndex(v);
                    default -> filter.withApiKeyHash(v);
                };
            }
        }
        return filter;
    }

    private static Predicate<EventGroup> keep(Set<EventDimension> filterDims, Map<EventDimension, Set<String>> wanted,
                                              boolean failedOnly, boolean includeFailed) {
        return g -> {
            for (EventDimension d : filterDims) {
                if (d == EventDimension.FAIL_STATUS) {
                    boolean failed = !g.key(d).isEmpty();
                    if ((failedOnly && !failed) || (!includeFailed && failed)) {
                        return false;
                    }
                } else if (!wanted.get(d).contains(g.key(d))) {
                    return false;
                }
            }
            return true;
        };
    }

    private static void addFilter(Map<EventDimension, Set<String>> wanted, JsonNode filters, String field,
                                  EventDimension d) {
        JsonNode v = filters.path(field);
        if (v.isArray() && !v.isEmpty()) {
            Set<String> values = new HashSet<>();
            v.forEach(n -> values.add(n.asText()));
            wanted.put(d, values);
        }
    }
}
