package dev.spacegate.server.manager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.persistence.seal.SecretBox;
import dev.spacegate.server.manager.config.ConfigSeal;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ConfigStartupSuite} on embedded SQLite, and the data directory and database file kept private (#15). */
class ConfigStartupSqliteTest extends ConfigStartupSuite {
    @Override
    Map<String, String> storage(Path dataDir) {
        return Map.of("DATA_DIR", dataDir.toString(), "DATA_KEY", TestPg.TEST_DATA_KEY);
    }

    @Test
    void aDataKeyRotationReSealsTheConfigFieldsAndEveryKeptVersion() throws Exception {
        start(VALID, Map.of());
        ok("PUT", "/v0/management/request-retry", "{\"value\":2}");
        stop();
        persistence.close();
        String next = SecretBox.generateKeyText();
        storageEnv = Map.of("DATA_DIR", dir.resolve("data").toString(), "DATA_KEY", next,
                "DATA_KEY_PREVIOUS", TestPg.TEST_DATA_KEY);
        persistence = Persistence.open(PersistenceSettings.fromEnv(storageEnv));
        String nextId = persistence.secretBox().currentKeyId();

        start(VALID, Map.of());
        assertEquals("fake-ant-upstream-secret-00000001", ok("GET", "/v0/management/claude-api-key", null)
                .path("claude-api-key").path(0).path("api-key").asText(), "opened with the previous key");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!sealedOnlyUnder(nextId) && System.nanoTime() < deadline) {
            Thread.sleep(50); // the re-seal pass runs in the background after start
        }
        assertTrue(sealedOnlyUnder(nextId), "every stored and kept version sealed under the new key");
    }

    private boolean sealedOnlyUnder(String keyId) {
        var store = persistence.config();
        boolean current = ConfigSeal.keyIds(store.load().orElseThrow().value()).values().stream()
                .allMatch(keyId::equals);
        return current && store.history().stream().allMatch(v -> ConfigSeal.keyIds(store.historyContent(v.version())
                .orElseThrow()).values().stream().allMatch(keyId::equals));
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
