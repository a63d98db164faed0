package dev.spacegate.persistence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.persistence.usage.UsageFilter;
import dev.spacegate.persistence.usage.UsagePage;
import dev.spacegate.persistence.usage.UsageQuery;
import dev.spacegate.persistence.usage.UsageTotals;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A Space restart: the local data dir vanishes, PostgreSQL keeps everything, the next start gets it all back. */
class RestartTest {

    @Test
    void everythingComesBackByteForByteAfterTheDataDirIsWiped() throws Exception {
        String url = TestPg.requireUrl("RestartTest");
        String schema = TestPg.freshSchema("sg_restart");
        Path dataDir = Files.createTempDirectory("sg-restart-");
        Map<String, String> env = TestPg.env(url, schema, dataDir.toString());
        String yaml = "port: 7860\r\nrouting:\n  strategy: round-robin\n# ✓ tab\tend\n";
        Map<String, byte[]> auths = new LinkedHashMap<>();
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ObjectNode o = StoreSuite.JSON.createObjectNode();
            o.put("timestamp", StoreSuite.T0 + i * 1000L);
            o.put("request_id", "restart-" + i);
            o.put("model", "gpt-5");
            o.put("provider", "codex");
            o.put("latency_ms", i);
            o.putObject("tokens").put("input_tokens", i).put("output_tokens", 2 * i);
            events.add(UsageEvent.fromJson(o));
        }
        for (int i = 0; i < 20; i++) {
            auths.put("codex-user" + i + "@example.com.json", ("{\"type\":\"codex\",\"n\":" + i
                    + ",\"refresh_token\":\"test-token-not-secret-" + i + "\"}\n").getBytes(StandardCharsets.UTF_8));
        }
        UsageFilter all = UsageFilter.between(Instant.ofEpochMilli(StoreSuite.T0),
                Instant.ofEpochMilli(StoreSuite.T0 + 1000 * 1000L));
        UsageTotals totalsBefore;
        try {
            Files.writeString(dataDir.resolve("config.yaml"), yaml);
            try (Persistence p = Persistence.open(PersistenceSettings.fromEnv(env))) {
                assertEquals(yaml, p.config().loadOrSeed(dataDir.resolve("config.yaml")).orElseThrow().value());
                assertEquals(1000, p.usage().appendBatch(events));
                auths.forEach(p.auths()::put);
                totalsBefore = p.usage().summary(all);
            }

            TestPg.deleteTree(dataDir); // the restart wipes the container's disk
            assertFalse(Files.exists(dataDir));

            try (Persistence p = Persistence.open(PersistenceSettings.fromEnv(env))) {
                Path localConfig = dataDir.resolve("config.yaml");
                assertEquals(yaml, p.config().loadOrSeed(localConfig).orElseThrow().value());
                assertEquals(yaml, Files.readString(localConfig), "the local mirror is restored too");
                assertEquals(1000, p.usage().count());
                List<UsageEvent> back = new ArrayList<>();
                UsageQuery q = UsageQuery.first(all, 300);
                while (true) {
                    UsagePage page = p.usage().query(q);
                    back.addAll(page.events());
                    if (page.nextCursor().isEmpty()) {
                        break;
                    }
                    q = q.after(page.nextCursor().get());
                }
                assertEquals(1000, back.size());
                for (int i = 0; i < 1000; i++) {
                    assertEquals(events.get(i).toJson(), back.get(999 - i).toJson());
                }
                assertEquals(totalsBefore, p.usage().summary(all));
                assertEquals(auths.keySet().stream().sorted().toList(), p.auths().list().stream().map(a -> a.name()).toList());
                for (Map.Entry<String, byte[]> a : auths.entrySet()) {
                    assertArrayEquals(a.getValue(), p.auths().get(a.getKey()).orElseThrow(), a.getKey());
                }
            }
        } finally {
            TestPg.dropSchema(url, schema);
            TestPg.deleteTree(dataDir);
        }
    }
}
