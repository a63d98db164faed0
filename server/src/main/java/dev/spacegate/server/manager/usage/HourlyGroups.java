package dev.spacegate.server.manager.usage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.db.Database;
import dev.spacegate.persistence.db.Engine;
import dev.spacegate.persistence.migrate.Migrations;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.persistence.usage.EventDimension;
import dev.spacegate.persistence.usage.EventGroup;
import dev.spacegate.persistence.usage.UsageFilter;
import dev.spacegate.persistence.usage.UsageStore;
import dev.spacegate.persistence.usage.UsageTotals;
import dev.spacegate.server.web.Json;
import io.helidon.dbclient.DbRow;

/**
 * Event groups for analytics: whole hours come from {@code manager_usage_hourly} (every dimension the analytics use,
 * plus the input bands of the current price thresholds), the partial hours at the edges of a range from raw events.
 * The table is derived data: hours that received events since the last cursor ({@link UsageStore#maxEventId}) are
 * re-aggregated from raw events before each read, and the whole table is rebuilt when the price table's context-tier
 * thresholds change. So results equal a raw aggregate while reading a few rows per hour instead of every event.
 */
public final class HourlyGroups {
    private static final System.Logger LOG = System.getLogger(HourlyGroups.class.getName());
    private static final long HOUR_MS = 3_600_000L;
    private static final String STATE_KEY = "manager.usage_hourly.state";
    /** Ids below the cursor re-checked on every catch-up: concurrent PostgreSQL writers may commit ids out of order. */
    private static final long ID_MARGIN = 10_000;
    /** Every dimension the analytics group by, in the order of the table's key columns. */
    static final Map<EventDimension, String> COLUMNS;
    private static final List<String> SUMS;

    static {
        Map<EventDimension, String> c = new EnumMap<>(EventDimension.class);
        c.put(EventDimension.MODEL, "model");
        c.put(EventDimension.RESOLVED_MODEL, "resolved_model");
        c.put(EventDimension.PROVIDER, "provider");
        c.put(EventDimension.EXECUTOR, "executor_type");
        c.put(EventDimension.AUTH_INDEX, "auth_index");
        c.put(EventDimension.AUTH_ID, "auth_id");
        c.put(EventDimension.API_KEY, "api_key_hash");
        c.put(EventDimension.FAIL_STATUS, "fail_status");
        COLUMNS = Collections.unmodifiableMap(c);
        List<String> sums = new ArrayList<>(List.of("calls", "failures", "input_tokens", "output_tokens",
                "reasoning_tokens", "cached_tokens", "cache_read_tokens", "cache_creation_tokens", "total_tokens",
                "extra_cached", "uncached_input", "latency_sum", "latency_count", "ttft_sum", "ttft_count"));
        for (int i = 0; i < UsageTotals.BUCKETS; i++) {
            sums.add("lh" + i);
        }
        for (int i = 0; i < UsageTotals.BUCKETS; i++) {
            sums.add("th" + i);
        }
        SUMS = List.copyOf(sums);
    }

    private final UsageStore usage;
    private final Database db;
    private final SettingsStore settings;
    private final Object lock = new Object();

    public HourlyGroups(UsageStore usage, Database db, SettingsStore settings) {
        this.usage = usage;
        this.db = db;
        this.settings = settings;
        // derived data, kept by this class; created under the migration lock (replicas may start together)
        Migrations.ensure(db, List.of("CREATE TABLE IF NOT EXISTS ${p}manager_usage_hourly ("
                + "bucket_ms BIGINT NOT NULL, "
                + COLUMNS.values().stream().map(k -> k + " TEXT NOT NULL").collect(Collectors.joining(", "))
                + ", band_in INTEGER NOT NULL, band_cache INTEGER NOT NULL, "
                + SUMS.stream().map(k -> k + " BIGINT NOT NULL").collect(Collectors.joining(", ")) + ")",
                "CREATE INDEX IF NOT EXISTS manager_usage_hourly_bucket ON ${p}manager_usage_hourly (bucket_ms)"));
    }

