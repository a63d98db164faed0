package dev.spacegate.server.manager;

/** Usage data on PostgreSQL (PG_TEST_URL; skipped with a printed reason when unset). */
class UsageDataPostgresTest extends UsageDataSuite {
    @Override
    ManagerHarness.Engine engine() {
        return ManagerHarness.Engine.POSTGRES;
    }
}
