package dev.spacegate.persistence;

import dev.spacegate.persistence.PersistenceSettings.AuthStoreKind;
import dev.spacegate.persistence.seal.DataKeys;
import dev.spacegate.persistence.seal.SecretBox;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings from the environment and where the data key comes from. */
class PersistenceSettingsTest {

    @Test
    void embeddedDefaults() {
        PersistenceSettings s = PersistenceSettings.fromEnv(Map.of(), Path.of("/srv/app"));
        assertEquals(Path.of("/srv/app/data"), s.dataDir());
        assertFalse(s.usesPostgres());
        assertEquals(AuthStoreKind.DIR, s.authStore());
        assertEquals(Path.of("/srv/app/data/auths"), s.authDir());
        assertEquals(5, s.pgPoolSize());
        assertEquals(30, s.startWait().toSeconds());
        assertTrue(s.fullyLocal());
    }

    @Test
    void storeChoiceFollowsTheEnvironment() {
        Path wd = Path.of("/w");
        assertEquals(AuthStoreKind.DATABASE, PersistenceSettings.fromEnv(Map.of("PGSTORE_DSN", "postgres://h/d"), wd)
                .authStore());
        assertEquals(AuthStoreKind.GIT, PersistenceSettings.fromEnv(Map.of("GITSTORE_GIT_URL", "https://h/r.git"), wd)
                .authStore());
        assertEquals(AuthStoreKind.DIR, PersistenceSettings.fromEnv(Map.of("PGSTORE_DSN", "postgres://h/d",
                "AUTH_STORE", "dir"), wd).authStore());
        PersistenceException bad = assertThrows(PersistenceException.class,
                () -> PersistenceSettings.fromEnv(Map.of("AUTH_STORE", "s3"), wd));
        assertEquals(PersistenceException.Code.INVALID_SETTINGS, bad.code());
        PersistenceException noUrl = assertThrows(PersistenceException.class,
                () -> PersistenceSettings.fromEnv(Map.of("AUTH_STORE", "git"), wd));
        assertTrue(noUrl.getMessage().contains("GITSTORE_GIT_URL"));
        assertThrows(PersistenceException.class, () -> PersistenceSettings.fromEnv(Map.of("PGSTORE_POOL_SIZE", "x"), wd));
    }

    @Test
    void toStringShowsNoSecrets() {
        PersistenceSettings s = PersistenceSettings.fromEnv(Map.of(
                "PGSTORE_DSN", "postgres://u:test-pw-not-secret@h/d", "DATA_KEY", "test-key-not-secret",
                "GITSTORE_GIT_URL", "https://h/r.git", "GITSTORE_GIT_TOKEN", "test-token-not-secret"), Path.of("/w"));
        String text = s.toString();
        assertFalse(text.contains("test-pw-not-secret"));
        assertFalse(text.contains("test-key-not-secret"));
        assertFalse(text.contains("test-token-not-secret"));
    }

    @Test
    void embeddedModeGeneratesAPrivateKeyOnce() throws Exception {
        Path dir = Files.createTempDirectory("sg-key-");
        try {
            PersistenceSettings s = PersistenceSettings.embedded(dir);
            SecretBox first = DataKeys.load(s);
            Path file = dir.resolve(DataKeys.KEY_FILE);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            SecretBox second = DataKeys.load(s);
            assertEquals(first.currentKeyId(), second.currentKeyId(), "the generated key is reused");
            assertEquals("x", second.openText(first.sealText("x", "c"), "c"));
        } finally {
            TestPg.deleteTree(dir);
        }
    }

    @Test
    void externalStateRequiresAConfiguredKey() {
        PersistenceSettings pg = PersistenceSettings.fromEnv(Map.of("PGSTORE_DSN", "postgres://h/d",
                "DATA_DIR", "/nonexistent-sg"), Path.of("/w"));
        PersistenceException e = assertThrows(PersistenceException.class, () -> DataKeys.load(pg));
        assertTrue(e.getMessage().contains("DATA_KEY"));
        PersistenceSettings withKey = PersistenceSettings.fromEnv(Map.of("PGSTORE_DSN", "postgres://h/d",
                "DATA_KEY", TestPg.TEST_DATA_KEY, "DATA_KEY_PREVIOUS", "old-passphrase-not-secret"), Path.of("/w"));
        SecretBox box = DataKeys.load(withKey);
        SecretBox old = SecretBox.fromText("old-passphrase-not-secret", List.of());
        assertEquals("y", box.openText(old.sealText("y", "c"), "c"), "previous keys still open");
    }
}
