package dev.spacegate.server.gateway.usage;

import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.testing.ManualClock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsageSinkTest {

    private static ObjectNode record(int i) {
        return JsonNodeFactory.instance.objectNode().put("request_id", "r" + i);
    }

    private static Set<String> ids(ConcurrentLinkedQueue<UsageEvent> q) {
        Set<String> s = new HashSet<>();
        q.forEach(r -> s.add(r.requestId()));
        return s;
    }

    @Test
    void keepsRecordsInTheLogWhileTheStoreIsDownAndWritesThemLater(@TempDir Path dir) throws Exception {
        ConcurrentLinkedQueue<UsageEvent> stored = new ConcurrentLinkedQueue<>();
        boolean[] down = {true};
        UsageWriter writer = records -> {
            if (down[0]) {
                throw new java.sql.SQLException("database unreachable");
            }
            stored.addAll(records);
        };
        try (UsageSink sink = new UsageSink(writer, dir, 10, Duration.ofMillis(20))) {
            for (int i = 0; i < 35; i++) {
                sink.submit(record(i));
            }
            assertFalse(sink.flush(Duration.ofSeconds(10)), "a failed write ends the wait");
            assertTrue(stored.isEmpty());
            assertEquals(35, sink.pending());
            assertTrue(sink.unavailable());

            down[0] = false;
            sink.submit(record(35));
            assertTrue(sink.flush(Duration.ofSeconds(20)));
            assertEquals(36, stored.size(), "written once the store is back, nothing twice");
            assertEquals(36, ids(stored).size());
            assertEquals(0, sink.pending());
            assertEquals(0, sink.oldestPendingAgeSeconds());
        }
    }

    @Test
    void aFullBatchIsWrittenWithoutWaitingForTheTick(@TempDir Path dir) throws Exception {
        ConcurrentLinkedQueue<UsageEvent> stored = new ConcurrentLinkedQueue<>();
        CountDownLatch written = new CountDownLatch(1);
        UsageWriter writer = records -> {
            stored.addAll(records);
            written.countDown();
        };
        try (UsageSink sink = new UsageSink(writer, dir, 10, Duration.ofMinutes(10))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!sink.waiting() && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the writer's first round (an empty log) ends in its long park
            }
            assertTrue(sink.waiting());
            for (int i = 0; i < 9; i++) {
                sink.submit(record(i));
            }
            assertTrue(!written.await(300, TimeUnit.MILLISECONDS), "nine records wait for the tick");
            sink.submit(record(9));
            assertTrue(written.await(10, TimeUnit.SECONDS), "the tenth fills a batch: written at once");
            assertEquals(10, ids(stored).size());
        }
    }

    private static final String BACKGROUND = "usage-db/" + Thread.MIN_PRIORITY;
    private static final String CATCH_UP = "usage-catch-up/" + Thread.NORM_PRIORITY;

    /** A writer that notes the thread (name/priority) of every batch. */
    private static UsageWriter noting(List<String> batches, ConcurrentLinkedQueue<UsageEvent> stored, long sleepMs) {
        return records -> {
            Thread t = Thread.currentThread();
            batches.add(t.getName() + "/" + t.getPriority());
            stored.addAll(records);
            Thread.sleep(sleepMs);
        };
    }

    /** Submits records r0.. while the store is down, closes, and returns what close says is left in the log. */
    private static long leftInLog(Path dir, int records) throws Exception {
        try (UsageSink sink = new UsageSink(r -> {
            throw new IllegalStateException("down");
        }, dir, 10, Duration.ofMillis(20))) {
            for (int i = 0; i < records; i++) {
                sink.submit(record(i));
            }
            return sink.close(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300));
        }
    }

    @Test
    void aWriterThatStaysBehindMovesToNormalPriorityUntilItCatchesUp(@TempDir Path dir) throws Exception {
        List<String> batches = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        ConcurrentLinkedQueue<UsageEvent> stored = new ConcurrentLinkedQueue<>();
        // every batch takes 50 ms, so 200 records in batches of 10 keep it behind for about a second
        try (UsageSink sink = new UsageSink(noting(batches, stored, 50), dir, 10, Duration.ofMillis(20),
                Duration.ofMillis(300))) {
            for (int i = 0; i < 200; i++) {
                sink.submit(record(i));
            }
            assertTrue(sink.flush(Duration.ofSeconds(20)));
            assertEquals(200, ids(stored).size());
            assertEquals(BACKGROUND, batches.getFirst(), batches.toString());
            int firstCatchUp = batches.indexOf(CATCH_UP);
            assertTrue(firstCatchUp > 0,
                    "after 300 ms of full batches the writer moves to normal priority: " + batches);
            assertTrue(batches.subList(firstCatchUp, batches.size()).stream().allMatch(CATCH_UP::equals),
                    "and stays there while batches are full: " + batches);

            for (int round = 0; round < 2; round++) {
                sink.submit(record(1000 + round));
                assertTrue(sink.flush(Duration.ofSeconds(10)));
            }
            assertEquals(BACKGROUND, batches.getLast(), "caught up: back at the lowest priority " + batches);
        }
    }

    @Test
    void anEarlierRunsRecordsAreWrittenAtNormalPriority(@TempDir Path dir) throws Exception {
        assertEquals(25, leftInLog(dir, 25));
        List<String> batches = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        ConcurrentLinkedQueue<UsageEvent> stored = new ConcurrentLinkedQueue<>();
        try (UsageSink sink = new UsageSink(noting(batches, stored, 0), dir, 10, Duration.ofMillis(20))) {
            assertTrue(sink.flush(Duration.ofSeconds(10)));
            assertEquals(25, ids(stored).size());
            assertEquals(List.of(CATCH_UP, CATCH_UP, CATCH_UP), batches, "10 + 10 + 5, all at normal priority");
            sink.submit(record(100));
            assertTrue(sink.flush(Duration.ofSeconds(10)));
            assertEquals(BACKGROUND, batches.getLast(), batches.toString());
        }
    }

    @Test
    void theLogSurvivesARestartAndIsWrittenOnce(@TempDir Path dir) throws Exception {
        assertEquals(5, leftInLog(dir, 5), "what could not be written is reported");
        ConcurrentLinkedQueue<UsageEvent> stored = new ConcurrentLinkedQueue<>();
        try (UsageSink sink = new UsageSink(stored::addAll, dir, 10, Duration.ofMillis(20))) {
            assertEquals(5, sink.pending());
            assertTrue(sink.flush(Duration.ofSeconds(10)));
            assertEquals(Set.of("r0", "r1", "r2", "r3", "r4"), ids(stored));
        }
        try (UsageSink sink = new UsageSink(stored::addAll, dir, 10, Duration.ofMillis(20))) {
            assertEquals(0, sink.pending(), "the checkpoint moved past what was written");
            assertTrue(sink.flush(Duration.ofSeconds(10)));
            assertEquals(5, stored.size());
        }
    }

    @Test
    void aRecordLongerThanTheReadBufferIsReadWhole(@TempDir Path dir) throws Exception {
        ConcurrentLinkedQueue<UsageEvent> stored = new ConcurrentLinkedQueue<>();
        String long600k = "x".repeat(600 * 1024);
        try (UsageSink sink = new UsageSink(stored::addAll, dir, 10, Duration.ofMillis(20))) {
            sink.submit(record(0));
            sink.submit(record(1).put("fail_summary", long600k));
            sink.submit(record(2));
            assertTrue(sink.flush(Duration.ofSeconds(10)), "the writer does not stall on a long record");
        }
        assertEquals(Set.of("r0", "r1", "r2"), ids(stored));
        assertTrue(stored.stream().anyMatch(r -> long600k.equals(r.failSummary())));
    }

    @Test
    void aHungStoreDoesNotHoldUpClose(@TempDir Path dir) throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        UsageSink sink = new UsageSink(r -> never.await(), dir, 10, Duration.ofMillis(20));
        for (int i = 0; i < 3; i++) {
            sink.submit(record(i));
        }
        long t0 = System.nanoTime();
        long left = sink.close(t0 + TimeUnit.SECONDS.toNanos(1));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(3, left);
        assertTrue(ms < 1_500, "close took " + ms + " ms");
        never.countDown();
    }

    @Test
    void tornTailsAndOldSpillFilesAreRead(@TempDir Path dir) throws Exception {
        Files.writeString(UsageLog.segment(dir, 7), "{\"request_id\":\"a\"}\n{\"request_id\":\"b\"}\n{\"request_");
        Files.writeString(dir.resolve("usage-000000000000001-000001.jsonl"), "{\"request_id\":\"c\"}\n");
        ConcurrentLinkedQueue<UsageEvent> stored = new ConcurrentLinkedQueue<>();
        try (UsageSink sink = new UsageSink(stored::addAll, dir, 10, Duration.ofMillis(20))) {
            assertTrue(sink.flush(Duration.ofSeconds(10)));
            assertEquals(Set.of("a", "b", "c"), ids(stored));
            assertEquals(3, stored.size());
        }
        assertFalse(Files.exists(UsageLog.segment(dir, 7)), "a written segment is deleted");
    }

    @Test
    void linesThatAreNoUsageRecordAreSkippedAndCountedAsRead(@TempDir Path dir) throws Exception {
        Files.writeString(UsageLog.segment(dir, 3), String.join("\n",
                "{\"request_id\":\"a\"}",
                "{\"request_id\":\"malformed\"",
                "[\"not an object\"]",
                "{\"request_id\":\"unusable\",\"timestamp\":\"yesterday\"}",
                "{\"request_id\":\"b\"}") + "\n");
        ConcurrentLinkedQueue<UsageEvent> stored = new ConcurrentLinkedQueue<>();
        try (UsageSink sink = new UsageSink(stored::addAll, dir, 10, Duration.ofMillis(20))) {
            assertTrue(sink.flush(Duration.ofSeconds(10)), "a bad line does not hold up the ones after it");
            assertEquals(Set.of("a", "b"), ids(stored));
            assertEquals(0, sink.pending(), "skipped lines count as read");
        }
        assertFalse(Files.exists(UsageLog.segment(dir, 3)));
    }

    @Test
    void aRecordReachesTheWriterWithTheEventHashOfEarlierVersions(@TempDir Path dir) throws Exception {
        UsageRecord u = new UsageRecord();
        u.timestamp = Instant.parse("2026-12-04T13:00:00.123456789Z");
        u.latencyMs = 812;
        u.ttftMs = 95;
        u.source = "fake-upstream-key-not-secret-0123456789abcdef";
        u.authIndex = "0f1e2d3c4b5a6978";
        u.tokens.observe(ApiFormat.OPENAI_CHAT, JsonNodeFactory.instance.objectNode().set("usage",
                JsonNodeFactory.instance.objectNode().put("prompt_tokens", 1200).put("completion_tokens", 340)
                        .set("prompt_tokens_details", JsonNodeFactory.instance.objectNode().put("cached_tokens", 256))));
        u.model = "up-chat";
        u.alias = "chat";
        u.endpoint = "POST /v1/chat/completions";
        u.apiKey = "fake-client-key-not-secret";
        u.requestId = "a1b2c3d4";
        ConcurrentLinkedQueue<UsageEvent> stored = new ConcurrentLinkedQueue<>();
        try (UsageSink sink = new UsageSink(stored::addAll, dir, 10, Duration.ofMillis(20))) {
            sink.submit(u);
            assertTrue(sink.flush(Duration.ofSeconds(10)));
        }
        UsageEvent e = stored.peek();
        // the hash the tree-based reader stored for this record: a replay after an upgrade must not add a row
        assertEquals("3daefbcca7525e9783d1e9c568c4cedce733fac370d735272e1ae019c03ef77d", e.eventHash());
        assertEquals(1200, e.inputTokens());
        assertEquals(256, e.cachedTokens());
        assertEquals("chat", e.model());
        assertEquals("up-chat", e.resolvedModel());
    }

    @Test
    void recordHasCliProxyApiFields() {
        UsageRecord u = new UsageRecord();
        u.tokens.observe(dev.spacegate.server.providers.ApiFormat.OPENAI_CHAT,
                JsonNodeFactory.instance.objectNode().set("usage", JsonNodeFactory.instance.objectNode()
                        .put("prompt_tokens", 10).put("completion_tokens", 5)));
        u.failed = true;
        u.statusCode = 429;
        ObjectNode o = u.toJson();
        for (String f : List.of("timestamp", "latency_ms", "ttft_ms", "source", "auth_index", "client_ip",
                "x_forwarded_for", "user_agent", "tokens", "failed", "generate", "fail", "accounting_version",
                "token_breakdown", "provider", "executor_type", "model", "alias", "endpoint", "auth_type", "api_key",
                "request_id")) {
            assertTrue(o.has(f), f);
        }
        for (String f : List.of("input_tokens", "output_tokens", "reasoning_tokens", "cached_tokens",
                "cache_read_tokens", "cache_read_tokens_present", "cache_creation_tokens", "total_tokens")) {
            assertTrue(o.path("tokens").has(f), f);
        }
        assertEquals(15, o.path("tokens").path("total_tokens").asInt(), "total from input + output when absent");
        assertEquals(429, o.path("fail").path("status_code").asInt());
        assertEquals("unknown", o.path("model").asText(), "CLIProxyAPI's default for an empty model");
        assertEquals("unknown", o.path("alias").asText(), "alias defaults to the model");
        assertEquals(10, o.path("token_breakdown").path("input").path("uncached_tokens").asInt());
        assertEquals(5, o.path("token_breakdown").path("output").path("non_reasoning_tokens").asInt());
        assertEquals(2, o.path("token_breakdown").path("schema_version").asInt());
        u.failBody = "quota\nexceeded";
        String line = new String(u.toJsonLine(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, "one line for the log: " + line);
        assertTrue(line.contains("\"body\":\"quota\\nexceeded\""), line);
    }

    @Test
    void usageQueuePopsOldestFirstAndDropsExpired() {
        ManualClock clock = new ManualClock();
        UsageQueue q = new UsageQueue(clock, Duration.ofSeconds(60));
        q.add(record(0));
        clock.advance(Duration.ofSeconds(30));
        q.add(record(1));
        q.add(record(2));
        assertEquals(List.of("r0"), q.pop(1).stream().map(r -> r.path("request_id").asText()).toList());
        clock.advance(Duration.ofSeconds(45));
        q.add(record(3));
        assertEquals(List.of("r1", "r2", "r3"), q.pop(10).stream().map(r -> r.path("request_id").asText()).toList());
        clock.advance(Duration.ofSeconds(61));
        q.add(record(4));
        clock.advance(Duration.ofSeconds(61));
        assertTrue(q.pop(10).isEmpty(), "records older than the retention are dropped");
    }
}
