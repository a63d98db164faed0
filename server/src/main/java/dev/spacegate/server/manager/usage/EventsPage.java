package dev.spacegate.server.manager.usage;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.usage.EventDimension;
import dev.spacegate.persistence.usage.EventGroup;
import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.persistence.usage.UsageFilter;
import dev.spacegate.persistence.usage.UsagePage;
import dev.spacegate.persistence.usage.UsageQuery;
import dev.spacegate.persistence.usage.UsageStore;
import dev.spacegate.persistence.usage.UsageTotals;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.manager.prices.CostRules;
import dev.spacegate.server.manager.prices.ModelPrice;
import dev.spacegate.server.manager.prices.PriceTable;
import dev.spacegate.server.web.Json;

/**
 * The {@code events_page} block of the analytics API: raw usage events newest first, one page at a time, with the
 * time range, filters and request-id search done in the database (keyset paging, never a whole range in memory).
 * Each row carries its display names (credential, client key alias) and its cost, or {@code null} when unpriced.
 */
public record EventsPage(UsageStore usage, PriceTable prices, Aliases aliases) {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    /**
     * One page for an analytics body: {@code from_ms}, {@code to_ms}, {@code filters} (single-valued
     * {@code models}, {@code providers}, {@code auth_indices}, {@code api_key_hashes}; {@code request_id} prefix;
     * {@code failed_only} / {@code include_failed}) and {@code include.events_page} ({@code limit}, {@code cursor}).
     */
    public ObjectNode page(JsonNode body, long from, long to) {
        JsonNode spec = body.path("include").path("events_page");
        int limit = spec.path("limit").asInt(DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ApiError.Failure(400, "invalid_request", "events_page.limit must be between 1 and " + MAX_LIMIT);
        }
        UsagePage page;
        try {
            page = usage.query(query(body.path("filters"), spec, from, to, limit));
        } catch (PersistenceException e) {
            if (e.code() == PersistenceException.Code.INVALID_CONTENT) {
                throw new ApiError.Failure(400, "invalid_cursor", "events_page.cursor is not one this server issued");
            }
            throw e;
        }
        Map<String, ModelPrice> table = prices.effective();
        List<Long> thresholds = PriceTable.thresholds(table);
        Map<String, Aliases.Alias> names = aliases.all();
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("items");
        for (UsageEvent e : page.events()) {
            Optional<ModelPrice> price = PriceTable.lookup(table, e.resolvedModel(), e.model());
            ObjectNode row = row(e, names.get(e.apiKeyHash()));
            if (price.isPresent()) {
                row.put("cost", Stats.round(CostRules.cost(groupOf(e, thresholds), price.get(), thresholds)));
            } else {
                row.putNull("cost");
            }
            items.add(row);
        }
        out.put("limit", limit);
        page.nextCursor().ifPresentOrElse(c -> out.put("next_cursor", c), () -> out.putNull("next_cursor"));
        return out;
    }

