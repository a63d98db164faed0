package dev.spacegate.persistence.usage;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.db.Database;
import dev.spacegate.persistence.migrate.Migrations;
import io.helidon.dbclient.DbRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@link UsageStore} on {@code usage_events} and {@code usage_hourly_rollups}. A batch is one transaction: each
 * event is inserted with {@code ON CONFLICT (timestamp_ms, event_hash) DO NOTHING} through one prepared statement
 * reused for the whole batch, and only the rows that really went in are added to the rollups, so rollups never
 * double count.
 */
public final class DbUsageStore implements UsageStore {
    private static final long HOUR_MS = 3_600_000L;
    private static final long DAY_MS = 86_400_000L;
    private static final String HORIZON_KEY = "usage.retention_horizon_ms";

    private static final List<String> EVENT_COLUMNS = List.of("event_hash", "request_id", "timestamp_ms", "provider",
            "executor_type", "model", "requested_model", "resolved_model", "endpoint", "auth_type", "auth_index",
            "auth_id", "auth_label", "source", "source_hash", "api_key_hash", "api_key_masked", "input_tokens",
            "output_tokens", "reasoning_tokens", "cached_tokens", "cache_read_tokens", "cache_creation_tokens",
            "total_tokens", "latency_ms", "ttft_ms", "failed", "fail_status_code", "fail_summary", "reasoning_effort",
            "service_tier", "created_at_ms");
    private static final List<String> ROLLUP_KEYS = List.of("bucket_ms", "provider", "model", "auth_index",
            "api_key_hash");
    private static final List<String> ROLLUP_SUMS;

    static {
        List<String> sums = new ArrayList<>(List.of("calls", "failures", "input_tokens", "output_tokens",
                "reasoning_tokens", "cached_tokens", "cache_read_tokens", "cache_creation_tokens", "total_tokens",
                "latency_sum_ms", "latency_count"));
        sums.addAll(Migrations.HISTOGRAM_COLUMNS);
        ROLLUP_SUMS = List.copyOf(sums);
    }

    private final Database db;
    private final String insertEvent;
    private final String upsertDetailed;
    private final String upsertByModel;
    private volatile Long horizonMs;

    public DbUsageStore(Database db) {
        this.db = db;
        this.insertEvent = db.sql("INSERT INTO ${p}usage_events (" + String.join(", ", EVENT_COLUMNS) + ") VALUES ("
                + EVENT_COLUMNS.stream().map(c -> "?").collect(Collectors.joining(", "))
                + ") ON CONFLICT (timestamp_ms, event_hash) DO NOTHING");
        this.upsertDetailed = DETAILED.upsert(db);
        this.upsertByModel = BY_MODEL.upsert(db);
    }

    // --- writing ------------------------------------------------------------------------------------------

    @Override
    public int appendBatch(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        long horizon = horizon();
        Map<String, UsageEvent> unique = new LinkedHashMap<>();
        for (UsageEvent e : events) {
            if (e.timestampMs() >= horizon) {
                unique.putIfAbsent(e.eventHash(), e);
            }
        }
        if (unique.isEmpty()) {
            return 0;
        }
        // a fixed order (by hash, by rollup key) so concurrent writers on PostgreSQL never deadlock on each other
        List<UsageEvent> candidates = unique.values().stream()
                .sorted(Comparator.comparing(UsageEvent::eventHash)).toList();
        return db.writeJdbc(c -> {
            List<UsageEvent> inserted = insertEvents(c, candidates);
            if (!inserted.isEmpty()) {
                addToRollup(c, DETAILED, upsertDetailed, inserted);
                addToRollup(c, BY_MODEL, upsertByModel, inserted);
            }
            return inserted.size();
        });
    }

