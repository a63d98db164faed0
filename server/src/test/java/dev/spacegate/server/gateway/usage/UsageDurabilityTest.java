package dev.spacegate.server.gateway.usage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Usage records survive crashes, database outages and shutdowns: real server processes under load, PostgreSQL
 * behind a proxy that cuts or black-holes it, every answered request matched with its usage row by request id.
 * The scenarios run side by side (they mostly wait on outages); each test method checks one of them.
 */
class UsageDurabilityTest {
    private static final Pattern PG_HOST = Pattern.compile("//([^/:?]+):(\\d+)/");
    private static final Pattern NOT_WRITTEN = Pattern.compile("(\\d+) usage records not written");
    private static final int GRACE_SECONDS = 3;
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    /** What one scenario saw: requests answered, usage rows per request id, and what the server reported. */
    record Outcome(Set<String> answered, Map<String, Integer> recorded, long reported, long stopMs, String lastLine) {
        long lost() {
            return answered.stream().filter(id -> !recorded.containsKey(id)).count();
        }

        long duplicated() {
            return recorded.values().stream().filter(n -> n > 1).count();
        }
    }

    private static WebServer upstream;
    private static String pgUrl;
    private static Path root;
    private static final Map<String, CompletableFuture<Outcome>> RUNS = new HashMap<>();

