package dev.spacegate.server.replica;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.persistence.TestPg;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Replicas deployed together: two server processes started at the same moment on one fresh PostgreSQL schema, each
 * with the same config file. Both must come up on one stored config. Each seeded the empty config store from its
 * file, and the one that lost the race ended its start with a version conflict.
 */
class ReplicasStartTogetherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MK = "together-management-not-secret";
    private static final String CLIENT_KEY = "together-client-not-secret";
    private static final String CONFIG = """
            api-keys: ["%s"]
            openai-compatibility:
              - name: up
                base-url: http://127.0.0.1:9/v1
                api-key-entries: [{api-key: upstream-not-secret}]
                models: [{name: m-up, alias: base}]
            """.formatted(CLIENT_KEY);

    @Test
    void twoReplicasStartedAtOnceOnAFreshSchemaBothServeOneConfig() throws Exception {
        String url = TestPg.requireUrl("ReplicasStartTogetherTest");
        Path root = Files.createTempDirectory("together");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 3; round++) {
                String schema = TestPg.freshSchema("together");
                Map<String, String> env = TestPg.env(url, schema, "unused");
                env.remove("DATA_DIR");
                env.put("MANAGEMENT_PASSWORD", MK);
                List<Future<ReplicaProcess>> starts = new ArrayList<>();
                for (String name : List.of("a", "b")) {
                    Path dir = root.resolve(round + name);
                    starts.add(pool.submit(() -> ReplicaProcess.start("replica-" + name, dir, CONFIG, env)));
                }
                List<ReplicaProcess> replicas = new ArrayList<>();
                try {
                    for (Future<ReplicaProcess> f : starts) {
                        replicas.add(f.get()); // fails with the replica's output when it did not start
                    }
                    for (ReplicaProcess r : replicas) {
                        assertEquals(200, r.send("GET", "/v1/models", CLIENT_KEY, null).statusCode(),
                                "round " + round + ": " + r.name + " serves the config's client key");
                        JsonNode history = JSON.readTree(r.send("GET", "/v0/management/config/history", MK, null)
                                .body());
                        // one seed stored, and each replica runs it
                        assertEquals(1, history.path("versions").size(), "round " + round + ": " + history);
                        assertEquals(history.path("versions").path(0).path("version").asLong(),
                                history.path("current_version").asLong(-1), "round " + round + ": " + r.name);
                    }
                } finally {
                    for (Future<ReplicaProcess> f : starts) {
                        if (f.state() == Future.State.SUCCESS) {
                            f.resultNow().close();
                        }
                    }
                    TestPg.dropSchema(url, schema);
                }
            }
        } finally {
            TestPg.deleteTree(root);
        }
    }
}
