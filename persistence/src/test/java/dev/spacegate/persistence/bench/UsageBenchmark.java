package dev.spacegate.persistence.bench;

import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.persistence.db.Database;
import dev.spacegate.persistence.usage.GroupBy;
import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.persistence.usage.UsageFilter;
import dev.spacegate.persistence.usage.UsageTotals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Usage store benchmark on both engines. Measures batched inserts (events/s, against single-event inserts as the
 * baseline) and a summary over N events (rollup query, against the same sums scanned from raw events).
 *
 * <pre>
 * PG_TEST_URL='jdbc:postgresql://127.0.0.1:5432/test?user=postgres' ./mvnw -q -B -pl persistence test-compile exec:java \
 *   -Dexec.classpathScope=test -Dexec.mainClass=dev.spacegate.persistence.bench.UsageBenchmark -Dexec.args="1000000 500"
 * </pre>
 */
public final class UsageBenchmark {
    private static final long DAY_MS = 86_400_000L;
    private static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final int DAYS = 30;
    private static final String[] MODELS = {"gpt-5", "gpt-5-mini", "gpt-5.5", "claude-sonnet", "claude-opus",
                                            "gemini-2.5-pro", "gemini-2.5-flash", "grok-4"};

    private UsageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        System.out.printf(Locale.ROOT, "usage benchmark: %,d events over %d days, batches of %d%n", events, DAYS, batch);
        Path dir = Files.createTempDirectory("sg-bench-");
        try (Persistence p = Persistence.open(PersistenceSettings.embedded(dir))) {
            run("sqlite", p, events, batch);
        } finally {
            TestPg.deleteTree(dir);
        }
        String url = System.getenv("PG_TEST_URL");
        if (url == null || url.isBlank()) {
            System.out.println("postgresql: skipped (PG_TEST_URL not set)");
            return;
        }
        String schema = TestPg.freshSchema("sg_bench");
        Path pgDir = Files.createTempDirectory("sg-bench-pg-");
        try (Persistence p = Persistence.open(PersistenceSettings.fromEnv(TestPg.env(url, schema, pgDir.toString())))) {
            run("postgresql", p, events, batch);
        } finally {
            TestPg.dropSchema(url, schema);
            TestPg.deleteTree(pgDir);
        }
    }

    private static void run(String engine, Persistence p, int total, int batch) {
        SplittableRandom random = new SplittableRandom(42);
        // baseline: one event per transaction, as a naive writer would do it
        int singles = Math.min(2_000, total);
        long t0 = System.nanoTime();
        for (int i = 0; i < singles; i++) {
            p.usage().appendBatch(List.of(event(i, total, random)));
        }
        double singleRate = singles / seconds(t0);

        t0 = System.nanoTime();
        List<UsageEvent> chunk = new ArrayList<>(batch);
        for (int i = singles; i < total; i++) {
            chunk.add(event(i, total, random));
            if (chunk.size() == batch) {
                p.usage().appendBatch(chunk);
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            p.usage().appendBatch(chunk);
        }
        double batchRate = (total - singles) / seconds(t0);
        System.out.printf(Locale.ROOT, "%s insert: batched %,.0f events/s, single-event baseline %,.0f events/s"
                + " -> %.1fx%n", engine, batchRate, singleRate, batchRate / singleRate);

        UsageFilter all = UsageFilter.between(Instant.ofEpochMilli(START), Instant.ofEpochMilli(START + DAYS * DAY_MS));
        UsageTotals totals = p.usage().summary(all);
        if (totals.calls() != total) {
            throw new IllegalStateException("rollups count " + totals.calls() + " calls, expected " + total);
        }
        double summaryMs = medianMs(() -> p.usage().summary(all));
        double byModelMs = medianMs(() -> p.usage().rollups(all, GroupBy.MODEL));
        double byDayMs = medianMs(() -> p.usage().rollups(all.withModel("gpt-5"), GroupBy.DAY));
        double byCredentialMs = medianMs(() -> p.usage().summary(all.withAuthIndex(String.format("%016x", 3))));
        Database db = p.database();
        String raw = db.sql("SELECT COUNT(*) AS n, COALESCE(SUM(failed), 0) AS f, COALESCE(SUM(input_tokens), 0) AS i,"
                + " COALESCE(SUM(output_tokens), 0) AS o, COALESCE(SUM(total_tokens), 0) AS t,"
                + " COALESCE(SUM(latency_ms), 0) AS l FROM ${p}usage_events WHERE timestamp_ms >= ? AND timestamp_ms < ?");
        double rawMs = medianMs(() -> db.read(exec -> Database.one(exec, raw, r -> Database.longValue(r, "n"),
                START, START + DAYS * DAY_MS)));
        System.out.printf(Locale.ROOT, "%s summary over %,d events: rollups %.1f ms (p50 %.0f ms, p95 %.0f ms,"
                        + " p99 %.0f ms), raw-scan baseline %.1f ms -> %.0fx faster; by model %.1f ms, one model by day %.1f ms, one credential %.1f ms%n",
                engine, total, summaryMs, totals.latencyPercentileMs(0.5).orElse(0),
                totals.latencyPercentileMs(0.95).orElse(0), totals.latencyPercentileMs(0.99).orElse(0), rawMs,
                rawMs / summaryMs, byModelMs, byDayMs, byCredentialMs);
    }

    private static UsageEvent event(int i, int total, SplittableRandom r) {
        long ts = START + (long) ((double) i / total * DAYS * DAY_MS);
        String model = MODELS[r.nextInt(MODELS.length)];
        String authIndex = String.format("%016x", r.nextInt(12));
        String keyHash = String.format("%064x", r.nextInt(5));
        long latency = (long) Math.exp(5 + r.nextDouble() * 4.5); // ~150 ms .. ~13 s, skewed low
        long input = 200 + r.nextInt(4000);
        long output = 50 + r.nextInt(1500);
        boolean failed = r.nextInt(50) == 0;
        String requestId = Integer.toHexString(i);
        String hash = UsageEvent.computeHash(requestId, Instant.ofEpochMilli(ts), "POST /v1/chat/completions", model,
                authIndex, null, input, output, 0, 0, failed, latency);
        return new UsageEvent(hash, requestId, ts, model.startsWith("claude") ? "claude" : "codex", null, model, model,
                model, "POST /v1/chat/completions", "oauth", authIndex, null, null, null, null, keyHash, "m:****",
                input, output, 0, 0, 0, 0, input + output, latency, latency / 5, failed, failed ? 429 : null, null,
                null, null, System.currentTimeMillis());
    }

    private static double medianMs(Supplier<?> work) {
        double[] ms = new double[7];
        work.get(); // warm-up
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            work.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static {
        // quiet the per-batch INFO lines from Hikari and the stores while measuring
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }
}