    @BeforeAll
    static void runScenarios() throws Exception {
        upstream = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.post("/v1/chat/completions",
                (req, res) -> {
                    req.content().consume();
                    res.header("Content-Type", "application/json").send(("{\"id\":\"c1\",\"object\":\"chat.completion\","
                            + "\"model\":\"up\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                            + "\"content\":\"ok\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,"
                            + "\"completion_tokens\":2,\"total_tokens\":5}}").getBytes(StandardCharsets.UTF_8));
                })).build().start();
        pgUrl = Optional.ofNullable(System.getenv("PG_TEST_URL")).filter(s -> !s.isBlank()).orElse(null);
        root = Files.createTempDirectory("usage-wal");
        run("sqlite-kill9", () -> kill9UnderLoad(null));
        if (pgUrl != null) {
            run("pg-kill9", () -> kill9UnderLoad(new DbProxy(pgHost(), pgPort())));
            run("pg-kill9-outage", UsageDurabilityTest::kill9DuringOutage);
            run("pg-sigterm-outage-same-dir", () -> sigtermDuringOutage(false));
            run("pg-sigterm-outage-wiped", () -> sigtermDuringOutage(true));
        } else {
            System.out.println("UsageDurabilityTest: PostgreSQL scenarios skipped, PG_TEST_URL is not set");
        }
    }

    private interface Scenario {
        Outcome run() throws Exception;
    }

    private static void run(String name, Scenario s) {
        String only = System.getProperty("usage.scenario", "");
        if (!only.isEmpty() && !only.equals(name)) {
            return; // -Dusage.scenario=NAME runs one scenario (when working on it)
        }
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        RUNS.put(name, f);
        Thread.ofPlatform().name("scenario-" + name).start(() -> {
            try {
                Outcome o = s.run();
                System.out.println("UsageDurabilityTest[" + name + "]: answered " + o.answered().size() + ", rows "
                        + o.recorded().size() + ", lost " + o.lost() + ", duplicated " + o.duplicated()
                        + (o.stopMs() >= 0 ? ", stop " + o.stopMs() + " ms" : "")
                        + (o.reported() >= 0 ? ", reported not written " + o.reported() : ""));
                f.complete(o);
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
    }

    private static Outcome outcome(String name) throws Exception {
        CompletableFuture<Outcome> f = RUNS.get(name);
        if (f == null) {
            Assumptions.abort("PG_TEST_URL is not set, or another scenario was chosen");
        }
        return f.get(5, TimeUnit.MINUTES);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (CompletableFuture<Outcome> f : RUNS.values()) {
            try {
                f.get(5, TimeUnit.MINUTES);
            } catch (Exception e) {
                // reported by its test
            }
        }
        if (upstream != null) {
            upstream.stop();
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    // --- the checks ---------------------------------------------------------------------------------------

    @Test
    void kill9UnderLoadLosesNothingOnSqlite() throws Exception {
        assertNoneLostNoneTwice(outcome("sqlite-kill9"));
    }

    @Test
    void kill9UnderLoadLosesNothingOnPostgres() throws Exception {
        assertNoneLostNoneTwice(outcome("pg-kill9"));
    }

    @Test
    void kill9DuringAThirtySecondOutageLosesNothing() throws Exception {
        assertNoneLostNoneTwice(outcome("pg-kill9-outage"));
    }

    @Test
    void sigtermDuringAnOutageThenARestartOnTheSameDataLosesNothing() throws Exception {
        Outcome o = outcome("pg-sigterm-outage-same-dir");
        assertTrue(o.reported() > 0, "the last line reports what was not written: " + o.lastLine());
        assertNoneLostNoneTwice(o);
    }

    @Test
    void sigtermDuringAnOutageThenAWipedDataDirLosesExactlyWhatWasReported() throws Exception {
        Outcome o = outcome("pg-sigterm-outage-wiped");
        assertTrue(o.reported() > 0, o.lastLine());
        assertEquals(o.reported(), o.lost(), "lost records equal the count in the last log line: " + o.lastLine());
        assertEquals(0, o.duplicated());
    }

    @Test
    void aStopDuringAnOutageEndsWithinTheGracePeriodPlusTwoSeconds() throws Exception {
        for (String name : List.of("pg-sigterm-outage-same-dir", "pg-sigterm-outage-wiped")) {
            Outcome o = outcome(name);
            assertTrue(o.stopMs() <= (GRACE_SECONDS + 2) * 1000L, name + ": stop took " + o.stopMs() + " ms");
        }
    }

    private static void assertNoneLostNoneTwice(Outcome o) {
        assertTrue(o.answered().size() >= 100, "too little load to tell: " + o.answered().size());
        List<String> lost = o.answered().stream().filter(id -> !o.recorded().containsKey(id)).limit(5).toList();
        assertEquals(0, o.lost(), "answered requests without a usage row, e.g. " + lost);
        assertEquals(0, o.duplicated(), "request ids with more than one usage row");
    }

    // --- the scenarios ------------------------------------------------------------------------------------

    /** Load, kill -9 while it runs, start again on the same data, let the log drain. */
    private static Outcome kill9UnderLoad(DbProxy proxy) throws Exception {
        String schema = proxy == null ? null : schema();
        Path dir = root.resolve(proxy == null ? "sqlite-kill9" : "pg-kill9");
        Map<String, String> env = env(proxy, schema);
        Set<String> answered;
        try (ServerProcess first = ServerProcess.start(dir, upstream.port(), env);
             Load load = new Load(first.port, 4, 5)) {
            load.awaitAnswered(300, Duration.ofSeconds(60));
            first.kill9();
            load.close();
            answered = load.answered;
        }
        return restartAndCount(dir, env, proxy, schema, answered, -1, -1, "");
    }

    /** Load, cut the database, kill -9 ten seconds into a 30 s outage, bring it back, start again. */
    private static Outcome kill9DuringOutage() throws Exception {
        DbProxy proxy = new DbProxy(pgHost(), pgPort());
        String schema = schema();
        Path dir = root.resolve("pg-kill9-outage");
        Map<String, String> env = env(proxy, schema);
        Set<String> answered;
        long cutAt;
        try (ServerProcess first = ServerProcess.start(dir, upstream.port(), env);
             Load load = new Load(first.port, 4, 10)) {
            load.awaitAnswered(100, Duration.ofSeconds(60));
            proxy.cut();
            cutAt = System.nanoTime();
            load.awaitAnswered(load.answered.size() + 400, Duration.ofSeconds(60));
            com.fasterxml.jackson.databind.JsonNode usage = first.usageStatus();
            assertTrue(usage.path("pending").asLong() > 0 && usage.path("oldest_pending_age_s").asLong() >= 0,
                    "/status shows the records waiting in the log during the outage: " + usage);
            first.kill9();
            load.close();
            answered = load.answered;
        }
        long left = OUTAGE.toNanos() - (System.nanoTime() - cutAt);
        if (left > 0) {
            Thread.sleep(left / 1_000_000); // the outage lasts its 30 s whatever the server does
        }
        proxy.restore();
        return restartAndCount(dir, env, proxy, schema, answered, -1, -1, "");
    }

    /** Load, cut (or black-hole) the database, SIGTERM; then start again on the same data or count what is lost. */
    private static Outcome sigtermDuringOutage(boolean wipe) throws Exception {
        DbProxy proxy = new DbProxy(pgHost(), pgPort());
        String schema = schema();
        Path dir = root.resolve(wipe ? "pg-sigterm-wiped" : "pg-sigterm-same");
        Map<String, String> env = env(proxy, schema);
        Set<String> answered;
        long stopMs;
        String last;
        try (ServerProcess first = ServerProcess.start(dir, upstream.port(), env);
             Load load = new Load(first.port, 4, 10)) {
            load.awaitAnswered(100, Duration.ofSeconds(60));
            if (wipe) {
                proxy.blackhole();
            } else {
                proxy.cut();
            }
            load.awaitAnswered(load.answered.size() + 300, Duration.ofSeconds(60));
            stopMs = first.sigterm();
            load.close();
            answered = load.answered;
            last = first.lastLine();
            if (!last.contains("Spacegate stopped")) {
                List<String> out = first.output();
                last = last + "\n--- output tail:\n" + String.join("\n", out.subList(Math.max(0, out.size() - 25),
                        out.size()));
            }
        }
        Matcher m = NOT_WRITTEN.matcher(last);
        long reported = m.find() ? Long.parseLong(m.group(1)) : last.contains("usage log drained") ? 0 : -1;
        proxy.restore();
        if (wipe) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            Outcome o = new Outcome(answered, pgRows(schema), reported, stopMs, last);
            proxy.close();
            return o;
        }
        return restartAndCount(dir, env, proxy, schema, answered, reported, stopMs, last);
    }

    private static Outcome restartAndCount(Path dir, Map<String, String> env, DbProxy proxy, String schema,
                                           Set<String> answered, long reported, long stopMs, String last)
            throws Exception {
        try (ServerProcess second = ServerProcess.start(dir, upstream.port(), env)) {
            second.awaitDrained(Duration.ofSeconds(60));
            second.sigterm();
        }
        Map<String, Integer> rows = proxy == null ? sqliteRows(dir.resolve("data").resolve("spacegate.db"))
                : pgRows(schema);
        if (proxy != null) {
            proxy.close();
        }
        return new Outcome(answered, rows, reported, stopMs, last);
    }

    // --- plumbing -----------------------------------------------------------------------------------------

    private static Map<String, String> env(DbProxy proxy, String schema) {
        Map<String, String> env = new HashMap<>();
        env.put("SHUTDOWN_GRACE_SECONDS", Integer.toString(GRACE_SECONDS));
        if (proxy != null) {
            env.put("PGSTORE_DSN", pgUrl.replaceFirst("//[^/:?]+:\\d+/", "//127.0.0.1:" + proxy.port() + "/"));
            env.put("PGSTORE_SCHEMA", schema);
            env.put("PGSTORE_CONNECT_WAIT_SECONDS", "20");
            env.put("DATA_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="); // a test key, not a secret
        }
        return env;
    }

    private static String schema() {
        return "usagewal_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    }

    private static String pgHost() {
        Matcher m = PG_HOST.matcher(pgUrl);
        if (!m.find()) {
            throw new IllegalStateException("PG_TEST_URL has no host:port");
        }
        return m.group(1);
    }

    private static int pgPort() {
        Matcher m = PG_HOST.matcher(pgUrl);
        m.find();
        return Integer.parseInt(m.group(2));
    }

    private static Map<String, Integer> pgRows(String schema) throws Exception {
        try (Connection c = DriverManager.getConnection(pgUrl)) {
            Map<String, Integer> rows = rows(c, "SELECT request_id, count(*) FROM \"" + schema
                    + "\".usage_events GROUP BY request_id");
            try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
            }
            return rows;
        }
    }

    private static Map<String, Integer> sqliteRows(Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            return rows(c, "SELECT request_id, count(*) FROM usage_events GROUP BY request_id");
        }
    }

    private static Map<String, Integer> rows(Connection c, String sql) throws Exception {
        Map<String, Integer> rows = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getInt(2));
            }
        }
        return rows;
    }
}
