package dev.spacegate.persistence;

import dev.spacegate.persistence.db.Database;
import dev.spacegate.persistence.dsn.PostgresDsn;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Test helper: the PostgreSQL named by PG_TEST_URL, a fresh schema per test class, and a printed reason when absent. */
public final class TestPg {
    /** Obviously fake data key used by tests (base64 of 32 bytes). */
    public static final String TEST_DATA_KEY = "dGVzdC1rZXktbm90LXNlY3JldC10ZXN0LWtleS1ub3Q=";

    private TestPg() {
    }

    /** A PostgreSQL started once per test JVM when Docker is there and PG_TEST_URL is not. */
    private static PostgreSQLContainer container;

    /**
     * PG_TEST_URL; else a Testcontainers PostgreSQL when Docker is available; else skips the calling test class
     * with a printed reason.
     */
    public static synchronized String requireUrl(String who) {
        Optional<String> url = Optional.ofNullable(System.getenv("PG_TEST_URL")).filter(s -> !s.isBlank());
        if (url.isPresent()) {
            return url.get();
        }
        if (container == null && DockerClientFactory.instance().isDockerAvailable()) {
            container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
        }
        if (container != null) {
            String jdbc = container.getJdbcUrl();
            return jdbc + (jdbc.contains("?") ? "&" : "?") + "user=" + container.getUsername()
                    + "&password=" + container.getPassword();
        }
        String reason = who + ": PostgreSQL engine skipped because PG_TEST_URL is not set and Docker is not"
                + " available (e.g. PG_TEST_URL=jdbc:postgresql://127.0.0.1:5432/test?user=postgres)";
        System.out.println(reason);
        Assumptions.abort(reason);
        return null;
    }

    /** A fresh schema name. */
    public static String freshSchema(String prefix) {
        return prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    /** Environment for a PostgreSQL-backed Persistence in {@code schema}. */
    public static Map<String, String> env(String url, String schema, String dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("PGSTORE_DSN", url);
        env.put("PGSTORE_SCHEMA", schema);
        env.put("DATA_DIR", dataDir);
        env.put("DATA_KEY", TEST_DATA_KEY);
        env.put("PGSTORE_CONNECT_WAIT_SECONDS", "5");
        return env;
    }

    /** Deletes a directory tree (test clean-up). */
    public static void deleteTree(java.nio.file.Path root) {
        if (root == null || !java.nio.file.Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Drops a schema and everything in it. */
    public static void dropSchema(String url, String schema) {
        try (Database db = Database.postgres(PostgresDsn.parse(url), "public", 1, Duration.ofSeconds(5))) {
            db.write(tx -> tx.dml("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE"));
        }
    }
}
