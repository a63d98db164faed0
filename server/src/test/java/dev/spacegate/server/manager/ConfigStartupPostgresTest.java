package dev.spacegate.server.manager;

import java.nio.file.Path;
import java.util.Map;

import dev.spacegate.persistence.TestPg;

/** {@link ConfigStartupSuite} on PostgreSQL (PG_TEST_URL; skipped with a printed reason when unavailable). */
class ConfigStartupPostgresTest extends ConfigStartupSuite {
    @Override
    Map<String, String> storage(Path dataDir) {
        String url = TestPg.requireUrl("ConfigStartupPostgresTest");
        String schema = TestPg.freshSchema("sg_cfgstart");
        dropAfter(url, schema);
        return TestPg.env(url, schema, dataDir.toString());
    }
}
