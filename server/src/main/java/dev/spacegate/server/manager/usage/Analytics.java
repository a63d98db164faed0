package dev.spacegate.server.manager.usage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.usage.EventDimension;
import dev.spacegate.persistence.usage.EventGroup;
import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.persistence.usage.UsageFilter;
import dev.spacegate.persistence.usage.UsageQuery;
import dev.spacegate.persistence.usage.UsageStore;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.manager.prices.CostRules;
import dev.spacegate.server.manager.prices.ModelPrice;
import dev.spacegate.server.manager.prices.PriceTable;
import dev.spacegate.server.web.Json;

/**
 * Dashboard and analytics straight from the usage store: one SQL aggregate per breakdown (run in parallel), priced
 * per group with the current price table, so nothing depends on a lossy queue or a separate rollup worker.
 */
public final class Analytics {
    /** Dimensions every priced aggregate needs (price lookup and cache mode). */
    private static final Set<EventDimension> PRICING = EnumSet.of(EventDimension.MODEL, EventDimension.RESOLVED_MODEL,
            EventDimension.PROVIDER);

    private final UsageStore usage;
    private final HourlyGroups hourly;
    private final PriceTable prices;
    private final Aliases aliases;
    private final EventsPage events;

    public Analytics(UsageStore usage, HourlyGroups hourly, PriceTable prices, Aliases aliases) {
        this.usage = usage;
        this.hourly = hourly;
        this.prices = prices;
        this.aliases = aliases;
        this.events = new EventsPage(usage, prices, aliases);
    }

    /** Groups of one breakdown with their cost. */
    private record Priced(EventGroup group, double cost, boolean hasPrice) {
    }

    /** The price table and thresholds of one request (read once; prices may change between requests). */
    private final class Pricing {
        final Map<String, ModelPrice> table = prices.effective();
        final List<Long> thresholds = PriceTable.thresholds(table);
        /** Concurrent: the blocks of one analytics request are aggregated in parallel. */
        final Map<String, Optional<ModelPrice>> memo = new java.util.concurrent.ConcurrentHashMap<>();

        Optional<ModelPrice> price(EventGroup g) {
            String resolved = g.key(EventDimension.RESOLVED_MODEL);
            String model = g.key(EventDimension.MODEL);
            return memo.computeIfAbsent(resolved + "\u0000" + model, k -> PriceTable.lookup(table, resolved, model));
        }
    }

    private List<Priced> priced(Pricing pricing, UsageFilter filter, Set<EventDimension> extra,
                                Predicate<EventGroup> keep) {
        Set<EventDimension> dims = EnumSet.copyOf(PRICING);
        dims.addAll(extra);
        List<Priced> out = new ArrayList<>();
        for (EventGroup g : hourly.groups(filter, dims, pricing.thresholds)) {
            if (keep.test(g)) {
                Optional<ModelPrice> p = pricing.price(g);
                out.add(new Priced(g, CostRules.cost(g, p.orElse(null), pricing.thresholds), p.isPresent()));
            }
        }
        return out;
    }

    /** Merges priced groups by a key into stats, keeping first-seen order of keys sorted by the key text. */
    private static Map<String, Stats> by(List<Priced> groups, Function<EventGroup, String> key) {
        Map<String, Stats> out = new TreeMap<>();
        for (Priced p : groups) {
            out.computeIfAbsent(key.apply(p.group()), k -> new Stats()).add(p.group(), p.cost(), p.hasPrice());
        }
        return out;
    }

    private static Stats total(List<Priced> groups) {
        Stats s = new Stats();
        groups.forEach(p -> s.add(p.group(), p.cost(), p.hasPrice()));
        return s;
    }

    // --- dashboard -----------------------------------------------------------------------------------------

