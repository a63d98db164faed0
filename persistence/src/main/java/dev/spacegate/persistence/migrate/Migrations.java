package dev.spacegate.persistence.migrate;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.db.Database;
import dev.spacegate.persistence.db.Engine;
import dev.spacegate.persistence.usage.UsageTotals;
import io.helidon.dbclient.DbExecute;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The versioned schema, declared once as data, applied at start in order, each step in its own transaction and
 * recorded in {@code schema_version}. Re-running is a no-op; a database newer than this build is refused.
 */
public final class Migrations {
    private static final System.Logger LOG = System.getLogger(Migrations.class.getName());

    /** Column list of the latency histogram in the hourly rollups. */
    public static final List<String> HISTOGRAM_COLUMNS = IntStream.range(0, UsageTotals.BUCKETS)
            .mapToObj(i -> String.format("lat_b%02d", i)).toList();

    private static final String CONFIG_HISTORY = "CREATE TABLE IF NOT EXISTS ${p}config_history ("
            + "version BIGINT PRIMARY KEY, content TEXT NOT NULL, source TEXT NOT NULL, saved_by TEXT NOT NULL,"
            + " saved_at_ms BIGINT NOT NULL)";

    private static final List<String> USAGE_EVENT_INDEXES = List.of(
            "CREATE INDEX IF NOT EXISTS usage_events_ts ON ${p}usage_events (timestamp_ms, id)",
            "CREATE INDEX IF NOT EXISTS usage_events_model_ts ON ${p}usage_events (model, timestamp_ms)",
            "CREATE INDEX IF NOT EXISTS usage_events_auth_ts ON ${p}usage_events (auth_index, timestamp_ms)",
            "CREATE INDEX IF NOT EXISTS usage_events_key_ts ON ${p}usage_events (api_key_hash, timestamp_ms)");
    /** What {@code ON CONFLICT (timestamp_ms, event_hash)} in the usage store relies on. */
    private static final String USAGE_EVENT_UNIQUE =
            "CREATE UNIQUE INDEX IF NOT EXISTS usage_events_time_hash ON ${p}usage_events (timestamp_ms, event_hash)";

    /** Every migration, oldest first. Append only; never edit a released step. */
    public static final List<Migration> ALL = List.of(
            new Migration(1, "settings, config, auth files, usage events and hourly rollups",
                    schemaV1(Engine.SQLITE), schemaV1(Engine.POSTGRESQL)),
            new Migration(2, "change log that replicas on one database follow",
                    List.of("CREATE TABLE IF NOT EXISTS ${p}replica_changes (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                            + " topic TEXT NOT NULL, detail TEXT NOT NULL, origin TEXT NOT NULL, at_ms BIGINT NOT NULL)"),
                    List.of("CREATE TABLE IF NOT EXISTS ${p}replica_changes (id BIGSERIAL PRIMARY KEY,"
                            + " topic TEXT NOT NULL, detail TEXT NOT NULL, origin TEXT NOT NULL, at_ms BIGINT NOT NULL)")),
            new Migration(3, "config history (the last accepted config versions)",
                    List.of(CONFIG_HISTORY), List.of(CONFIG_HISTORY)),
            new Migration(4, "usage events deduplicated by time and hash (a time-ordered unique index)",
                    usageEventsByTimeAndHash(Engine.SQLITE), usageEventsByTimeAndHash(Engine.POSTGRESQL)));

    private Migrations() {
    }

    /** The newest schema version this build knows. */
    public static int latestVersion() {
        return ALL.get(ALL.size() - 1).version();
    }

    /** Brings the database to {@link #latestVersion()}. */
    public static void apply(Database db) {
        boolean pg = db.engine() == Engine.POSTGRESQL;
        db.write(tx -> {
            if (pg) {
                takeTurns(db, tx); // "IF NOT EXISTS" does not guard concurrent creators: replicas started together
                tx.dml("CREATE SCHEMA IF NOT EXISTS \"" + db.schema() + "\"");
            }
            tx.dml(db.sql("CREATE TABLE IF NOT EXISTS ${p}schema_version (version INTEGER PRIMARY KEY,"
                    + " description TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)"));
            return null;
        });
        int current = currentVersion(db);
        if (current > latestVersion()) {
            throw new PersistenceException(Code.SCHEMA_TOO_NEW, "the database schema is version " + current
                    + " but this build only knows up to " + latestVersion()
                    + "; run a newer Spacegate (or restore a backup taken before the upgrade)");
        }
        for (Migration m : ALL) {
            if (m.version() <= current) {
                continue;
            }
            boolean applied = db.write(tx -> {
                if (pg) {
                    takeTurns(db, tx); // another replica may be migrating the same schema right now: then re-check
                }
                long done = Database.one(tx, db.sql("SELECT COUNT(*) AS n FROM ${p}schema_version WHERE version = ?"),
                        r -> Database.longValue(r, "n"), m.version()).orElse(0L);
                if (done > 0) {
                    return false;
                }
                for (String statement : pg ? m.postgres() : m.sqlite()) {
                    tx.dml(db.sql(statement));
                }
                tx.dml(db.sql("INSERT INTO ${p}schema_version (version, description, applied_at_ms) VALUES (?, ?, ?)"),
                        m.version(), m.description(), System.currentTimeMillis());
                return true;
            });
            if (applied) {
                LOG.log(System.Logger.Level.INFO, "Applied schema migration " + m.version() + ": " + m.description());
            }
        }
    }

