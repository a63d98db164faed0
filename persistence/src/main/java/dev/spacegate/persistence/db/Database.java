package dev.spacegate.persistence.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.dsn.PostgresTarget;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One database (embedded SQLite or external PostgreSQL) behind Helidon DB Client over a Hikari pool. Stores run
 * reads through {@link #read} and writes through {@link #write}; on SQLite, which allows one writer at a time,
 * writes are serialised in-process so a batch never meets SQLITE_BUSY.
 */
public final class Database implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Database.class.getName());
    private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final int SQLITE_POOL = 4;

    private final Engine engine;
    private final HikariDataSource dataSource;
    private final DbClient client;
    private final String prefix;
    private final String schema;
    private final Path sqliteFile;
    private final PostgresTarget target;
    private final ReentrantLock writeLock = new ReentrantLock();

    private Database(Engine engine, HikariDataSource dataSource, String schema, Path sqliteFile,
                     PostgresTarget target) {
        this.engine = engine;
        this.target = target;
        this.dataSource = dataSource;
        this.schema = schema;
        this.sqliteFile = sqliteFile;
        this.prefix = engine == Engine.POSTGRESQL ? "\"" + schema + "\"." : "";
        this.client = JdbcClientBuilder.create()
                .connectionPool(new HikariPool(dataSource, engine.label()))
                .build();
    }

    /** Opens (creating when absent) an SQLite database file in WAL mode. */
    public static Database sqlite(Path file) {
        try {
            PrivateFiles.directory(file.toAbsolutePath().getParent());
            PrivateFiles.file(file); // SQLite gives its -wal and -shm files the database file's permissions
        } catch (IOException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not create the data directory: "
                    + e.getClass().getSimpleName());
        }
        HikariConfig c = new HikariConfig();
        c.setPoolName("spacegate-sqlite");
        c.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
        c.setMaximumPoolSize(SQLITE_POOL);
        c.setMinimumIdle(1);
        // sqlite-jdbc reads these pragmas from the connection properties of every new connection
        c.addDataSourceProperty("journal_mode", "WAL");
        c.addDataSourceProperty("synchronous", "NORMAL");
        c.addDataSourceProperty("busy_timeout", "10000");
        c.addDataSourceProperty("foreign_keys", "true");
        // take the write lock at BEGIN so a read-then-write transaction never fails half way on upgrade
        c.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        try {
            return new Database(Engine.SQLITE, new HikariDataSource(c), "main", file.toAbsolutePath(), null);
        } catch (RuntimeException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not open the SQLite database: "
                    + e.getClass().getSimpleName());
        }
    }

    /**
     * Connects to PostgreSQL, retrying an unreachable host with backoff for at most {@code startWait}; wrong
     * credentials fail at once.
     */
    public static Database postgres(PostgresTarget target, String schema, int poolSize, Duration startWait) {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new PersistenceException(Code.INVALID_SETTINGS, "PGSTORE_SCHEMA must be a plain identifier"
                    + " (letters, digits, underscore)");
        }
        waitUntilReachable(target, startWait);
        HikariConfig c = new HikariConfig();
        c.setPoolName("spacegate-pg");
        c.setJdbcUrl(target.jdbcUrl());
        target.properties().forEach(c::addDataSourceProperty);
        c.setMaximumPoolSize(poolSize);
        c.setMinimumIdle(Math.min(1, poolSize));
        c.setConnectionTimeout(15_000);
        c.setIdleTimeout(120_000);
        c.setMaxLifetime(600_000); // below the idle cut-offs of hosted poolers
        c.setKeepaliveTime(60_000);
        c.setInitializationFailTimeout(-1);
        return new Database(Engine.POSTGRESQL, new HikariDataSource(c), schema, null, target);
    }

    private static void waitUntilReachable(PostgresTarget target, Duration startWait) {
        long deadline = System.nanoTime() + startWait.toNanos();
        long backoffMs = 500;
        Properties props = new Properties();
        props.putAll(target.properties());
        org.postgresql.Driver driver = new org.postgresql.Driver();
        while (true) {
            try {
                Connection probe = driver.connect(target.jdbcUrl(), props);
                if (probe != null) {
                    probe.close();
                }
                return;
            } catch (SQLException e) {
                PersistenceException failure = classify(e, target);
                if (failure.code() != Code.UNREACHABLE || System.nanoTime() + backoffMs * 1_000_000 > deadline) {
                    throw failure;
                }
                LOG.log(System.Logger.Level.WARNING, failure.getMessage() + "; retrying in " + backoffMs + " ms");
                try {
                    Thread.sleep(backoffMs); // start-up backoff: nothing else to wait on
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw failure;
                }
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    /** Maps a connection failure to a clear, secret-free error. */
    static PersistenceException classify(SQLException e, PostgresTarget target) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("28P01") || state.equals("28000")) {
            return new PersistenceException(Code.AUTH_FAILED, "PostgreSQL at " + target.hostPort()
                    + " rejected the user name or password (check the password in PGSTORE_DSN; URL-encode special"
                    + " characters)");
        }
        if (state.equals("3D000")) {
            return new PersistenceException(Code.INVALID_SETTINGS, "PostgreSQL at " + target.hostPort()
                    + " has no database named '" + target.database() + "'");
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return new PersistenceException(Code.UNREACHABLE, "cannot resolve the PostgreSQL host "
                        + target.host() + " (check the host in PGSTORE_DSN; Supabase direct hosts are IPv6-only,"
                        + " use the pooler host)");
            }
            if (t instanceof ConnectException || t instanceof SocketTimeoutException
                    || t instanceof NoRouteToHostException) {
                return unreachable(target);
            }
        }
        if (state.startsWith("08")) {
            return unreachable(target);
        }
        return new PersistenceException(Code.STORAGE_FAILED, "cannot connect to PostgreSQL at " + target.hostPort()
                + " (SQLState " + state + ")");
    }

    private static PersistenceException unreachable(PostgresTarget target) {
        return new PersistenceException(Code.UNREACHABLE, "cannot reach PostgreSQL at " + target.hostPort()
                + ". Likely causes: a firewall or IP allow-list on the database; the host only allowing outbound"
                + " ports 80, 443 and 8080 (Hugging Face Spaces); a paused free-tier database; a wrong host or port");
    }

    public Engine engine() {
        return engine;
    }

    /** True when PostgreSQL is reached through a transaction-mode pooler (no session state such as LISTEN). */
    public boolean transactionPooler() {
        return target != null && target.transactionPooler();
    }

    /**
     * A connection of its own, outside the pool (PostgreSQL only), for work that holds a session such as LISTEN.
     * {@code overrides} replace driver properties (timeouts); the caller closes it.
     */
    public Connection openDedicated(Map<String, String> overrides) throws SQLException {
        if (target == null) {
            throw new PersistenceException(Code.INVALID_SETTINGS, "dedicated connections need PostgreSQL");
        }
        Properties props = new Properties();
        props.putAll(target.properties());
        props.putAll(overrides);
        Connection c = new org.postgresql.Driver().connect(target.jdbcUrl(), props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver did not accept the URL", "08001");
        }
        return c;
    }

    /** The Helidon DB Client; prefer {@link #read} and {@link #write}. */
    public DbClient client() {
        return client;
    }

    /** PostgreSQL schema name ({@code main} for SQLite). */
    public String schema() {
        return schema;
    }

    /** Fully qualified, quoted table name. */
    public String table(String name) {
        return prefix + name;
    }

    /** Replaces {@code ${p}} in SQL text with the table prefix of this database. */
    public String sql(String text) {
        return text.replace("${p}", prefix);
    }

    /** Runs reads with auto-commit. */
    public <T> T read(Function<DbExecute, T> work) {
        try {
            return work.apply(client.execute());
        } catch (PersistenceException e) {
            throw e;
        } catch (RuntimeException e) {
            throw storageFailure(e);
        }
    }

    /** Runs {@code work} in one transaction (serialised with other writes on SQLite), committing on success. */
    public <T> T write(Function<DbTransaction, T> work) {
        return asWriter(() -> {
            DbTransaction tx = client.transaction();
            try {
                T result = work.apply(tx);
                tx.commit();
                return result;
            } catch (RuntimeException e) {
                try {
                    tx.rollback();
                } catch (RuntimeException ignored) {
                    // the original failure is the one worth reporting
                }
                throw e;
            }
        });
    }

    /** Work on a plain JDBC connection inside a transaction that {@link #writeJdbc} commits. */
    @FunctionalInterface
    public interface JdbcWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    /**
     * Like {@link #write} but on a plain pooled JDBC connection: for prepared statements reused over many rows
     * ({@code addBatch}), which Helidon's client cannot express. A statement per row costs SQLite far less than one
     * multi-row statement parsed anew per batch, and PostgreSQL's driver sends a batch in one round trip.
     */
    public <T> T writeJdbc(JdbcWork<T> work) {
        return asWriter(() -> {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.apply(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    try {
                        c.rollback();
                    } catch (SQLException ignored) {
                        // the original failure is the one worth reporting
                    }
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
        });
    }

    /** Runs a write, one at a time on SQLite (it allows one writer), any failure not ours as STORAGE_FAILED. */
    private <T> T asWriter(java.util.concurrent.Callable<T> work) {
        boolean locked = engine == Engine.SQLITE;
        if (locked) {
            writeLock.lock();
        }
        try {
            return work.call();
        } catch (PersistenceException e) {
            throw e;
        } catch (Exception e) {
            throw storageFailure(e);
        } finally {
            if (locked) {
                writeLock.unlock();
            }
        }
    }

    /** Runs a query and maps every row while the connection is held. */
    public static <T> List<T> list(DbExecute exec, String sql, Function<DbRow, T> mapper, Object... params) {
        try (Stream<DbRow> rows = exec.query(sql, params)) {
            return rows.map(mapper).toList();
        }
    }

    /** Runs a query expected to return at most one row. */
    public static <T> Optional<T> one(DbExecute exec, String sql, Function<DbRow, T> mapper, Object... params) {
        try (Stream<DbRow> rows = exec.query(sql, params)) {
            return rows.map(mapper).findFirst();
        }
    }

    /** Whether the database answers a trivial query. */
    public boolean ping() {
        try {
            return read(exec -> one(exec, "SELECT 1", r -> 1)).isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Size on disk when cheap to learn: the SQLite file plus WAL, or this schema's tables on PostgreSQL. */
    public OptionalLong sizeBytes() {
        try {
            if (engine == Engine.SQLITE) {
                long size = Files.size(sqliteFile);
                Path wal = Path.of(sqliteFile + "-wal");
                if (Files.exists(wal)) {
                    size += Files.size(wal);
                }
                return OptionalLong.of(size);
            }
            return read(exec -> one(exec, "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS s"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = ? AND c.relkind = 'r'", r -> longValue(r, "s"), schema))
                    .map(OptionalLong::of).orElse(OptionalLong.empty());
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** A column's raw JDBC value, null when SQL NULL. */
    public static Object raw(DbRow row, String column) {
        try {
            return row.column(column).get();
        } catch (NullPointerException sqlNull) {
            // Helidon 4.1.2 wraps every value in Value.create(), which rejects SQL NULL; hot queries COALESCE instead
            return null;
        }
    }

    /** A numeric column as long (engines return Integer, Long or BigDecimal), 0 when null. */
    public static long longValue(DbRow row, String column) {
        Object v = raw(row, column);
        return v == null ? 0 : ((Number) v).longValue();
    }

    /** A numeric column as Long, null when null. */
    public static Long longOrNull(DbRow row, String column) {
        Object v = raw(row, column);
        return v == null ? null : ((Number) v).longValue();
    }

    /** A text column, null when null. */
    public static String text(DbRow row, String column) {
        Object v = raw(row, column);
        return v == null ? null : v.toString();
    }

    private static PersistenceException storageFailure(Exception e) {
        String state = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                state = sql.getSQLState();
                break;
            }
        }
        return new PersistenceException(Code.STORAGE_FAILED, "database operation failed"
                + (state == null ? "" : " (SQLState " + state + ")"), e);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (RuntimeException ignored) {
            // closing the pool below is what matters
        }
        dataSource.close();
    }
}
