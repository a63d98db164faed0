package dev.spacegate.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.auth.AuthFileInfo;
import dev.spacegate.persistence.auth.AuthStore;
import dev.spacegate.persistence.db.Database;
import dev.spacegate.persistence.db.Engine;
import dev.spacegate.persistence.migrate.Migration;
import dev.spacegate.persistence.migrate.Migrations;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.persistence.usage.GroupBy;
import dev.spacegate.persistence.usage.RollupRow;
import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.persistence.usage.UsageFilter;
import dev.spacegate.persistence.usage.UsagePage;
import dev.spacegate.persistence.usage.UsageQuery;
import dev.spacegate.persistence.usage.UsageStore;
import dev.spacegate.persistence.usage.UsageTotals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store specification, run once per engine by {@link SqliteStoreTest} and {@link PostgresStoreTest}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreSuite {
    static final ObjectMapper JSON = new ObjectMapper();
    /** 2026-01-01T00:00:00Z */
    static final long T0 = 1_767_225_600_000L;
    static final long HOUR = 3_600_000L;

    Persistence persistence;

    /** Opens a Persistence on a fresh, empty database of the engine under test (may be called more than once). */
    abstract Persistence openFresh();

    /** Releases whatever {@link #openFresh()} calls created. */
    abstract void cleanUp();

    @BeforeAll
    void start() {
        persistence = openFresh();
    }

    @AfterAll
    void stop() {
        if (persistence != null) {
            persistence.close();
        }
        cleanUp();
    }

    // --- settings -----------------------------------------------------------------------------------------

    @Test
    void settingsCompareAndSet() {
        SettingsStore s = persistence.settings();
        ObjectNode v1 = JSON.createObjectNode().put("theme", "dark");
        long version = s.put("ui.prefs", v1, SettingsStore.ABSENT);
        assertEquals(1, version);
        PersistenceException twice = assertThrows(PersistenceException.class,
                () -> s.put("ui.prefs", v1, SettingsStore.ABSENT));
        assertEquals(Code.VERSION_CONFLICT, twice.code());

        ObjectNode v2 = JSON.createObjectNode().put("theme", "light");
        assertEquals(2, s.put("ui.prefs", v2, 1));
        PersistenceException stale = assertThrows(PersistenceException.class, () -> s.put("ui.prefs", v1, 1));
        assertEquals(Code.VERSION_CONFLICT, stale.code());

        assertEquals(v2, s.get("ui.prefs").orElseThrow().value());
        assertEquals(2, s.get("ui.prefs").orElseThrow().version());
        assertTrue(s.keys().contains("ui.prefs"));
        assertFalse(s.delete("ui.prefs", 1));
        assertTrue(s.delete("ui.prefs", 2));
        assertTrue(s.get("ui.prefs").isEmpty());
    }

    // --- config -------------------------------------------------------------------------------------------

    @Test
    void configSavedByteForByteWithVersions() {
        var config = persistence.config();
        String yaml = "port: 7860\r\napi-keys:\n  - \"test-key-not-secret\"\n# ünïcode ✓\n";
        long base = config.load().map(Versioned::version).orElse(0L);
        long v = config.save(yaml, base);
        assertEquals(base + 1, v);
        assertEquals(yaml, config.load().orElseThrow().value());
        PersistenceException conflict = assertThrows(PersistenceException.class, () -> config.save("x: 1\n", base));
        assertEquals(Code.VERSION_CONFLICT, conflict.code());
    }

    // --- usage --------------------------------------------------------------------------------------------

    static UsageEvent event(int i) {
        ObjectNode o = JSON.createObjectNode();
        o.put("timestamp", T0 + i * 60_000L); // one a minute
        o.put("latency_ms", 100 + (i % 50) * 40);
        o.put("source", "user" + (i % 3) + "@example.com");
        o.put("auth_index", "idx" + (i % 4));
        ObjectNode tokens = o.putObject("tokens");
        tokens.put("input_tokens", 10 + i % 7);
        tokens.put("output_tokens", 5 + i % 5);
        tokens.put("reasoning_tokens", i % 3);
        tokens.put("cached_tokens", i % 2);
        o.put("failed", i % 10 == 0);
        if (i % 10 == 0) {
            o.putObject("fail").put("status_code", 429).put("body", "rate limited");
        }
        o.put("provider", i % 2 == 0 ? "codex" : "claude");
        o.put("model", i % 2 == 0 ? "gpt-5" : "claude-sonnet");
        o.put("endpoint", "POST /v1/chat/completions");
        o.put("api_key", "test-key-not-secret-" + (i % 2));
        o.put("request_id", String.format("%08x", i));
        return UsageEvent.fromJson(o);
    }

    @Test
    void usageAppendDeduplicatesAndKeepsRollupsExact() {
        UsageStore usage = persistence.usage();
        long before = usage.count();
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            events.add(event(i));
        }
        List<UsageEvent> withRepeats = new ArrayList<>(events);
        withRepeats.addAll(events.subList(0, 20)); // repeated inside the batch
        assertEquals(300, usage.appendBatch(withRepeats));
        assertEquals(0, usage.appendBatch(events.subList(100, 200)), "second delivery adds nothing");
        assertEquals(before + 300, usage.count());

        UsageFilter range = UsageFilter.between(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 300 * 60_000L));
        UsageTotals totals = usage.summary(range);
        UsageTotals expected = expectedTotals(events);
        assertEquals(expected, totals);
        assertEquals(30, totals.failures());

        UsageTotals codex = usage.summary(range.withProvider("codex"));
        assertEquals(expectedTotals(events.stream().filter(e -> "codex".equals(e.provider())).toList()), codex);
        UsageTotals idx1 = usage.summary(range.withAuthIndex("idx1").withModel("claude-sonnet"));
        assertEquals(expectedTotals(events.stream()
                .filter(e -> "idx1".equals(e.authIndex()) && "claude-sonnet".equals(e.model())).toList()), idx1);

        List<RollupRow> byHour = usage.rollups(range, GroupBy.HOUR);
        assertEquals(5, byHour.size());
        assertEquals(Instant.ofEpochMilli(T0).toString(), byHour.get(0).key());
        assertEquals(60, byHour.get(0).totals().calls());
        List<RollupRow> byModel = usage.rollups(range, GroupBy.MODEL);
        assertEquals(List.of("claude-sonnet", "gpt-5"), byModel.stream().map(RollupRow::key).toList());
        assertEquals(2, usage.rollups(range, GroupBy.API_KEY).size());
        assertEquals("2026-01-01", usage.rollups(range, GroupBy.DAY).get(0).key());

        double p50 = totals.latencyPercentileMs(0.5).orElseThrow();
        double exact = events.stream().mapToLong(UsageEvent::latencyMs).sorted().skip(149).findFirst().orElseThrow();
        assertTrue(Math.abs(p50 - exact) <= exact * 0.5, "p50 estimate " + p50 + " vs exact " + exact);
    }

    static UsageTotals expectedTotals(List<UsageEvent> events) {
        UsageTotals t = UsageTotals.empty();
        for (UsageEvent e : events) {
            long[] h = new long[UsageTotals.BUCKETS];
            h[UsageTotals.bucketOf(e.latencyMs())]++;
            t = t.plus(new UsageTotals(1, e.failed() ? 1 : 0, e.inputTokens(), e.outputTokens(), e.reasoningTokens(),
                    e.cachedTokens(), e.cacheReadTokens(), e.cacheCreationTokens(), e.totalTokens(), e.latencyMs(), 1, h));
        }
        return t;
    }

    @Test
    void usageQueryPagesWithFiltersNewestFirst() {
        UsageStore usage = persistence.usage();
        long base = T0 + 400L * 24 * HOUR; // a separate day, away from the other tests
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 57; i++) {
            ObjectNode o = event(i).toJson();
            o.remove("event_hash");
            o.put("timestamp", base + (i / 2) * 1000L); // pairs share a timestamp: paging must not lose ties
            o.put("request_id", "page-" + i);
            o.put("api_key", "test-key-not-secret-" + (i % 2));
            events.add(UsageEvent.fromJson(o));
        }
        usage.appendBatch(events);
        UsageFilter day = UsageFilter.between(Instant.ofEpochMilli(base), Instant.ofEpochMilli(base + HOUR));

        Set<String> seen = new HashSet<>();
        List<UsageEvent> all = new ArrayList<>();
        UsageQuery q = UsageQuery.first(day, 10);
        int pages = 0;
        while (true) {
            UsagePage page = usage.query(q);
            pages++;
            all.addAll(page.events());
            page.events().forEach(e -> assertTrue(seen.add(e.eventHash()), "no repeats across pages"));
            if (page.nextCursor().isEmpty()) {
                break;
            }
            q = q.after(page.nextCursor().get());
        }
        assertEquals(6, pages);
        assertEquals(57, all.size());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1).timestampMs() >= all.get(i).timestampMs(), "newest first");
        }

        String keyHash = events.get(1).apiKeyHash();
        UsagePage byKey = usage.query(UsageQuery.first(day.withApiKeyHash(keyHash), 100));
        assertEquals(28, byKey.events().size());
        assertTrue(byKey.events().stream().allMatch(e -> keyHash.equals(e.apiKeyHash())));
        UsagePage byModel = usage.query(UsageQuery.first(day.withModel("gpt-5").withAuthIndex("idx0"), 100));
        assertEquals(events.stream().filter(e -> e.model().equals("gpt-5") && "idx0".equals(e.authIndex())).count(),
                byModel.events().size());

        UsageEvent stored = usage.query(UsageQuery.first(day.withModel("gpt-5"), 100)).events().stream()
                .filter(e -> e.requestId().equals("page-10")).findFirst().orElseThrow();
        UsageEvent original = events.get(10);
        assertEquals(original.toJson().without("created_at_ms"), stored.toJson().without("created_at_ms"));

        // request id prefix and failed/ok filters are applied in SQL, with LIKE wildcards taken literally
        assertEquals(List.of("page-10"), usage.query(UsageQuery.first(day, 100).withRequestId("page-10"))
                .events().stream().map(UsageEvent::requestId).toList());
        assertEquals(11, usage.query(UsageQuery.first(day, 100).withRequestId("page-1")).events().size());
        assertEquals(0, usage.query(UsageQuery.first(day, 100).withRequestId("page_1")).events().size());
        long failedCount = events.stream().filter(UsageEvent::failed).count();
        assertEquals(failedCount, usage.query(UsageQuery.first(day, 100).withFailed(true)).events().size());
        assertEquals(57 - failedCount, usage.query(UsageQuery.first(day, 100).withFailed(false)).events().size());

        PersistenceException bad = assertThrows(PersistenceException.class,
                () -> usage.query(UsageQuery.first(day, 5).after("not-a-cursor")));
        assertEquals(Code.INVALID_CONTENT, bad.code());
    }

    @Test
    void aggregateSumsRawEventsByDimensionAndInputBand() {
        UsageStore usage = persistence.usage();
        long base = T0 + 600L * 24 * HOUR; // a separate day, away from the other tests
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ObjectNode o = (ObjectNode) event(i).toJson();
            o.remove("event_hash");
            o.put("timestamp", base + i * 60_000L);
            o.put("request_id", "agg-" + i);
            o.put("input_tokens", i % 4 == 0 ? 300_000 : 1000 + i);
            o.put("cached_tokens", 50);
            o.put("cache_read_tokens", i % 2 == 0 ? 20 : 0);
            o.put("cache_creation_tokens", i % 5 == 0 ? 40 : 0);
            o.put("ttft_ms", 30 + i);
            events.add(UsageEvent.fromJson(o));
        }
        assertEquals(40, usage.appendBatch(events));
        UsageFilter range = UsageFilter.between(Instant.ofEpochMilli(base), Instant.ofEpochMilli(base + HOUR));
        List<dev.spacegate.persistence.usage.EventGroup> groups = usage.aggregate(range,
                Set.of(dev.spacegate.persistence.usage.EventDimension.MODEL,
                        dev.spacegate.persistence.usage.EventDimension.FAIL_STATUS), List.of(200_000L, 1_000_000L));
        assertEquals(40, groups.stream().mapToLong(dev.spacegate.persistence.usage.EventGroup::calls).sum());
        var gptLongOk = groups.stream().filter(g -> g.key(dev.spacegate.persistence.usage.EventDimension.MODEL)
                .equals("gpt-5") && g.inputBand() == 1 && g.key(
                        dev.spacegate.persistence.usage.EventDimension.FAIL_STATUS).isEmpty()).findFirst().orElseThrow();
        List<UsageEvent> expected = events.stream().filter(e -> e.model().equals("gpt-5") && e.inputTokens() > 200_000
                && !e.failed()).toList();
        assertEquals(expected.size(), gptLongOk.calls());
        assertEquals(expected.stream().mapToLong(UsageEvent::inputTokens).sum(), gptLongOk.inputTokens());
        long extra = expected.stream().mapToLong(e -> Math.max(e.cachedTokens() - e.cacheReadTokens()
                - e.cacheCreationTokens(), 0)).sum();
        assertEquals(extra, gptLongOk.extraCachedTokens());
        long uncached = expected.stream().mapToLong(e -> Math.max(e.inputTokens() - Math.max(e.cachedTokens()
                - e.cacheReadTokens() - e.cacheCreationTokens(), 0) - e.cacheReadTokens() - e.cacheCreationTokens(), 0))
                .sum();
        assertEquals(uncached, gptLongOk.uncachedInputTokens());
        assertEquals(expected.size(), gptLongOk.ttftCount());
        assertEquals(expected.stream().mapToLong(UsageEvent::ttftMs).sum(), gptLongOk.ttftSumMs());
        long failed429 = groups.stream().filter(g -> g.key(dev.spacegate.persistence.usage.EventDimension.FAIL_STATUS)
                .equals("429")).mapToLong(dev.spacegate.persistence.usage.EventGroup::calls).sum();
        assertEquals(events.stream().filter(UsageEvent::failed).count(), failed429);
        assertTrue(usage.aggregate(UsageFilter.between(Instant.ofEpochMilli(base - HOUR), Instant.ofEpochMilli(base)),
                Set.of(), List.of()).isEmpty());

        long mark = usage.maxEventId();
        assertTrue(mark > 0);
        assertEquals(List.of(), usage.hoursWithEventsAfter(mark));
        List<UsageEvent> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ObjectNode o = (ObjectNode) event(i).toJson();
            o.remove("event_hash");
            o.put("timestamp", base + (2 + i) * HOUR + 5);
            o.put("request_id", "agg-later-" + i);
            later.add(UsageEvent.fromJson(o));
        }
        usage.appendBatch(later);
        assertEquals(List.of(base + 2 * HOUR, base + 3 * HOUR, base + 4 * HOUR), usage.hoursWithEventsAfter(mark));
        assertTrue(usage.maxEventId() > mark);
    }

    @Test
    void pruningDropsRawEventsKeepsRollupsAndRefusesOldEvents() {
        UsageStore usage = persistence.usage();
        long base = T0 - 1000L * 24 * HOUR; // long before everything else
        List<UsageEvent> old = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ObjectNode o = event(i).toJson();
            o.remove("event_hash");
            o.put("timestamp", base + i * 1000L);
            o.put("request_id", "old-" + i);
            old.add(UsageEvent.fromJson(o));
        }
        assertEquals(20, usage.appendBatch(old));
        UsageFilter range = UsageFilter.between(Instant.ofEpochMilli(base), Instant.ofEpochMilli(base + HOUR));
        UsageTotals before = usage.summary(range);

        assertEquals(20, usage.pruneBefore(Instant.ofEpochMilli(base + HOUR)));
        assertTrue(usage.query(UsageQuery.first(range, 10)).events().isEmpty());
        assertEquals(before, usage.summary(range), "rollups survive pruning");
        assertEquals(0, usage.appendBatch(old), "events older than the horizon are not re-added");
    }

    @Test
    void concurrentWritersCountEachEventOnce() throws Exception {
        UsageStore usage = persistence.usage();
        long base = T0 + 800L * 24 * HOUR;
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ObjectNode o = event(i).toJson();
            o.remove("event_hash");
            o.put("timestamp", base + i * 1000L);
            o.put("request_id", "concurrent-" + i);
            events.add(UsageEvent.fromJson(o));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Callable<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            List<UsageEvent> mine = new ArrayList<>(events);
            java.util.Collections.shuffle(mine, new java.util.Random(w));
            writers.add(() -> {
                int n = 0;
                for (int from = 0; from < mine.size(); from += 50) {
                    n += usage.appendBatch(mine.subList(from, from + 50));
                }
                return n;
            });
        }
        int inserted = 0;
        for (java.util.concurrent.Future<Integer> f : pool.invokeAll(writers)) {
            inserted += f.get();
        }
        pool.shutdown();
        assertEquals(200, inserted, "each event inserted by exactly one writer");
        UsageFilter range = UsageFilter.between(Instant.ofEpochMilli(base), Instant.ofEpochMilli(base + HOUR));
        assertEquals(expectedTotals(events), usage.summary(range), "rollups count each event once");
        assertEquals(expectedTotals(events), usage.summary(range.withAuthIndex("idx0")).plus(
                usage.summary(range.withAuthIndex("idx1"))).plus(usage.summary(range.withAuthIndex("idx2")))
                .plus(usage.summary(range.withAuthIndex("idx3"))), "detailed rollups agree");
    }

    // --- auth files ---------------------------------------------------------------------------------------

    @Test
    void authFilesRoundTripByteForByteAndAreSealedAtRest() {
        AuthStore auths = persistence.auths();
        byte[] json = "{\"type\":\"codex\",\"email\":\"user@example.com\",\"access_token\":\"test-token-not-secret\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        auths.put("codex-user@example.com.json", json);
        assertArrayEquals(json, auths.get("codex-user@example.com.json").orElseThrow());
        assertTrue(auths.list().stream().map(AuthFileInfo::name).toList().contains("codex-user@example.com.json"));
        assertEquals(json.length, auths.list().stream().filter(i -> i.name().equals("codex-user@example.com.json"))
                .findFirst().orElseThrow().sizeBytes());

        Database db = persistence.database();
        List<String> raw = db.read(exec -> Database.list(exec, db.sql("SELECT name, sealed FROM ${p}auth_files"),
                r -> Database.text(r, "name") + " " + Database.text(r, "sealed")));
        assertFalse(raw.isEmpty());
        for (String row : raw) {
            assertFalse(row.contains("test-token-not-secret"), "token must not be stored in plaintext");
            assertFalse(row.contains("\"type\""), "JSON must not be stored in plaintext");
        }

        for (String bad : List.of("../x.json", "a/b.json", "a\\b.json", "x.txt", ".json", "..json", "")) {
            PersistenceException e = assertThrows(PersistenceException.class, () -> auths.put(bad, json));
            assertEquals(Code.INVALID_NAME, e.code(), bad);
        }
        PersistenceException notJson = assertThrows(PersistenceException.class,
                () -> auths.put("x.json", "[1,2]".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Code.INVALID_CONTENT, notJson.code());

        assertTrue(auths.delete("codex-user@example.com.json"));
        assertFalse(auths.delete("codex-user@example.com.json"));
        assertEquals(Optional.empty(), auths.get("codex-user@example.com.json"));
    }

    // --- schema -------------------------------------------------------------------------------------------

    @Test
    void migrationsAreIdempotentAndRecorded() {
        Database db = persistence.database();
        Migrations.apply(db);
        Migrations.apply(db);
        assertEquals(Migrations.latestVersion(), Migrations.currentVersion(db));
    }

    @Test
    void usageEventsStoredBeforeVersion4KeepTheirIdsAndStayDeduplicated() {
        try (Persistence own = openFresh()) {
            Database db = own.database();
            boolean pg = db.engine() == Engine.POSTGRESQL;
            // back to the shape version 3 left: the events table as version 1 made it (the hash unique on its own)
            db.write(tx -> {
                tx.dml(db.sql("DROP TABLE ${p}usage_events"));
                tx.dml(db.sql("DELETE FROM ${p}schema_version WHERE version >= 4"));
                Migration v1 = Migrations.ALL.getFirst();
                for (String statement : pg ? v1.postgres() : v1.sqlite()) {
                    tx.dml(db.sql(statement));
                }
                return null;
            });
            UsageEvent first = event(9_000);
            UsageEvent second = event(9_001);
            db.write(tx -> {
                for (UsageEvent e : List.of(first, second)) {
                    tx.dml(db.sql("INSERT INTO ${p}usage_events (event_hash, timestamp_ms, model, input_tokens,"
                            + " created_at_ms) VALUES (?, ?, ?, ?, ?)"), e.eventHash(), e.timestampMs(), e.model(),
                            e.inputTokens(), e.createdAtMs());
                }
                return null;
            });
            List<Long> idsBefore = eventIds(db);

            Migrations.apply(db);

            assertEquals(Migrations.latestVersion(), Migrations.currentVersion(db));
            assertEquals(idsBefore, eventIds(db), "rows and ids survive the migration");
            UsageStore usage = own.usage();
            assertEquals(0, usage.appendBatch(List.of(first, second)), "events stored before are still recognised");
            assertEquals(1, usage.appendBatch(List.of(event(9_002))));
            List<Long> ids = eventIds(db);
            assertEquals(3, ids.size());
            assertTrue(ids.get(2) > idsBefore.getLast(), "new ids continue after the old ones: " + ids);
        }
    }

    private static List<Long> eventIds(Database db) {
        return db.read(exec -> Database.list(exec, db.sql("SELECT id FROM ${p}usage_events ORDER BY id"),
                r -> Database.longValue(r, "id")));
    }

    @Test
    void healthNamesEngineWithoutSecrets() {
        Health h = persistence.health();
        assertTrue(h.ok());
        assertTrue(h.sizeBytes().isPresent());
        assertFalse(h.toString().contains("password"));
    }

    static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
