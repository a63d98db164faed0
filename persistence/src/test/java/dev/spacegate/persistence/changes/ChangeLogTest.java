package dev.spacegate.persistence.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.persistence.store.SettingsStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The change log on PostgreSQL: shared writes are recorded in order and wake a listener; SQLite records nothing. */
class ChangeLogTest {
    private static String url;
    private static String schema;
    private static Path dir;
    private static Persistence writer;

    @BeforeAll
    static void open() throws Exception {
        url = TestPg.requireUrl("ChangeLogTest");
        schema = TestPg.freshSchema("changes");
        dir = Files.createTempDirectory("changes");
        writer = Persistence.open(PersistenceSettings.fromEnv(TestPg.env(url, schema, dir.toString())));
    }

    @AfterAll
    static void close() {
        if (writer != null) {
            writer.close();
            TestPg.dropSchema(url, schema);
        }
        TestPg.deleteTree(dir);
    }

    @Test
    void sharedWritesAreRecordedInOrderAndWakeTheListener() throws Exception {
        ChangeLog log = writer.changes();
        assertTrue(log.shared());
        long before = log.latestId();
        try (ChangeListener listener = log.listen()) {
            long configVersion = writer.config().save("api-keys: [k]\n", writer.config().load()
                    .map(v -> v.version()).orElse(0L));
            writer.settings().put("manager.admin_credential", new ObjectMapper().createObjectNode().put("x", 1),
                    SettingsStore.ABSENT);
            writer.settings().put("gateway.cooldowns", new ObjectMapper().createObjectNode(), SettingsStore.ABSENT);
            writer.auths().put("codex-a@example.com.json", "{\"type\":\"codex\"}".getBytes(StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            int woken = 0;
            while (woken < 3 && System.nanoTime() < deadline) {
                woken += listener.await(Duration.ofMillis(500));
            }
            assertEquals(3, woken, "one notification per announced write");
            List<Change> changes = listener.since(before, 100);
            assertEquals(List.of(Change.CONFIG, Change.SETTINGS, Change.AUTH),
                    changes.stream().map(Change::topic).toList(), "the cooldown snapshot is not announced");
            assertEquals(Long.toString(configVersion), changes.get(0).detail());
            assertEquals("manager.admin_credential", changes.get(1).detail());
            assertEquals("codex-a@example.com.json", changes.get(2).detail());
            assertTrue(changes.stream().allMatch(c -> c.origin().equals(log.origin())));
            assertTrue(changes.get(0).id() < changes.get(1).id() && changes.get(1).id() < changes.get(2).id());
            assertEquals(changes.get(2).id(), log.latestId());
            assertEquals(changes, log.since(before, 100), "the pool and the listener read the same log");
        }
    }

    @Test
    void sqliteRecordsNothing() throws Exception {
        Path local = Files.createTempDirectory("changes-sqlite");
        try (Persistence p = Persistence.open(PersistenceSettings.embedded(local))) {
            assertFalse(p.changes().shared());
            assertEquals(0, p.changes().publish(Change.CONFIG, "1"));
            assertEquals(0, p.changes().latestId());
        } finally {
            TestPg.deleteTree(local);
        }
    }
}