    /** The page's query: the window, single-valued filters, request id prefix, failed or not, the cursor. */
    private static UsageQuery query(JsonNode filters, JsonNode spec, long from, long to, int limit) {
        UsageFilter filter = UsageFilter.between(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to));
        Optional<String> model = single(filters, "models");
        Optional<String> provider = single(filters, "providers");
        Optional<String> auth = single(filters, "auth_indices");
        Optional<String> key = single(filters, "api_key_hashes");
        if (model.isPresent()) {
            filter = filter.withModel(model.get());
        }
        if (provider.isPresent()) {
            filter = filter.withProvider(provider.get());
        }
        if (auth.isPresent()) {
            filter = filter.withAuthIndex(auth.get());
        }
        if (key.isPresent()) {
            filter = filter.withApiKeyHash(key.get());
        }
        UsageQuery q = UsageQuery.first(filter, limit);
        String requestId = filters.path("request_id").asText("").trim();
        if (!requestId.isEmpty()) {
            q = q.withRequestId(requestId);
        }
        if (filters.path("failed_only").asBoolean(false)) {
            q = q.withFailed(true);
        } else if (!filters.path("include_failed").asBoolean(true)) {
            q = q.withFailed(false);
        }
        String cursor = spec.path("cursor").asText("");
        return cursor.isEmpty() ? q : q.after(cursor);
    }

    private static Optional<String> single(JsonNode filters, String field) {
        JsonNode v = filters.path(field);
        if (!v.isArray() || v.isEmpty()) {
            return Optional.empty();
        }
        if (v.size() > 1) {
            throw new ApiError.Failure(400, "invalid_request", "events_page takes one value in filters." + field);
        }
        return Optional.of(v.get(0).asText());
    }

    /** The event as a monitoring row (secrets were never stored: the source and client key are masked). */
    static ObjectNode row(UsageEvent e, Aliases.Alias alias) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("timestamp_ms", e.timestampMs()).put("request_id", nz(e.requestId())).put("model", e.model())
                .put("requested_model", nz(e.requestedModel())).put("resolved_model", nz(e.resolvedModel()))
                .put("provider", nz(e.provider())).put("executor_type", nz(e.executorType()))
                .put("endpoint", nz(e.endpoint())).put("auth_type", nz(e.authType()))
                .put("auth_index", nz(e.authIndex())).put("auth_id", nz(e.authId()))
                .put("auth_label", nz(e.authLabel())).put("source", nz(e.source()))
                .put("credential_name", credentialName(e.provider(), e.authLabel(), e.authId(), e.source()))
                .put("api_key_hash", nz(e.apiKeyHash())).put("api_key_masked", nz(e.apiKeyMasked()))
                .put("api_key_alias", alias == null ? "" : alias.alias())
                .put("input_tokens", e.inputTokens()).put("output_tokens", e.outputTokens())
                .put("reasoning_tokens", e.reasoningTokens()).put("cached_tokens", e.cachedTokens())
                .put("cache_read_tokens", e.cacheReadTokens()).put("cache_creation_tokens", e.cacheCreationTokens())
                .put("total_tokens", e.totalTokens()).put("failed", e.failed())
                .put("fail_summary", e.failed() ? nz(e.failSummary()) : "")
                .put("reasoning_effort", nz(e.reasoningEffort())).put("service_tier", nz(e.serviceTier()));
        putOrNull(o, "latency_ms", e.latencyMs());
        putOrNull(o, "ttft_ms", e.ttftMs() == null || e.ttftMs() <= 0 ? null : e.ttftMs());
        putOrNull(o, "fail_status_code", e.failStatusCode() == null ? null : e.failStatusCode().longValue());
        return o;
    }

    /**
     * What an operator calls a credential: the auth file's label (its account's e-mail) or name for OAuth, else the
     * provider entry and its masked key (never the raw index hash).
     */
    static String credentialName(String provider, String label, String authId, String source) {
        if (!nz(label).isBlank()) {
            return label;
        }
        if (!nz(authId).isBlank()) {
            return authId;
        }
        String masked = nz(source).startsWith("m:") ? source.substring(2) : nz(source);
        return (nz(provider) + " " + masked).trim();
    }

    /** A one-event group, summed the way the store's SQL aggregate does, so one request prices like a group. */
    static EventGroup groupOf(UsageEvent e, List<Long> thresholds) {
        long extraCached = Math.max(0, e.cachedTokens() - e.cacheReadTokens() - e.cacheCreationTokens());
        long uncached = Math.max(0, e.inputTokens() - extraCached - e.cacheReadTokens() - e.cacheCreationTokens());
        long withCache = e.inputTokens() + extraCached + e.cacheReadTokens() + e.cacheCreationTokens();
        Map<EventDimension, String> keys = new EnumMap<>(EventDimension.class);
        keys.put(EventDimension.MODEL, e.model());
        keys.put(EventDimension.RESOLVED_MODEL, nz(e.resolvedModel()));
        keys.put(EventDimension.PROVIDER, nz(e.provider()));
        keys.put(EventDimension.EXECUTOR, nz(e.executorType()));
        long[] none = new long[UsageTotals.BUCKETS];
        return new EventGroup(keys, band(e.inputTokens(), thresholds), band(withCache, thresholds), 1,
                e.failed() ? 1 : 0, e.inputTokens(), e.outputTokens(), e.reasoningTokens(), e.cachedTokens(),
                e.cacheReadTokens(), e.cacheCreationTokens(), e.totalTokens(), extraCached, uncached, 0, 0, none,
                0, 0, none);
    }

    private static int band(long value, List<Long> thresholds) {
        return (int) thresholds.stream().distinct().filter(t -> value > t).count();
    }

    private static void putOrNull(ObjectNode o, String field, Long v) {
        if (v == null) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