    /** {@code GET /v0/management/dashboard/summary}: today's figures, the last 30 minutes and recent failures. */
    public ObjectNode dashboard(long todayStartMs, long nowMs, int topModels, int recentFailures,
                                ExecutorService pool) {
        if (todayStartMs <= 0) {
            throw new ApiError.Failure(400, "invalid_request", "today_start_ms is required (epoch ms of local midnight)");
        }
        if (nowMs <= todayStartMs) {
            throw new ApiError.Failure(400, "invalid_request", "now_ms must be after today_start_ms");
        }
        Pricing pricing = new Pricing();
        UsageFilter today = UsageFilter.between(Instant.ofEpochMilli(todayStartMs), Instant.ofEpochMilli(nowMs + 1));
        long rollingFrom = Math.max(todayStartMs, nowMs - 30 * 60_000L);
        // the four reads are independent: run them side by side
        Future<List<Priced>> groupsF = pool.submit(() -> priced(pricing, today,
                EnumSet.of(EventDimension.AUTH_INDEX, EventDimension.FAIL_STATUS), g -> true));
        Future<List<EventGroup>> rollingF = pool.submit(() -> usage.aggregate(UsageFilter.between(
                Instant.ofEpochMilli(nowMs - 30 * 60_000L), Instant.ofEpochMilli(nowMs + 1)), Set.of(), List.of()));
        Future<List<EventGroup>> byHourF = pool.submit(() -> hourly.groups(today,
                EnumSet.of(EventDimension.HOUR, EventDimension.FAIL_STATUS), pricing.thresholds));
        java.util.concurrent.atomic.AtomicBoolean noFailures = new java.util.concurrent.atomic.AtomicBoolean();
        Future<ArrayNode> failuresF = pool.submit(() -> recentFailures(today, recentFailures, noFailures::get));
        List<Priced> groups = await(groupsF);
        List<EventGroup> rolling = await(rollingF);
        List<EventGroup> byHour = await(byHourF);

        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("generated_at_ms", System.currentTimeMillis());
        out.putObject("window").put("today_start_ms", todayStartMs).put("now_ms", nowMs)
                .put("rolling_30m_start_ms", nowMs - 30 * 60_000L);
        Stats all = total(groups);
        all.write(out.putObject("today")).put("zero_token_calls", zeroTokenCalls(groups));
        rolling30m(out, rolling, nowMs - rollingFrom);
        modelRanks(out, by(groups, g -> g.key(EventDimension.MODEL)), all, topModels);
        trafficTimeline(out, byHour, all);
        tokenMix(out, all);
        channelHealth(out, groups, new DisplayNames(usage, today));
        out.set("failure_sources", failuresByStatus(groups));
        if (all.failures == 0) {
            noFailures.set(true); // nothing to find: stop paging through raw events
            out.putArray("recent_failures");
        } else {
            out.set("recent_failures", await(failuresF));
        }
        return out;
    }

    private static void rolling30m(ObjectNode out, List<EventGroup> rolling, long spanMs) {
        long rollCalls = rolling.stream().mapToLong(EventGroup::calls).sum();
        long rollTokens = rolling.stream().mapToLong(EventGroup::totalTokens).sum();
        double minutes = Math.max(1, spanMs / 60_000.0);
        out.putObject("rolling_30m").put("rpm", Stats.round(rollCalls / 30.0)).put("tpm", Stats.round(rollTokens / 30.0))
                .put("total_calls", rollCalls).put("total_tokens", rollTokens).put("minutes", Stats.round(minutes));
    }

    /** Today's models by calls (the top ones) and by cost (all, with their share). */
    private static void modelRanks(ObjectNode out, Map<String, Stats> models, Stats all, int topModels) {
        List<Map.Entry<String, Stats>> ranked = new ArrayList<>(models.entrySet());
        ranked.sort(Comparator.comparingLong((Map.Entry<String, Stats> e) -> e.getValue().calls).reversed()
                .thenComparing(Map.Entry::getKey));
        ArrayNode top = out.putArray("top_models_today");
        ranked.stream().limit(topModels).forEach(e -> top.addObject().put("model", e.getKey())
                .put("calls", e.getValue().calls).put("tokens", e.getValue().total)
                .put("cost", Stats.round(e.getValue().cost)).put("unpriced_calls", e.getValue().unpricedCalls)
                .put("success_rate", Stats.round((double) (e.getValue().calls - e.getValue().failures)
                        / Math.max(1, e.getValue().calls))));
        ranked.sort(Comparator.comparingDouble((Map.Entry<String, Stats> e) -> e.getValue().cost).reversed()
                .thenComparing(Map.Entry::getKey));
        ArrayNode costRank = out.putArray("model_cost_rank");
        ranked.forEach(e -> costRank.addObject().put("model", e.getKey()).put("calls", e.getValue().calls)
                .put("tokens", e.getValue().total).put("cost", Stats.round(e.getValue().cost))
                .put("unpriced_calls", e.getValue().unpricedCalls)
                .put("cost_share", all.cost == 0 ? 0 : Stats.round(e.getValue().cost / all.cost)));
    }