    /**
     * Creates tables or indexes a module keeps outside the versioned steps (derived data, e.g. the manager's hourly
     * groups), in one transaction under the migration lock: replicas started together create them in turn.
     * Each statement must be idempotent ({@code IF NOT EXISTS}).
     */
    public static void ensure(Database db, List<String> statements) {
        db.write(tx -> {
            if (db.engine() == Engine.POSTGRESQL) {
                takeTurns(db, tx);
            }
            for (String statement : statements) {
                tx.dml(db.sql(statement));
            }
            return null;
        });
    }

    /** Holds the schema's migration lock until {@code tx} ends: replicas on one PostgreSQL schema migrate in turn. */
    private static void takeTurns(Database db, DbExecute tx) {
        Database.one(tx, "SELECT pg_advisory_xact_lock(hashtext(?)) AS locked", r -> Boolean.TRUE,
                "spacegate-migrate:" + db.schema());
    }

    /** The highest applied version, 0 for an empty database. */
    public static int currentVersion(Database db) {
        return db.read(exec -> Database.one(exec, db.sql("SELECT COALESCE(MAX(version), 0) AS v FROM ${p}schema_version"),
                r -> (int) Database.longValue(r, "v"))).orElse(0);
    }

    /** The usage events table; only version 1 declared {@code event_hash} UNIQUE on its own. */
    private static String usageEvents(String table, String id, String hashConstraint) {
        return "CREATE TABLE IF NOT EXISTS ${p}" + table + " (" + id + ","
                + " event_hash TEXT NOT NULL" + hashConstraint + ", request_id TEXT, timestamp_ms BIGINT NOT NULL, provider TEXT,"
                + " executor_type TEXT, model TEXT NOT NULL, requested_model TEXT, resolved_model TEXT, endpoint TEXT,"
                + " auth_type TEXT, auth_index TEXT, auth_id TEXT, auth_label TEXT, source TEXT, source_hash TEXT,"
                + " api_key_hash TEXT, api_key_masked TEXT,"
                + " input_tokens BIGINT NOT NULL DEFAULT 0, output_tokens BIGINT NOT NULL DEFAULT 0,"
                + " reasoning_tokens BIGINT NOT NULL DEFAULT 0, cached_tokens BIGINT NOT NULL DEFAULT 0,"
                + " cache_read_tokens BIGINT NOT NULL DEFAULT 0, cache_creation_tokens BIGINT NOT NULL DEFAULT 0,"
                + " total_tokens BIGINT NOT NULL DEFAULT 0, latency_ms BIGINT, ttft_ms BIGINT,"
                + " failed INTEGER NOT NULL DEFAULT 0, fail_status_code INTEGER, fail_summary TEXT,"
                + " reasoning_effort TEXT, service_tier TEXT, created_at_ms BIGINT NOT NULL)";
    }

    /**
     * Version 4: a record is a duplicate when its hash <em>and</em> its time match (the time is part of the hash,
     * so this finds the same duplicates). A unique index on the random hash alone put every new row at a random
     * place in that index, so each batch rewrote hundreds of scattered index pages; led by the time, new rows go
     * to the end of the index (GatewayBench: docs/benchmarks.md). SQLite cannot drop an inline UNIQUE, so the
     * table is rebuilt; ids and their sequence are kept.
     */
    private static List<String> usageEventsByTimeAndHash(Engine engine) {
        if (engine == Engine.POSTGRESQL) {
            return List.of("ALTER TABLE ${p}usage_events DROP CONSTRAINT IF EXISTS usage_events_event_hash_key",
                    USAGE_EVENT_UNIQUE);
        }
        List<String> s = new ArrayList<>();
        s.add(usageEvents("usage_events_v4", "id INTEGER PRIMARY KEY AUTOINCREMENT", ""));
        s.add("INSERT INTO ${p}usage_events_v4 SELECT * FROM ${p}usage_events");
        s.add("DROP TABLE ${p}usage_events");
        s.add("ALTER TABLE ${p}usage_events_v4 RENAME TO usage_events");
        s.addAll(USAGE_EVENT_INDEXES);
        s.add(USAGE_EVENT_UNIQUE);
        return s;
    }

