package dev.spacegate.persistence.changes;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.db.Database;
import dev.spacegate.persistence.db.Engine;

/**
 * The change log replicas follow: every shared write appends one row to {@code replica_changes} and sends a
 * {@code NOTIFY} on the schema's channel in the same transaction, so a listener is woken exactly when the row is
 * visible. On SQLite (one process) nothing is recorded.
 *
 * <p>Rows are appended under a transaction-scoped advisory lock, so ids become visible in increasing order and a
 * reader that remembers the last id it saw never skips one.
 */
public final class ChangeLog {
    private static final System.Logger LOG = System.getLogger(ChangeLog.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DETAIL = 2000;
    /** Rows older than this are pruned; a replica away for longer re-reads everything when it comes back. */
    private static final long RETENTION_MS = 60 * 60 * 1000L;
    private static final int PRUNE_EVERY = 256;
    private static final String LISTENER_PREFIX = "spacegate_changes_";

    private final Database db;
    private final String origin;

    public ChangeLog(Database db, String origin) {
        this.db = db;
        this.origin = origin;
    }

    /** {@code REPLICA_ID} when set, else host name, process id and a random suffix. */
    public static String replicaId(Map<String, String> env) {
        String given = Optional.ofNullable(env.get("REPLICA_ID")).map(String::trim).orElse("");
        if (!given.isEmpty()) {
            return given.length() > 64 ? given.substring(0, 64) : given;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "replica";
        }
        byte[] r = new byte[2];
        new SecureRandom().nextBytes(r);
        return host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(r);
    }

    /** True when other processes may share this database (PostgreSQL), so changes are recorded. */
    public boolean shared() {
        return db.engine() == Engine.POSTGRESQL;
    }

    /** This replica's id, recorded as the origin of its changes. */
    public String origin() {
        return origin;
    }

    /** True when the database is reached through a transaction pooler, where LISTEN cannot work. */
    public boolean transactionPooler() {
        return db.transactionPooler();
    }

    /** The NOTIFY channel of this schema (PostgreSQL identifiers are at most 63 bytes). */
    public String channel() {
        String name = LISTENER_PREFIX + db.schema().toLowerCase(java.util.Locale.ROOT);
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /**
     * Records a change and notifies listeners; returns its id (0 on SQLite). Called after the write it announces
     * committed, so a reader woken by it sees the new state.
     */
    public long publish(String topic, String detail) {
        if (!shared()) {
            return 0;
        }
        String d = detail == null ? "" : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
        long now = System.currentTimeMillis();
        long id = db.write(tx -> {
            Database.one(tx, "SELECT pg_advisory_xact_lock(hashtext(?)) AS locked", r -> Boolean.TRUE,
                    "spacegate-changes:" + db.schema());
            long next = Database.one(tx, db.sql("INSERT INTO ${p}replica_changes (topic, detail, origin, at_ms)"
                    + " VALUES (?, ?, ?, ?) RETURNING id"), r -> Database.longValue(r, "id"), topic, d, origin, now)
                    .orElseThrow();
            // what changed and its position; a listener still reads the row (it is the same for poll and listen)
            ObjectNode payload = JSON.createObjectNode().put("id", next).put("topic", topic).put("origin", origin)
                    .put("detail", d.length() > 500 ? d.substring(0, 500) : d);
            Database.one(tx, "SELECT pg_notify(?, ?) IS NULL AS sent", r -> Boolean.TRUE, channel(),
                    payload.toString());
            if (next % PRUNE_EVERY == 0) {
                tx.dml(db.sql("DELETE FROM ${p}replica_changes WHERE at_ms < ?"), now - RETENTION_MS);
            }
            return next;
        });
        LOG.log(System.Logger.Level.DEBUG, "announced change " + id + " (" + topic + ")");
        return id;
    }

    /** The newest change id (0 when none): one index lookup, the cheap version check of the poll fallback. */
    public long latestId() {
        return db.read(exec -> Database.one(exec, db.sql(LATEST), r -> Database.longValue(r, "id"))).orElse(0L);
    }

    /** Changes after {@code afterId}, oldest first, at most {@code limit}. */
    public List<Change> since(long afterId, int limit) {
        return db.read(exec -> Database.list(exec, db.sql(SINCE),
                r -> new Change(Database.longValue(r, "id"), Database.text(r, "topic"), Database.text(r, "detail"),
                        Database.text(r, "origin"), Database.longValue(r, "at_ms")), afterId, (long) limit));
    }

    /** Opens the dedicated listening connection (PostgreSQL only). */
    public ChangeListener listen() throws SQLException {
        return ChangeListener.open(db, this);
    }

    static final String LATEST = "SELECT id FROM ${p}replica_changes ORDER BY id DESC LIMIT 1";
    static final String SINCE = "SELECT id, topic, detail, origin, at_ms FROM ${p}replica_changes WHERE id > ?"
            + " ORDER BY id LIMIT ?";

    String sql(String text) {
        return db.sql(text);
    }

    /** The same reads on a dedicated connection (the listener's). */
    static List<Change> since(Connection c, String sql, long afterId, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, afterId);
            ps.setLong(2, limit);
            List<Change> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Change(rs.getLong("id"), rs.getString("topic"), rs.getString("detail"),
                            rs.getString("origin"), rs.getLong("at_ms")));
                }
            }
            return out;
        }
    }

    static long latestId(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong("id") : 0;
        }
    }
}