    private static void trafficTimeline(ObjectNode out, List<EventGroup> byHour, Stats all) {
        ArrayNode timeline = out.putArray("traffic_timeline");
        Map<Long, long[]> hours = new TreeMap<>();
        for (EventGroup g : byHour) {
            long[] h = hours.computeIfAbsent(Long.parseLong(g.key(EventDimension.HOUR)), k -> new long[3]);
            h[0] += g.calls();
            h[1] += g.totalTokens();
            h[2] += g.failures();
        }
        hours.forEach((bucket, h) -> timeline.addObject().put("bucket_ms", bucket).put("calls", h[0])
                .put("tokens", h[1]).put("success", h[0] - h[2]).put("failure", h[2])
                .put("calls_share", all.calls == 0 ? 0 : Stats.round((double) h[0] / all.calls))
                .put("tokens_share", all.total == 0 ? 0 : Stats.round((double) h[1] / all.total))
                .put("failure_rate", h[0] == 0 ? 0 : Stats.round((double) h[2] / h[0])));
    }

    private static void tokenMix(ObjectNode out, Stats all) {
        ArrayNode mix = out.putArray("token_mix");
        long[] parts = {all.input, all.output, all.cached + all.cacheRead + all.cacheCreation, all.reasoning};
        String[] names = {"input", "output", "cached", "reasoning"};
        long mixTotal = parts[0] + parts[1] + parts[2] + parts[3];
        for (int i = 0; i < 4; i++) {
            mix.addObject().put("key", names[i]).put("tokens", parts[i])
                    .put("share", mixTotal == 0 ? 0 : Stats.round((double) parts[i] / mixTotal));
        }
    }

    private static void channelHealth(ObjectNode out, List<Priced> groups, DisplayNames display) {
        ArrayNode channels = out.putArray("channel_health");
        by(groups, g -> g.key(EventDimension.AUTH_INDEX)).forEach((idx, s) -> channels.addObject()
                .put("auth_index", idx).put("name", display.credential(idx)).put("calls", s.calls).put("failures", s.failures)
                .put("failure_rate", s.calls == 0 ? 0 : Stats.round((double) s.failures / s.calls))
                .put("success_rate", s.calls == 0 ? 0 : Stats.round((double) (s.calls - s.failures) / s.calls))
                .put("tokens", s.total).put("cost", Stats.round(s.cost))
                .put("average_latency_ms", s.latencyCount == 0 ? 0 : Stats.round((double) s.latencySum / s.latencyCount))
                .put("tone", s.calls == 0 ? "idle" : s.failures * 10 > s.calls ? "bad" : s.failures > 0 ? "warn" : "good"));
    }

    private static ArrayNode failuresByStatus(List<Priced> groups) {
        Map<String, Long> byStatus = new TreeMap<>();
        for (Priced p : groups) {
            String status = p.group().key(EventDimension.FAIL_STATUS);
            if (!status.isEmpty()) {
                byStatus.merge(status, p.group().calls(), Long::sum);
            }
        }
        ArrayNode arr = Json.MAPPER.createArrayNode();
        byStatus.forEach((status, n) -> arr.addObject().put("status_code", Integer.parseInt(status)).put("calls", n));
        return arr;
    }

