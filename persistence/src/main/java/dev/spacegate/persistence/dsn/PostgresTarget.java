package dev.spacegate.persistence.dsn;

import java.util.Map;
import java.util.TreeMap;

/**
 * A PostgreSQL connection ready for pgjdbc: a credential-free JDBC URL plus driver properties (which hold the user
 * and password). {@link #toString()} and {@link #describe()} never show the password.
 *
 * @param jdbcUrl           {@code jdbc:postgresql://host:port/db}
 * @param host              host as written in the URL (IPv6 in brackets)
 * @param port              port
 * @param database          database name
 * @param properties        pgjdbc properties, including {@code user} and {@code password}
 * @param transactionPooler true when the target is a transaction-mode pooler (prepared statements disabled)
 */
public record PostgresTarget(String jdbcUrl, String host, int port, String database, Map<String, String> properties,
                             boolean transactionPooler) {

    public PostgresTarget {
        properties = Map.copyOf(properties);
    }

    /** {@code host:port}, for error messages. */
    public String hostPort() {
        return host + ":" + port;
    }

    /** Safe one-line description: host, port, database, user, sslmode, pooler mode. */
    public String describe() {
        return hostPort() + "/" + database + " as " + properties.getOrDefault("user", "?")
                + " (sslmode=" + properties.getOrDefault("sslmode", "prefer")
                + (transactionPooler ? ", transaction pooler" : "") + ")";
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>(properties);
        shown.computeIfPresent("password", (k, v) -> "***");
        return "PostgresTarget[" + jdbcUrl + " " + shown + "]";
    }
}
