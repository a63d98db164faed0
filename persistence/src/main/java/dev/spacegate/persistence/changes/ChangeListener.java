package dev.spacegate.persistence.changes;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.spacegate.persistence.db.Database;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One connection of its own (not from the request pool) that {@code LISTEN}s on the schema's change channel and
 * reads the change log. Any failure surfaces as an {@link SQLException}; the caller closes it and reconnects.
 */
public final class ChangeListener implements AutoCloseable {
    /** Short timeouts: a dead connection must show up as an error within seconds, not minutes. */
    private static Map<String, String> session(String origin) {
        String app = "spacegate-listener:" + origin;
        return Map.of("connectTimeout", "5", "socketTimeout", "15", "loginTimeout", "5", "tcpKeepAlive", "true",
                "ApplicationName", app.length() > 63 ? app.substring(0, 63) : app);
    }

    private final Connection connection;
    private final PGConnection pg;
    private final String latestSql;
    private final String sinceSql;

    private ChangeListener(Connection connection, ChangeLog log) {
        this.connection = connection;
        this.pg = unwrap(connection);
        this.latestSql = log.sql(ChangeLog.LATEST);
        this.sinceSql = log.sql(ChangeLog.SINCE);
    }

    static ChangeListener open(Database db, ChangeLog log) throws SQLException {
        Connection c = db.openDedicated(session(log.origin()));
        try {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("LISTEN \"" + log.channel() + "\"");
            }
            return new ChangeListener(c, log);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static PGConnection unwrap(Connection c) {
        try {
            return c.unwrap(PGConnection.class);
        } catch (SQLException e) {
            throw new IllegalStateException("not a PostgreSQL connection", e);
        }
    }

    /** Waits up to {@code timeout} for notifications; returns how many arrived (0 on timeout). */
    public int await(Duration timeout) throws SQLException {
        PGNotification[] got = pg.getNotifications((int) Math.max(1, timeout.toMillis()));
        return got == null ? 0 : got.length;
    }

    /** The newest change id, read on this connection (also proves the connection is alive). */
    public long latestId() throws SQLException {
        return ChangeLog.latestId(connection, latestSql);
    }

    /** Changes after {@code afterId}, oldest first, read on this connection. */
    public List<Change> since(long afterId, int limit) throws SQLException {
        return new ArrayList<>(ChangeLog.since(connection, sinceSql, afterId, limit));
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the connection is being dropped anyway
        }
    }
}
