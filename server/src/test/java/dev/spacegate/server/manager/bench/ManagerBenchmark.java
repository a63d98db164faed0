package dev.spacegate.server.manager.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.server.Spacegate;
import dev.spacegate.server.config.ServerConfig;

/**
 * Dashboard summary and analytics over 1,000,000 usage events, on SQLite and (with PG_TEST_URL or PG_BENCH_URL)
 * PostgreSQL, through the real HTTP API. Baseline in the same run: the persistence store's own hour-rollup summary of
 * the whole window (in-process). Prints p50/p99 per query and the ratio to the baseline's p50.
 *
 * <pre>bench/manager.sh            # EVENTS=1000000 DAYS=30 by default</pre>
 */
public final class ManagerBenchmark {
    private static final String KEY = "bench-management-key-not-secret";
    private static final long DAY_MS = 86_400_000L;
    private static final String[][] MODELS = {
        {"gpt-5", "codex"}, {"gpt-5-mini", "codex"}, {"gpt-5-codex", "codex"}, {"claude-sonnet-4-5", "claude"},
        {"claude-opus-4-5", "claude"}, {"claude-haiku-4-5", "claude"}, {"gemini-2.5-pro", "gemini"},
        {"gemini-2.5-flash", "gemini"}};

    private ManagerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.LogManager.getLogManager().reset(); // one access-log line per request would swamp the figures
        int events = Integer.parseInt(System.getenv().getOrDefault("EVENTS", "1000000"));
        int days = Integer.parseInt(System.getenv().getOrDefault("DAYS", "30"));
        run("sqlite", events, days, null);
        String pg = System.getenv().getOrDefault("PG_BENCH_URL", System.getenv("PG_TEST_URL"));
        if (pg != null && !pg.isBlank()) {
            run("postgresql", events, days, pg);
        } else {
            System.out.println("postgresql: skipped (set PG_BENCH_URL or PG_TEST_URL)");
        }
    }

    private static void run(String engine, int events, int days, String pgUrl) throws Exception {
        Path dir = Files.createTempDirectory("sg-bench-");
        Map<String, String> storage = new HashMap<>(Map.of("DATA_DIR", dir.toString(),
                "DATA_KEY", "dGVzdC1rZXktbm90LXNlY3JldC10ZXN0LWtleS1ub3Q="));
        String schema = "sg_bench_" + Long.toHexString(System.nanoTime() & 0xffffffL);
        if (pgUrl != null) {
            storage.put("PGSTORE_DSN", pgUrl);
            storage.put("PGSTORE_SCHEMA", schema);
        }
        try (Persistence p = Persistence.open(PersistenceSettings.fromEnv(storage))) {
            long now = System.currentTimeMillis();
            long from = now - days * DAY_MS;
            long t0 = System.nanoTime();
            fill(p, events, from, now);
            System.out.printf("%s: inserted %,d events over %d days in %.1f s%n", engine, events, days,
                    (System.nanoTime() - t0) / 1e9);
            Map<String, String> env = Map.of("MANAGEMENT_PASSWORD", KEY, "HOST", "127.0.0.1", "PORT", "0");
            Spacegate sg = Spacegate.start(ServerConfig.from(ServerConfig.parseYaml(""), env,
                    java.util.Optional.empty()), p, env);
            try {
                HttpClient client = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + sg.port();
                long todayStart = now - DAY_MS; // a full day of traffic whatever the clock says
                Supplier<Integer> dashboard = () -> get(client, base + "/v0/management/dashboard/summary?today_start_ms="
                        + todayStart + "&now_ms=" + now);
                Supplier<Integer> dashboardAll = () -> get(client, base + "/v0/management/dashboard/summary?today_start_ms="
                        + from + "&now_ms=" + now);
                Supplier<Integer> analyticsDay = () -> post(client, base + "/v0/management/monitoring/analytics",
                        "{\"from_ms\":" + (now - DAY_MS) + ",\"to_ms\":" + now + "}");
                Supplier<Integer> analyticsAll = () -> post(client, base + "/v0/management/monitoring/analytics",
                        "{\"from_ms\":" + from + ",\"to_ms\":" + now + "}");
                Supplier<Integer> summaryAll = () -> post(client, base + "/v0/management/monitoring/analytics",
                        "{\"from_ms\":" + from + ",\"to_ms\":" + now + ",\"include\":{\"summary\":true}}");
                // baseline: the store's own hour-rollup summary of the whole window, in-process (no HTTP)
                Supplier<Integer> baseline = () -> {
                    p.usage().summary(dev.spacegate.persistence.usage.UsageFilter.between(
                            java.time.Instant.ofEpochMilli(from), java.time.Instant.ofEpochMilli(now)));
                    return 200;
                };
                long w0 = System.nanoTime();
                get(client, base + "/v0/management/dashboard/summary?today_start_ms=" + todayStart + "&now_ms=" + now);
                System.out.printf("%s: first dashboard (builds the hourly groups) %.1f s%n", engine,
                        (System.nanoTime() - w0) / 1e9);
                double base50 = measure(engine, "baseline: store rollup summary, all events", baseline, 20, 0);
                measure(engine, "dashboard summary, last 24 h (1/" + days + " of events)", dashboard, 30, base50);
                measure(engine, "dashboard summary, window = all events", dashboardAll, 10, base50);
                measure(engine, "analytics, last 24 h, all blocks", analyticsDay, 20, base50);
                measure(engine, "analytics summary only, all events", summaryAll, 10, base50);
                measure(engine, "analytics, all events, all blocks", analyticsAll, 10, base50);
            } finally {
                sg.stop();
            }
        } finally {
            if (pgUrl != null) {
                try (var db = dev.spacegate.persistence.db.Database.postgres(
                        dev.spacegate.persistence.dsn.PostgresDsn.parse(pgUrl), "public", 1,
                        java.time.Duration.ofSeconds(5))) {
                    db.write(tx -> tx.dml("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE"));
                }
            }
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void fill(Persistence p, int events, long from, long to) {
        Random r = new Random(42);
        List<UsageEvent> batch = new ArrayList<>(5000);
        String[] keys = new String[6];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = String.format("%064x", i + 1);
        }
        for (int i = 0; i < events; i++) {
            // like real traffic, each client key sticks to two models and each provider has three credentials
            int key = r.nextInt(keys.length);
            String[] m = MODELS[(key * 3 + r.nextInt(2)) % MODELS.length];
            String auth = m[1] + "-" + r.nextInt(3);
            long ts = from + (long) (r.nextDouble() * (to - from - 1));
            long input = r.nextInt(20) == 0 ? 150_000 + r.nextInt(150_000) : 500 + r.nextInt(20_000);
            long cached = r.nextInt(3) == 0 ? input / 2 : 0;
            boolean claude = m[1].equals("claude");
            long read = claude ? cached : 0;
            long output = 50 + r.nextInt(3000);
            boolean failed = r.nextInt(33) == 0;
            long latency = 200 + (long) Math.abs(r.nextGaussian() * 3000);
            String id = Integer.toHexString(i);
            batch.add(new UsageEvent(UsageEvent.computeHash(id, java.time.Instant.ofEpochMilli(ts), "POST /v1/responses",
                    m[0], auth, null, input, output, 0, cached, failed, latency), id, ts, m[1], null, m[0],
                    null, m[0], "POST /v1/responses", "oauth", auth, null, null, null, null,
                    keys[key], null, input, output, r.nextInt(500), cached, read, 0,
                    input + output, latency, latency / 5, failed, failed ? (r.nextBoolean() ? 429 : 500) : null,
                    null, null, null, ts));
            if (batch.size() == 5000) {
                p.usage().appendBatch(batch);
                batch.clear();
            }
        }
        p.usage().appendBatch(batch);
    }

    private static double measure(String engine, String name, Supplier<Integer> call, int runs, double baseline) {
        for (int i = 0; i < 3; i++) {
            check(call.get());
        }
        long[] ns = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            check(call.get());
            ns[i] = System.nanoTime() - t;
        }
        Arrays.sort(ns);
        double p50 = ns[runs / 2] / 1e6;
        double p99 = ns[Math.min(runs - 1, (int) Math.ceil(runs * 0.99) - 1)] / 1e6;
        System.out.printf("%-10s %-48s p50 %8.1f ms  p99 %8.1f ms%s%n", engine, name, p50, p99,
                baseline > 0 ? String.format("  (%.2fx baseline p50)", p50 / baseline) : "");
        return p50;
    }

    private static void check(int status) {
        if (status != 200) {
            throw new IllegalStateException("HTTP " + status);
        }
    }

    private static int get(HttpClient c, String url) {
        return send(c, HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY).GET().build());
    }

    private static int post(HttpClient c, String url, String body) {
        return send(c, HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static int send(HttpClient c, HttpRequest req) {
        try {
            return c.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