    /** Groups over {@code filter} by {@code dims}, banded by {@code thresholds}; equal to a raw aggregate. */
    public List<EventGroup> groups(UsageFilter filter, Set<EventDimension> dims, List<Long> thresholds) {
        long from = filter.from().toEpochMilli();
        long to = filter.to().toEpochMilli();
        long coreFrom = Math.floorDiv(from + HOUR_MS - 1, HOUR_MS) * HOUR_MS;
        long coreTo = Math.floorDiv(to, HOUR_MS) * HOUR_MS;
        if (coreFrom >= coreTo) {
            return usage.aggregate(filter, dims, thresholds);
        }
        catchUp(thresholds);
        List<EventGroup> out = new ArrayList<>(query(filter, coreFrom, coreTo, dims));
        if (from < coreFrom) {
            out.addAll(usage.aggregate(range(filter, from, coreFrom), dims, thresholds));
        }
        if (coreTo < to) {
            out.addAll(usage.aggregate(range(filter, coreTo, to), dims, thresholds));
        }
        return out;
    }

    private static UsageFilter range(UsageFilter f, long from, long to) {
        return new UsageFilter(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), f.model(), f.provider(),
                f.authIndex(), f.apiKeyHash());
    }

    /** Brings the table up to the store: dirty hours re-aggregated, everything rebuilt on new thresholds. */
    public void catchUp(List<Long> thresholds) {
        synchronized (lock) {
            Optional<Versioned<JsonNode>> state = settings.get(STATE_KEY);
            long cursor = state.map(v -> v.value().path("cursor").asLong(0)).orElse(0L);
            List<Long> built = new ArrayList<>();
            state.ifPresent(v -> v.value().path("thresholds").forEach(n -> built.add(n.asLong())));
            long max = usage.maxEventId();
            boolean rebuild = state.isEmpty() || !built.equals(thresholds);
            if (!rebuild && max <= cursor) {
                return;
            }
            long t0 = System.nanoTime();
            List<Long> hours = usage.hoursWithEventsAfter(rebuild ? 0 : Math.max(0, cursor - ID_MARGIN));
            if (rebuild) {
                db.write(tx -> tx.dml(db.sql("DELETE FROM ${p}manager_usage_hourly")));
            }
            // contiguous runs of hours are aggregated in one query each (a rebuild is one pass per day)
            int i = 0;
            while (i < hours.size()) {
                int j = i;
                while (j + 1 < hours.size() && hours.get(j + 1) == hours.get(j) + HOUR_MS && j - i < 23) {
                    j++;
                }
                rebuildHours(hours.get(i), hours.get(j) + HOUR_MS, thresholds);
                i = j + 1;
            }
            ObjectNode next = Json.MAPPER.createObjectNode().put("cursor", max);
            thresholds.forEach(next.putArray("thresholds")::add);
            try {
                settings.put(STATE_KEY, next, state.map(Versioned::version).orElse(SettingsStore.ABSENT));
            } catch (PersistenceException e) {
                if (e.code() != PersistenceException.Code.VERSION_CONFLICT) {
                    throw e;
                }
                // another replica advanced the cursor meanwhile; its rows are as good as ours
            }
            if (rebuild) {
                LOG.log(System.Logger.Level.INFO, "Analytics hourly groups rebuilt (" + hours.size() + " hours) in "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
        }
    }

    private void rebuildHours(long from, long to, List<Long> thresholds) {
        Set<EventDimension> all = EnumSet.copyOf(COLUMNS.keySet());
        all.add(EventDimension.HOUR);
        List<EventGroup> groups = usage.aggregate(UsageFilter.between(Instant.ofEpochMilli(from),
                Instant.ofEpochMilli(to)), all, thresholds);
        List<String> columns = new ArrayList<>();
        columns.add("bucket_ms");
        columns.addAll(COLUMNS.values());
        columns.add("band_in");
        columns.add("band_cache");
        columns.addAll(SUMS);
        String row = "(" + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
        db.write(tx -> {
            if (db.engine() == Engine.POSTGRESQL) {
                // two replicas rebuilding the same hours must not interleave their delete and insert
                tx.query("SELECT pg_advisory_xact_lock(hashtext(?))", "spacegate-manager-hourly:" + db.schema())
                        .close();
            }
            tx.dml(db.sql("DELETE FROM ${p}manager_usage_hourly WHERE bucket_ms >= ? AND bucket_ms < ?"), from, to);
            for (int start = 0; start < groups.size(); start += 50) {
                List<EventGroup> chunk = groups.subList(start, Math.min(groups.size(), start + 50));
                List<Object> params = new ArrayList<>(chunk.size() * columns.size());
                for (EventGroup g : chunk) {
                    params.add(Long.parseLong(g.key(EventDimension.HOUR)));
                    COLUMNS.keySet().forEach(d -> params.add(g.key(d)));
                    params.add(g.inputBand());
                    params.add(g.inputWithCacheBand());
                    Collections.addAll(params, g.calls(), g.failures(), g.inputTokens(), g.outputTokens(),
                            g.reasoningTokens(), g.cachedTokens(), g.cacheReadTokens(), g.cacheCreationTokens(),
                            g.totalTokens(), g.extraCachedTokens(), g.uncachedInputTokens(), g.latencySumMs(),
                            g.latencyCount(), g.ttftSumMs(), g.ttftCount());
                    for (long v : g.latencyHistogram()) {
                        params.add(v);
                    }
                    for (long v : g.ttftHistogram()) {
                        params.add(v);
                    }
                }
                tx.createDmlStatement(db.sql("INSERT INTO ${p}manager_usage_hourly (" + String.join(", ", columns)
                        + ") VALUES " + String.join(", ", Collections.nCopies(chunk.size(), row))))
                        .params(params).execute();
            }
            return null;
        });
    }

    private List<EventGroup> query(UsageFilter filter, long from, long to, Set<EventDimension> dims) {
        List<EventDimension> order = List.copyOf(new java.util.TreeSet<>(dims));
        List<String> keyExprs = new ArrayList<>();
        for (EventDimension d : order) {
            keyExprs.add(switch (d) {
                case HOUR -> "bucket_ms";
                case DAY -> "(bucket_ms / 86400000) * 86400000";
                default -> COLUMNS.get(d);
            });
        }
        keyExprs.add("band_in");
        keyExprs.add("band_cache");
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < order.size(); i++) {
            sql.append(keyExprs.get(i)).append(" AS d").append(i).append(", ");
        }
        sql.append("band_in, band_cache, ")
                .append(SUMS.stream().map(c -> "SUM(" + c + ") AS " + c).collect(Collectors.joining(", ")))
                .append(" FROM ${p}manager_usage_hourly WHERE bucket_ms >= ? AND bucket_ms < ?");
        List<Object> params = new ArrayList<>(List.of(from, to));
        filter.model().ifPresent(v -> { sql.append(" AND model = ?"); params.add(v); });
        filter.provider().ifPresent(v -> { sql.append(" AND provider = ?"); params.add(v); });
        filter.authIndex().ifPresent(v -> { sql.append(" AND auth_index = ?"); params.add(v); });
        filter.apiKeyHash().ifPresent(v -> { sql.append(" AND api_key_hash = ?"); params.add(v); });
        sql.append(" GROUP BY ").append(String.join(", ", keyExprs));
        String text = db.sql(sql.toString());
        return db.read(exec -> {
            try (Stream<DbRow> rows = exec.createQuery(text).params(params).execute()) {
                return rows.map(r -> {
                    Map<EventDimension, String> keys = new EnumMap<>(EventDimension.class);
                    for (int i = 0; i < order.size(); i++) {
                        Object v = Database.raw(r, "d" + i);
                        keys.put(order.get(i), v == null ? "" : v.toString());
                    }
                    long[] v = new long[SUMS.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = Database.longValue(r, SUMS.get(i));
                    }
                    long[] lh = new long[UsageTotals.BUCKETS];
                    long[] th = new long[UsageTotals.BUCKETS];
                    System.arraycopy(v, 15, lh, 0, UsageTotals.BUCKETS);
                    System.arraycopy(v, 15 + UsageTotals.BUCKETS, th, 0, UsageTotals.BUCKETS);
                    return new EventGroup(keys, (int) Database.longValue(r, "band_in"),
                            (int) Database.longValue(r, "band_cache"), v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
                            v[8], v[9], v[10], v[11], v[12], lh, v[13], v[14], th);
                }).toList();
            }
        });
    }
}
