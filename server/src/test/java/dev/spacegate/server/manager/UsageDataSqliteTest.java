package dev.spacegate.server.manager;

/** Usage data on embedded SQLite. */
class UsageDataSqliteTest extends UsageDataSuite {
    @Override
    ManagerHarness.Engine engine() {
        return ManagerHarness.Engine.SQLITE;
    }
}
