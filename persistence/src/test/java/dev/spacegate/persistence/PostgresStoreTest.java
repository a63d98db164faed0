package dev.spacegate.persistence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.spacegate.persistence.migrate.Migrations;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The store suite on real PostgreSQL (PG_TEST_URL), in a fresh schema dropped afterwards. */
class PostgresStoreTest extends StoreSuite {
    private final List<String> schemas = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();
    private String url;

    @Override
    Persistence openFresh() {
        url = TestPg.requireUrl("PostgresStoreTest");
        String schema = TestPg.freshSchema("sg_store");
        schemas.add(schema);
        Path dir;
        try {
            dir = Files.createTempDirectory("sg-pg-");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        dirs.add(dir);
        return Persistence.open(PersistenceSettings.fromEnv(TestPg.env(url, schema, dir.toString())));
    }

    /**
     * Two replicas deployed together open the same fresh schema at the same moment, each with its own connections:
     * both must start. Creating the schema and its version table raced (PostgreSQL's "IF NOT EXISTS" is no guard
     * between concurrent transactions: a duplicate-key error on pg_type/pg_namespace) and one of them died at start.
     */
    @Test
    void twoReplicasOpeningOneFreshSchemaAtOnceBothStart() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String schema = TestPg.freshSchema("sg_race");
                schemas.add(schema);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> starts = new ArrayList<>();
                for (int replica = 0; replica < 2; replica++) {
                    Path dir = Files.createTempDirectory("sg-pg-race-");
                    dirs.add(dir);
                    starts.add(pool.submit(() -> {
                        go.await();
                        try (Persistence p = Persistence.open(PersistenceSettings.fromEnv(
                                TestPg.env(url, schema, dir.toString())))) {
                            return Migrations.currentVersion(p.database());
                        }
                    }));
                }
                go.countDown();
                for (Future<Integer> start : starts) {
                    assertEquals(Migrations.latestVersion(), start.get(), "round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    void cleanUp() {
        schemas.forEach(schema -> TestPg.dropSchema(url, schema));
        dirs.forEach(TestPg::deleteTree);
    }
}
