package dev.spacegate.persistence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    @Override
    void cleanUp() {
        schemas.forEach(schema -> TestPg.dropSchema(url, schema));
        dirs.forEach(TestPg::deleteTree);
    }
}
