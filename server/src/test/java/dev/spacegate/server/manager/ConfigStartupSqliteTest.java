package dev.spacegate.server.manager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.TestPg;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link ConfigStartupSuite} on embedded SQLite, and the data directory and database file kept private (#15). */
class ConfigStartupSqliteTest extends ConfigStartupSuite {
    @Override
    Map<String, String> storage(Path dataDir) {
        return Map.of("DATA_DIR", dataDir.toString(), "DATA_KEY", TestPg.TEST_DATA_KEY);
    }

    @Test
    void theDataDirectoryIs0700AndTheDatabaseFile0600() throws Exception {
        start(VALID, Map.of());
        assertServes();
        Path data = dir.resolve("data");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                data.resolve(Persistence.SQLITE_FILE))));

        // a directory and file an older release left readable by everyone are tightened at the next start
        Path older = dir.resolve("older");
        Files.createDirectories(older, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.createFile(older.resolve(Persistence.SQLITE_FILE), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-r--r--")));
        Files.setPosixFilePermissions(older, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Persistence p = Persistence.open(PersistenceSettings.fromEnv(storage(older)))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(older)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    older.resolve(Persistence.SQLITE_FILE))));
        }
    }
}