    /** Inserts each event unless its hash is stored already; returns those that went in. */
    private List<UsageEvent> insertEvents(Connection c, List<UsageEvent> candidates) throws SQLException {
        int[] counts;
        try (PreparedStatement ps = c.prepareStatement(insertEvent)) {
            for (UsageEvent e : candidates) {
                int i = 0;
                ps.setString(++i, e.eventHash());
                text(ps, ++i, e.requestId());
                ps.setLong(++i, e.timestampMs());
                for (String v : new String[] {e.provider(), e.executorType(), e.model(), e.requestedModel(),
                        e.resolvedModel(), e.endpoint(), e.authType(), e.authIndex(), e.authId(), e.authLabel(),
                        e.source(), e.sourceHash(), e.apiKeyHash(), e.apiKeyMasked()}) {
                    text(ps, ++i, v);
                }
                for (long v : new long[] {e.inputTokens(), e.outputTokens(), e.reasoningTokens(), e.cachedTokens(),
                        e.cacheReadTokens(), e.cacheCreationTokens(), e.totalTokens()}) {
                    ps.setLong(++i, v);
                }
                number(ps, ++i, e.latencyMs());
                number(ps, ++i, e.ttftMs());
                ps.setInt(++i, e.failed() ? 1 : 0);
                number(ps, ++i, e.failStatusCode() == null ? null : e.failStatusCode().longValue());
                text(ps, ++i, e.failSummary());
                text(ps, ++i, e.reasoningEffort());
                text(ps, ++i, e.serviceTier());
                ps.setLong(++i, e.createdAtMs());
                ps.addBatch();
            }
            counts = ps.executeBatch();
        }
        List<UsageEvent> inserted = new ArrayList<>(candidates.size());
        for (int i = 0; i < counts.length; i++) {
            // both drivers report 0 for a row that ON CONFLICT DO NOTHING skipped
            if (counts[i] > 0) {
                inserted.add(candidates.get(i));
            }
        }
        return inserted;
    }