    private static List<String> schemaV1(Engine engine) {
        boolean pg = engine == Engine.POSTGRESQL;
        String id = pg ? "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "id INTEGER PRIMARY KEY AUTOINCREMENT";
        String histogram = HISTOGRAM_COLUMNS.stream().map(c -> c + " BIGINT NOT NULL DEFAULT 0")
                .collect(Collectors.joining(", "));
        List<String> s = new ArrayList<>();
        s.add("CREATE TABLE IF NOT EXISTS ${p}settings (key TEXT PRIMARY KEY, value TEXT NOT NULL,"
                + " version BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL)");
        s.add("CREATE TABLE IF NOT EXISTS ${p}config_store (id TEXT PRIMARY KEY, content TEXT NOT NULL,"
                + " version BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL)");
        s.add("CREATE TABLE IF NOT EXISTS ${p}auth_files (name TEXT PRIMARY KEY, sealed TEXT NOT NULL,"
                + " size_bytes BIGINT NOT NULL, updated_at_ms BIGINT NOT NULL)");
        s.add(usageEvents("usage_events", id, " UNIQUE"));
        s.addAll(USAGE_EVENT_INDEXES);
        s.add("CREATE TABLE IF NOT EXISTS ${p}usage_hourly_rollups (bucket_ms BIGINT NOT NULL,"
                + " provider TEXT NOT NULL, model TEXT NOT NULL, auth_index TEXT NOT NULL, api_key_hash TEXT NOT NULL,"
                + " calls BIGINT NOT NULL DEFAULT 0, failures BIGINT NOT NULL DEFAULT 0,"
                + " input_tokens BIGINT NOT NULL DEFAULT 0, output_tokens BIGINT NOT NULL DEFAULT 0,"
                + " reasoning_tokens BIGINT NOT NULL DEFAULT 0, cached_tokens BIGINT NOT NULL DEFAULT 0,"
                + " cache_read_tokens BIGINT NOT NULL DEFAULT 0, cache_creation_tokens BIGINT NOT NULL DEFAULT 0,"
                + " total_tokens BIGINT NOT NULL DEFAULT 0, latency_sum_ms BIGINT NOT NULL DEFAULT 0,"
                + " latency_count BIGINT NOT NULL DEFAULT 0, " + histogram + ","
                + " PRIMARY KEY (bucket_ms, provider, model, auth_index, api_key_hash))");
        s.add("CREATE INDEX IF NOT EXISTS usage_rollups_auth ON ${p}usage_hourly_rollups (auth_index, bucket_ms)");
        s.add("CREATE INDEX IF NOT EXISTS usage_rollups_key ON ${p}usage_hourly_rollups (api_key_hash, bucket_ms)");
        // the same sums by model only: few rows per hour, so unfiltered dashboards stay fast at any volume
        s.add("CREATE TABLE IF NOT EXISTS ${p}usage_hourly_model_rollups (bucket_ms BIGINT NOT NULL,"
                + " provider TEXT NOT NULL, model TEXT NOT NULL,"
                + " calls BIGINT NOT NULL DEFAULT 0, failures BIGINT NOT NULL DEFAULT 0,"
                + " input_tokens BIGINT NOT NULL DEFAULT 0, output_tokens BIGINT NOT NULL DEFAULT 0,"
                + " reasoning_tokens BIGINT NOT NULL DEFAULT 0, cached_tokens BIGINT NOT NULL DEFAULT 0,"
                + " cache_read_tokens BIGINT NOT NULL DEFAULT 0, cache_creation_tokens BIGINT NOT NULL DEFAULT 0,"
                + " total_tokens BIGINT NOT NULL DEFAULT 0, latency_sum_ms BIGINT NOT NULL DEFAULT 0,"
                + " latency_count BIGINT NOT NULL DEFAULT 0, " + histogram + ","
                + " PRIMARY KEY (bucket_ms, provider, model))");
        return List.copyOf(s);
    }
}
