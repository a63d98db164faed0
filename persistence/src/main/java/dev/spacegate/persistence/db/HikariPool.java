package dev.spacegate.persistence.db;

import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;

import java.sql.Connection;
import java.sql.SQLException;

/** Hands Helidon DB Client connections from a Hikari pool that {@link Database} configured explicitly. */
final class HikariPool implements JdbcConnectionPool {
    private final HikariDataSource dataSource;
    private final String dbType;

    HikariPool(HikariDataSource dataSource, String dbType) {
        this.dataSource = dataSource;
        this.dbType = dbType;
    }

    @Override
    public Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException("no database connection available (SQLState " + e.getSQLState() + ")", e);
        }
    }

    @Override
    public String dbType() {
        return dbType;
    }

    @Override
    public String name() {
        return "spacegate";
    }

    @Override
    public String type() {
        return "hikari";
    }
}
