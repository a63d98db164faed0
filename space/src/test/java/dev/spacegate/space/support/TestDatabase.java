package dev.spacegate.space.support;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The local test PostgreSQL ({@code PG_TEST_URL}) as a Space would reach it: a {@code postgres://} DSN like Aiven
 * and Supabase print, and a fresh schema per test ({@code PGSTORE_SCHEMA}) that is dropped afterwards.
 *
 * @param jdbcUrl the {@code PG_TEST_URL}, e.g. {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}
 * @param schema  a fresh schema name
 */
public record TestDatabase(String jdbcUrl, String schema) {

    /** Requires {@code PG_TEST_URL} (skips, or fails under CI=true, without it) and picks a fresh schema name. */
    public static TestDatabase require(String prefix) {
        String url = System.getenv("PG_TEST_URL");
        Tools.requireThat(url != null && !url.isBlank(),
                "PG_TEST_URL is not set (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres)");
        return new TestDatabase(url.trim(), prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    /**
     * A {@code postgres://user:password@host:port/db?sslmode=disable} DSN for this database, the form providers print.
     * The password is {@code PG_TEST_URL}'s when it has one (CI's PostgreSQL service), else {@code fakePassword}: the
     * local server trusts loopback, so it only has to be recognisable (the tests grep output for it).
     */
    public String dsn(String fakePassword) {
        URI u = URI.create(jdbcUrl.substring("jdbc:".length()));
        String user = "postgres";
        String password = fakePassword;
        if (u.getRawQuery() != null) {
            for (String kv : u.getRawQuery().split("&")) {
                if (kv.startsWith("user=")) {
                    user = URLDecoder.decode(kv.substring(5), StandardCharsets.UTF_8);
                } else if (kv.startsWith("password=")) {
                    password = URLDecoder.decode(kv.substring(9), StandardCharsets.UTF_8);
                }
            }
        }
        int port = u.getPort() < 0 ? 5432 : u.getPort();
        return "postgres://" + encode(user) + ":" + encode(password) + "@" + u.getHost() + ":" + port + u.getPath()
                + "?sslmode=disable";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Number of tables in the schema. */
    public int tables() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                PreparedStatement st = c.prepareStatement(
                        "select count(*) from information_schema.tables where table_schema = ?")) {
            st.setString(1, schema);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Drops the schema and everything in it. */
    public void drop() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            st.execute("drop schema if exists \"" + schema + "\" cascade");
        }
    }
}
