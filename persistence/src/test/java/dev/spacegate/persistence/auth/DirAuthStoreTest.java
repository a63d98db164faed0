package dev.spacegate.persistence.auth;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.persistence.seal.SecretBox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The directory auth store: sealed files, plaintext import, lazy re-seal after key rotation. */
class DirAuthStoreTest {
    private static final byte[] JSON = "{\"type\":\"claude\",\"access_token\":\"test-token-not-secret\"}"
            .getBytes(StandardCharsets.UTF_8);
    private Path dir;

    @BeforeEach
    void makeDir() throws Exception {
        dir = Files.createTempDirectory("sg-dir-");
    }

    @AfterEach
    void removeDir() {
        TestPg.deleteTree(dir);
    }

    @Test
    void filesAreSealedAndPlaintextImportsAreSealedAtStart() throws Exception {
        Files.write(dir.resolve("claude-old@example.com.json"), JSON); // as CLIProxyAPI left it
        SecretBox box = SecretBox.fromText(TestPg.TEST_DATA_KEY, List.of());
        DirAuthStore store = DirAuthStore.open(dir, box);
        store.put("codex-new@example.com.json", JSON);

        assertEquals(List.of("claude-old@example.com.json", "codex-new@example.com.json"),
                store.list().stream().map(AuthFileInfo::name).toList());
        assertArrayEquals(JSON, store.get("claude-old@example.com.json").orElseThrow());
        assertFalse(Files.exists(dir.resolve("claude-old@example.com.json")), "plaintext removed");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String raw = Files.readString(f);
                assertFalse(raw.contains("test-token-not-secret"), f + " holds plaintext");
                assertTrue(raw.startsWith(SecretBox.PREFIX), f + " is sealed");
            }
        }
        assertEquals(PersistenceException.Code.INVALID_NAME,
                assertThrows(PersistenceException.class, () -> store.get("../etc/passwd.json")).code());
    }

    @Test
    void rotatedKeyReSealsOnRead() throws Exception {
        SecretBox old = SecretBox.fromText("old-passphrase-not-secret", List.of());
        DirAuthStore.open(dir, old).put("a.json", JSON);
        SecretBox rotated = SecretBox.fromText(TestPg.TEST_DATA_KEY, List.of("old-passphrase-not-secret"));
        DirAuthStore store = DirAuthStore.open(dir, rotated);
        assertArrayEquals(JSON, store.get("a.json").orElseThrow());
        String raw = Files.readString(dir.resolve("a.json" + DirAuthStore.SUFFIX));
        assertFalse(rotated.needsReseal(raw), "re-sealed under the current key");
        PersistenceException wrong = assertThrows(PersistenceException.class,
                () -> DirAuthStore.open(dir, SecretBox.fromText("unrelated-not-secret", List.of())).get("a.json"));
        assertEquals(PersistenceException.Code.UNKNOWN_KEY, wrong.code());
        assertTrue(wrong.getMessage().contains(rotated.currentKeyId()));
    }
}
