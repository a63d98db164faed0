package dev.spacegate.persistence;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The store suite on embedded SQLite (database auth store, so the raw-row scan covers SQLite too). */
class SqliteStoreTest extends StoreSuite {
    private final List<Path> dirs = new ArrayList<>();

    @Override
    Persistence openFresh() {
        Path dir;
        try {
            dir = Files.createTempDirectory("sg-sqlite-");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        dirs.add(dir);
        return Persistence.open(PersistenceSettings.embedded(dir)
                .withAuthStore(PersistenceSettings.AuthStoreKind.DATABASE));
    }

    @Override
    void cleanUp() {
        dirs.forEach(TestPg::deleteTree);
    }

    @Test
    void schemaNewerThanTheBuildIsRefused() throws IOException {
        Path other = Files.createTempDirectory("sg-sqlite-new-");
        try {
            try (Persistence p = Persistence.open(PersistenceSettings.embedded(other))) {
                p.database().write(tx -> tx.dml("INSERT INTO schema_version (version, description, applied_at_ms)"
                        + " VALUES (999, 'from the future', 0)"));
            }
            PersistenceException e = assertThrows(PersistenceException.class,
                    () -> Persistence.open(PersistenceSettings.embedded(other)));
            assertEquals(PersistenceException.Code.SCHEMA_TOO_NEW, e.code());
        } finally {
            TestPg.deleteTree(other);
        }
    }
}
