package dev.spacegate.persistence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The store suite on real PostgreSQL (PG_TEST_URL), in a fresh schema dropped afterwards. */
class PostgresStoreTest extends StoreSuite {
    private String url;
    private String schema;
    private Path dir;

    @Override
    Persistence openFresh() {
        url = TestPg.requireUrl("PostgresStoreTest");
        schema = TestPg.freshSchema("sg_store");
        try {
            dir = Files.createTempDirectory("sg-pg-");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return Persistence.open(PersistenceSettings.fromEnv(TestPg.env(url, schema, dir.toString())));
    }

    @Override
    void cleanUp() {
        if (schema != null) {
            TestPg.dropSchema(url, schema);
        }
        TestPg.deleteTree(dir);
    }
}