    /** The latest failed events (newest first): the failed filter runs in the database. */
    private ArrayNode recentFailures(UsageFilter window, int limit, java.util.function.BooleanSupplier stop) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        if (limit <= 0 || stop.getAsBoolean()) {
            return arr;
        }
        Map<String, Aliases.Alias> names = aliases.all();
        for (UsageEvent e : usage.query(UsageQuery.first(window, limit).withFailed(true)).events()) {
            ObjectNode o = failureRow(e);
            Aliases.Alias a = names.get(e.apiKeyHash());
            o.put("api_key_alias", a == null ? "" : a.alias());
            arr.add(o);
        }
        return arr;
    }

    private static ObjectNode failureRow(UsageEvent e) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("timestamp_ms", e.timestampMs()).put("model", e.model());
        o.put("api_key_hash", e.apiKeyHash()).put("source", e.source()).put("source_hash", e.sourceHash())
                .put("auth_index", e.authIndex()).put("provider", e.provider()).put("endpoint", e.endpoint())
                .put("request_id", e.requestId() == null ? "" : e.requestId())
                .put("api_key_masked", e.apiKeyMasked() == null ? "" : e.apiKeyMasked())
                .put("credential_name", EventsPage.credentialName(e.provider(), e.authLabel(), e.authId(), e.source()));
        if (e.latencyMs() != null) {
            o.put("duration_ms", e.latencyMs());
        }
        if (e.failStatusCode() != null) {
            o.put("fail_status_code", e.failStatusCode());
        }
        o.put("fail_summary", e.failSummary());
        return o;
    }

    // --- analytics -----------------------------------------------------------------------------------------

    /** {@code POST /v0/management/monitoring/analytics}. */
    public ObjectNode analytics(JsonNode body, ExecutorService pool) {
        AnalyticsRequest q = AnalyticsRequest.parse(body);
        Pricing pricing = new Pricing();
        Map<String, Future<List<Priced>>> runs = new LinkedHashMap<>();
        for (String block : q.blocks()) {
            Set<EventDimension> dims = q.dims(block);
            runs.put(block, pool.submit(() -> priced(pricing, q.filter(), dims, q.keep())));
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("generated_at_ms", System.currentTimeMillis());
        out.put("granularity", q.granularity());
        out.putObject("window").put("from_ms", q.from()).put("to_ms", q.to());
        Map<String, Aliases.Alias> names = q.blocks().contains("api_key_stats") ? aliases.all() : Map.of();
        DisplayNames display = new DisplayNames(usage, q.filter());
        for (Map.Entry<String, Future<List<Priced>>> run : runs.entrySet()) {
            writeBlock(out, run.getKey(), await(run.getValue()), q, names, display);
        }
        if (q.include().has("events_page")) {
            out.set("events", events.page(body, q.from(), q.to()));
        }
        return out;
    }

    private static void writeBlock(ObjectNode out, String block, List<Priced> groups, AnalyticsRequest q,
                                   Map<String, Aliases.Alias> names, DisplayNames display) {
        switch (block) {
            case "summary" -> {
                ObjectNode s = total(groups).write(out.putObject("summary"));
                s.put("zero_token_calls", zeroTokenCalls(groups));
            }
            case "timeline" -> {
                EventDimension d = q.bucket();
                ArrayNode arr = out.putArray("timeline");
                Map<Long, Stats> buckets = new TreeMap<>();
                groups.forEach(p -> buckets.computeIfAbsent(Long.parseLong(p.group().key(d)), k -> new Stats())
                        .add(p.group(), p.cost(), p.hasPrice()));
                buckets.forEach((b, s) -> s.write(arr.addObject().put("bucket_ms", b)));
            }
            case "model_stats" -> list(out.putArray("model_stats"), by(groups, g -> g.key(EventDimension.MODEL)),
                    (o, k) -> o.put("model", k));
            case "provider_stats" -> list(out.putArray("provider_stats"),
                    by(groups, g -> g.key(EventDimension.PROVIDER)), (o, k) -> o.put("provider", k));
            case "credential_stats" -> list(out.putArray("credential_stats"),
                    by(groups, g -> g.key(EventDimension.AUTH_INDEX) + "\u0000" + g.key(EventDimension.AUTH_ID)),
                    (o, k) -> o.put("auth_index", k.substring(0, k.indexOf('\u0000')))
                            .put("auth_file", k.substring(k.indexOf('\u0000') + 1))
                            .put("name", display.credential(k.substring(0, k.indexOf('\u0000')))));
            case "api_key_stats" -> list(out.putArray("api_key_stats"),
                    by(groups, g -> g.key(EventDimension.API_KEY)), (o, k) -> o.put("api_key_hash", k)
                            .put("alias", names.containsKey(k) ? names.get(k).alias() : "")
                            .put("masked_key", display.maskedKey(k)));
            case "failure_sources" -> out.set("failure_sources", failuresByStatus(groups));
            default -> { }
        }
    }

    private static long zeroTokenCalls(List<Priced> groups) {
        return groups.stream().filter(p -> p.group().totalTokens() == 0).mapToLong(p -> p.group().calls()).sum();
    }

    private static void list(ArrayNode arr, Map<String, Stats> stats,
                             java.util.function.BiConsumer<ObjectNode, String> label) {
        List<Map.Entry<String, Stats>> rows = new ArrayList<>(stats.entrySet());
        rows.sort(Comparator.comparingLong((Map.Entry<String, Stats> e) -> e.getValue().calls).reversed()
                .thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, Stats> e : rows) {
            ObjectNode o = arr.addObject();
            label.accept(o, e.getKey());
            e.getValue().write(o);
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A pool for the parallel aggregates of one analytics request. */
    public static ExecutorService newPool() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }
}