    private static void text(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    private static void number(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    /** One hourly rollup table: its name and key columns (all text keys but the hour). */
    private record RollupTable(String name, List<String> keys) {
        List<Object> keyOf(UsageEvent e) {
            List<Object> k = new ArrayList<>(keys.size());
            for (String column : keys) {
                k.add(switch (column) {
                    case "bucket_ms" -> Math.floorDiv(e.timestampMs(), HOUR_MS) * HOUR_MS;
                    case "provider" -> nz(e.provider());
                    case "model" -> e.model();
                    case "auth_index" -> nz(e.authIndex());
                    case "api_key_hash" -> nz(e.apiKeyHash());
                    default -> throw new IllegalStateException("unknown rollup key " + column);
                });
            }
            return k;
        }

        /** The upsert adding one group's sums to its row. */
        String upsert(Database db) {
            List<String> columns = new ArrayList<>(keys);
            columns.addAll(ROLLUP_SUMS);
            String update = ROLLUP_SUMS.stream().map(c -> c + " = r." + c + " + excluded." + c)
                    .collect(Collectors.joining(", "));
            return db.sql("INSERT INTO ${p}" + name + " AS r (" + String.join(", ", columns) + ") VALUES ("
                    + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ") ON CONFLICT ("
                    + String.join(", ", keys) + ") DO UPDATE SET " + update);
        }
    }

    /** Per credential and client key: answers any filter. */
    private static final RollupTable DETAILED = new RollupTable("usage_hourly_rollups", ROLLUP_KEYS);
    /** Per model only: far fewer rows, used whenever no credential or client key is involved. */
    private static final RollupTable BY_MODEL = new RollupTable("usage_hourly_model_rollups",
            List.of("bucket_ms", "provider", "model"));

    /** Adds the inserted events' sums to {@code table} with its {@code upsert} statement, one row per group. */
    private static void addToRollup(Connection c, RollupTable table, String upsert, List<UsageEvent> inserted)
            throws SQLException {
        Map<List<Object>, long[]> groups = new LinkedHashMap<>();
        for (UsageEvent e : inserted) {
            long[] s = groups.computeIfAbsent(table.keyOf(e), k -> new long[ROLLUP_SUMS.size()]);
            s[0]++;
            s[1] += e.failed() ? 1 : 0;
            s[2] += e.inputTokens();
            s[3] += e.outputTokens();
            s[4] += e.reasoningTokens();
            s[5] += e.cachedTokens();
            s[6] += e.cacheReadTokens();
            s[7] += e.cacheCreationTokens();
            s[8] += e.totalTokens();
            if (e.latencyMs() != null) {
                s[9] += e.latencyMs();
                s[10]++;
                s[11 + UsageTotals.bucketOf(e.latencyMs())]++;
            }
        }
        List<Map.Entry<List<Object>, long[]>> entries = groups.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(Object::toString))).toList();
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
            for (Map.Entry<List<Object>, long[]> g : entries) {
                int i = 0;
                for (Object key : g.getKey()) {
                    ps.setObject(++i, key);
                }
                for (long v : g.getValue()) {
                    ps.setLong(++i, v);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public long pruneBefore(Instant before) {
        long cutoff = before.toEpochMilli();
        long deleted = db.write(tx -> {
            long n = tx.dml(db.sql("DELETE FROM ${p}usage_events WHERE timestamp_ms < ?"), cutoff);
            String value = Long.toString(cutoff);
            long updated = tx.dml(db.sql("UPDATE ${p}settings SET value = ?, version = version + 1, updated_at_ms = ?"
                    + " WHERE key = ? AND CAST(value AS BIGINT) < ?"), value, System.currentTimeMillis(), HORIZON_KEY,
                    cutoff);
            if (updated == 0) {
                tx.dml(db.sql("INSERT INTO ${p}settings (key, value, version, updated_at_ms) VALUES (?, ?, 1, ?)"
                        + " ON CONFLICT (key) DO NOTHING"), HORIZON_KEY, value, System.currentTimeMillis());
            }
            return n;
        });
        horizonMs = null;
        return deleted;
    }

    private long horizon() {
        Long h = horizonMs;
        if (h == null) {
            h = db.read(exec -> Database.one(exec, db.sql("SELECT value FROM ${p}settings WHERE key = ?"),
                    r -> Long.parseLong(Database.text(r, "value")), HORIZON_KEY)).orElse(Long.MIN_VALUE);
            horizonMs = h;
        }
        return h;
    }

    // --- reading raw events -------------------------------------------------------------------------------

    @Override
    public UsagePage query(UsageQuery query) {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder(filterClause(query.filter(), "timestamp_ms", params, false));
        if (query.cursor().isPresent()) {
            long[] c = parseCursor(query.cursor().get());
            where.append(" AND (timestamp_ms < ? OR (timestamp_ms = ? AND id < ?))");
            Collections.addAll(params, c[0], c[0], c[1]);
        }
        if (query.requestId().isPresent()) {
            // a prefix match; LIKE wildcards in the operator's text are taken literally
            where.append(" AND request_id LIKE ? ESCAPE '!'");
            params.add(query.requestId().get().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        }
        if (query.failed().isPresent()) {
            where.append(query.failed().get() ? " AND failed <> 0" : " AND failed = 0");
        }
        params.add(query.limit() + 1);
        String sql = db.sql("SELECT id, " + String.join(", ", EVENT_COLUMNS) + " FROM ${p}usage_events WHERE " + where
                + " ORDER BY timestamp_ms DESC, id DESC LIMIT ?");
        List<Map.Entry<Long, UsageEvent>> rows = db.read(exec -> {
            try (Stream<DbRow> s = exec.createQuery(sql).params(params).execute()) {
                return s.map(r -> Map.entry(Database.longValue(r, "id"), toEvent(r))).toList();
            }
        });
        Optional<String> next = Optional.empty();
        List<Map.Entry<Long, UsageEvent>> page = rows;
        if (rows.size() > query.limit()) {
            page = rows.subList(0, query.limit());
            Map.Entry<Long, UsageEvent> last = page.get(page.size() - 1);
            next = Optional.of(last.getValue().timestampMs() + "." + last.getKey());
        }
        return new UsagePage(page.stream().map(Map.Entry::getValue).toList(), next);
    }

    private static long[] parseCursor(String cursor) {
        String[] parts = cursor.split("\\.");
        try {
            if (parts.length == 2) {
                return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new PersistenceException(Code.INVALID_CONTENT, "usage cursor is not one this server issued");
    }

    private static UsageEvent toEvent(DbRow r) {
        Long status = Database.longOrNull(r, "fail_status_code");
        return new UsageEvent(Database.text(r, "event_hash"), Database.text(r, "request_id"),
                Database.longValue(r, "timestamp_ms"), Database.text(r, "provider"), Database.text(r, "executor_type"),
                Database.text(r, "model"), Database.text(r, "requested_model"), Database.text(r, "resolved_model"),
                Database.text(r, "endpoint"), Database.text(r, "auth_type"), Database.text(r, "auth_index"),
                Database.text(r, "auth_id"), Database.text(r, "auth_label"), Database.text(r, "source"),
                Database.text(r, "source_hash"), Database.text(r, "api_key_hash"), Database.text(r, "api_key_masked"),
                Database.longValue(r, "input_tokens"), Database.longValue(r, "output_tokens"),
                Database.longValue(r, "reasoning_tokens"), Database.longValue(r, "cached_tokens"),
                Database.longValue(r, "cache_read_tokens"), Database.longValue(r, "cache_creation_tokens"),
                Database.longValue(r, "total_tokens"), Database.longOrNull(r, "latency_ms"),
                Database.longOrNull(r, "ttft_ms"), Database.longValue(r, "failed") != 0,
                status == null ? null : status.intValue(), Database.text(r, "fail_summary"),
                Database.text(r, "reasoning_effort"), Database.text(r, "service_tier"),
                Database.longValue(r, "created_at_ms"));
    }

    @Override
    public long maxEventId() {
        return db.read(exec -> Database.one(exec, db.sql("SELECT COALESCE(MAX(id), 0) AS n FROM ${p}usage_events"),
                r -> Database.longValue(r, "n"))).orElse(0L);
    }

    @Override
    public List<Long> hoursWithEventsAfter(long afterId) {
        return db.read(exec -> Database.list(exec, db.sql("SELECT DISTINCT (timestamp_ms / " + HOUR_MS + ") * " + HOUR_MS
                + " AS h FROM ${p}usage_events WHERE id > ? ORDER BY h"), r -> Database.longValue(r, "h"), afterId));
    }

    @Override
    public long count() {
        return db.read(exec -> Database.one(exec, db.sql("SELECT COUNT(*) AS n FROM ${p}usage_events"),
                r -> Database.longValue(r, "n"))).orElse(0L);
    }

    // --- raw aggregates -----------------------------------------------------------------------------------

    @Override
    public List<EventGroup> aggregate(UsageFilter filter, Set<EventDimension> dimensions, List<Long> inputThresholds) {
        List<EventDimension> dims = List.copyOf(new java.util.TreeSet<>(dimensions));
        String extraCached = "CASE WHEN cached_tokens - cache_read_tokens - cache_creation_tokens > 0"
                + " THEN cached_tokens - cache_read_tokens - cache_creation_tokens ELSE 0 END";
        String uncached = "CASE WHEN input_tokens - (" + extraCached + ") - cache_read_tokens - cache_creation_tokens > 0"
                + " THEN input_tokens - (" + extraCached + ") - cache_read_tokens - cache_creation_tokens ELSE 0 END";
        String withCache = "(input_tokens + (" + extraCached + ") + cache_read_tokens + cache_creation_tokens)";
        String inputBand = band("input_tokens", inputThresholds);
        String cacheBand = band(withCache, inputThresholds);
        List<String> groupExprs = new ArrayList<>();
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < dims.size(); i++) {
            select.append(dims.get(i).expression()).append(" AS d").append(i).append(", ");
            groupExprs.add(dims.get(i).expression());
        }
        select.append(inputBand).append(" AS b_in, ").append(cacheBand).append(" AS b_cache, ");
        if (!inputThresholds.isEmpty()) {
            groupExprs.add(inputBand);
            groupExprs.add(cacheBand);
        }
        select.append("COUNT(*) AS calls, SUM(CASE WHEN failed <> 0 THEN 1 ELSE 0 END) AS failures, ")
                .append("SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, ")
                .append("SUM(reasoning_tokens) AS reasoning_tokens, SUM(cached_tokens) AS cached_tokens, ")
                .append("SUM(cache_read_tokens) AS cache_read_tokens, ")
                .append("SUM(cache_creation_tokens) AS cache_creation_tokens, SUM(total_tokens) AS total_tokens, ")
                .append("SUM(").append(extraCached).append(") AS extra_cached, ")
                .append("SUM(").append(uncached).append(") AS uncached_input, ")
                .append("COALESCE(SUM(latency_ms), 0) AS latency_sum, COUNT(latency_ms) AS latency_count, ")
                .append("COALESCE(SUM(ttft_ms), 0) AS ttft_sum, COUNT(ttft_ms) AS ttft_count");
        histogramColumns(select, "latency_ms", "lh");
        histogramColumns(select, "ttft_ms", "th");
        List<Object> params = new ArrayList<>();
        String where = filterClause(filter, "timestamp_ms", params, false);
        String sql = db.sql(select + " FROM ${p}usage_events WHERE " + where
                + (groupExprs.isEmpty() ? "" : " GROUP BY " + String.join(", ", groupExprs)));
        return db.read(exec -> {
            try (Stream<DbRow> rows = exec.createQuery(sql).params(params).execute()) {
                return rows.map(r -> {
                    Map<EventDimension, String> keys = new java.util.EnumMap<>(EventDimension.class);
                    for (int i = 0; i < dims.size(); i++) {
                        Object v = Database.raw(r, "d" + i);
                        keys.put(dims.get(i), v == null ? "" : v.toString());
                    }
                    long[] lh = new long[UsageTotals.BUCKETS];
                    long[] th = new long[UsageTotals.BUCKETS];
                    for (int i = 0; i < UsageTotals.BUCKETS; i++) {
                        lh[i] = Database.longValue(r, "lh" + i);
                        th[i] = Database.longValue(r, "th" + i);
                    }
                    return new EventGroup(keys, (int) Database.longValue(r, "b_in"),
                            (int) Database.longValue(r, "b_cache"), Database.longValue(r, "calls"),
                            Database.longValue(r, "failures"), Database.longValue(r, "input_tokens"),
                            Database.longValue(r, "output_tokens"), Database.longValue(r, "reasoning_tokens"),
                            Database.longValue(r, "cached_tokens"), Database.longValue(r, "cache_read_tokens"),
                            Database.longValue(r, "cache_creation_tokens"), Database.longValue(r, "total_tokens"),
                            Database.longValue(r, "extra_cached"), Database.longValue(r, "uncached_input"),
                            Database.longValue(r, "latency_sum"), Database.longValue(r, "latency_count"), lh,
                            Database.longValue(r, "ttft_sum"), Database.longValue(r, "ttft_count"), th);
                }).filter(g -> g.calls() > 0).toList(); // an ungrouped aggregate over no rows yields one empty row
            }
        });
    }

    /** SQL for how many thresholds {@code value} exceeds (thresholds are numbers, inlined). */
    private static String band(String value, List<Long> thresholds) {
        if (thresholds.isEmpty()) {
            return "0";
        }
        return "(" + thresholds.stream().distinct().sorted()
                .map(t -> "CASE WHEN " + value + " > " + t.longValue() + " THEN 1 ELSE 0 END")
                .collect(Collectors.joining(" + ")) + ")";
    }

    /** Appends one SUM per histogram bucket of {@code column} as {@code prefix0..prefixN}. */
    private static void histogramColumns(StringBuilder select, String column, String prefix) {
        long[] upper = UsageTotals.BUCKET_UPPER_MS;
        for (int i = 0; i < UsageTotals.BUCKETS; i++) {
            String cond = i == 0 ? column + " <= " + upper[0]
                    : i == upper.length ? column + " > " + upper[i - 1]
                    : column + " > " + upper[i - 1] + " AND " + column + " <= " + upper[i];
            select.append(", SUM(CASE WHEN ").append(cond).append(" THEN 1 ELSE 0 END) AS ").append(prefix).append(i);
        }
    }

    // --- rollups ------------------------------------------------------------------------------------------

    @Override
    public UsageTotals summary(UsageFilter filter) {
        List<RollupRow> rows = rollups(filter, GroupBy.NONE);
        return rows.isEmpty() ? UsageTotals.empty() : rows.get(0).totals();
    }

    @Override
    public List<RollupRow> rollups(UsageFilter filter, GroupBy groupBy) {
        List<Object> params = new ArrayList<>();
        String where = filterClause(filter, "bucket_ms", params, true);
        String keyExpr = switch (groupBy) {
            case NONE -> "0";
            case HOUR -> "bucket_ms";
            case DAY -> "(bucket_ms / " + DAY_MS + ")";
            case MODEL -> "model";
            case PROVIDER -> "provider";
            case AUTH_INDEX -> "auth_index";
            case API_KEY -> "api_key_hash";
        };
        String sums = ROLLUP_SUMS.stream().map(c -> "COALESCE(SUM(" + c + "), 0) AS " + c).collect(Collectors.joining(", "));
        boolean detailed = filter.authIndex().isPresent() || filter.apiKeyHash().isPresent()
                || groupBy == GroupBy.AUTH_INDEX || groupBy == GroupBy.API_KEY;
        String table = (detailed ? DETAILED : BY_MODEL).name();
        String sql = db.sql("SELECT " + keyExpr + " AS k, " + sums + " FROM ${p}" + table + " WHERE " + where
                + (groupBy == GroupBy.NONE ? "" : " GROUP BY " + keyExpr + " ORDER BY " + keyExpr));
        List<RollupRow> rows = db.read(exec -> {
            try (Stream<DbRow> s = exec.createQuery(sql).params(params).execute()) {
                return s.map(r -> new RollupRow(key(groupBy, Database.raw(r, "k")), totals(r))).toList();
            }
        });
        if (groupBy == GroupBy.NONE && rows.size() == 1 && rows.get(0).totals().calls() == 0) {
            return List.of(); // SUM over no rows yields one row of nulls
        }
        return rows;
    }

    private static String key(GroupBy groupBy, Object value) {
        if (value == null) {
            return "";
        }
        return switch (groupBy) {
            case NONE -> "all";
            case HOUR -> Instant.ofEpochMilli(((Number) value).longValue()).toString();
            case DAY -> LocalDate.ofEpochDay(((Number) value).longValue()).toString();
            default -> value.toString();
        };
    }

    private static UsageTotals totals(DbRow r) {
        long[] v = new long[ROLLUP_SUMS.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Database.longValue(r, ROLLUP_SUMS.get(i));
        }
        long[] histogram = new long[UsageTotals.BUCKETS];
        System.arraycopy(v, 11, histogram, 0, UsageTotals.BUCKETS);
        return new UsageTotals(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], histogram);
    }

    /** WHERE text for a filter; over rollups the time range is widened to whole UTC hours. */
    private static String filterClause(UsageFilter f, String timeColumn, List<Object> params, boolean hourly) {
        long from = f.from().toEpochMilli();
        long to = f.to().toEpochMilli();
        if (hourly) {
            from = Math.floorDiv(from, HOUR_MS) * HOUR_MS;
            to = Math.floorDiv(to + HOUR_MS - 1, HOUR_MS) * HOUR_MS;
        }
        StringBuilder w = new StringBuilder(timeColumn + " >= ? AND " + timeColumn + " < ?");
        params.add(from);
        params.add(to);
        addEquals(w, params, "model", f.model());
        addEquals(w, params, "provider", f.provider());
        addEquals(w, params, "auth_index", f.authIndex());
        addEquals(w, params, "api_key_hash", f.apiKeyHash());
        return w.toString();
    }

    private static void addEquals(StringBuilder w, List<Object> params, String column, Optional<String> value) {
        if (value.isPresent()) {
            w.append(" AND ").append(column).append(" = ?");
            params.add(value.get());
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
