package dev.spacegate.persistence.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spacegate.persistence.auth.AuthFileSeals;
import dev.spacegate.persistence.auth.DirAuthStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResealerTest {
    static final String OLD = SecretBox.generateKeyText();
    static final String NEW = SecretBox.generateKeyText();
    static final byte[] JSON = "{\"type\":\"codex\",\"email\":\"a@example.com\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void aPassReSealsEveryAuthFileUnderTheNewKeySoThePreviousKeyCanGo() {
        DirAuthStore.open(dir, SecretBox.fromText(OLD, List.of())).put("codex-a.json", JSON);
        DirAuthStore.open(dir, SecretBox.fromText(OLD, List.of())).put("codex-b.json", JSON);
        SecretBox rotated = SecretBox.fromText(NEW, List.of(OLD));
        String oldId = SecretBox.fromText(OLD, List.of()).currentKeyId();
        Resealer resealer = new Resealer(rotated);
        resealer.register(new AuthFileSeals(DirAuthStore.open(dir, rotated)));
        assertEquals(Map.of(oldId, 2), resealer.status().pending());

        assertTrue(resealer.pass());

        Resealer.Status after = resealer.status();
        assertEquals(Map.of(), after.pending());
        assertTrue(after.healthy());
        assertEquals("done", after.state());
        DirAuthStore newOnly = DirAuthStore.open(dir, SecretBox.fromText(NEW, List.of()));
        assertArrayEquals(JSON, newOnly.get("codex-a.json").orElseThrow());
        assertArrayEquals(JSON, newOnly.get("codex-b.json").orElseThrow());
    }

    @Test
    void aValueUnderAKeyThatIsNotConfiguredIsReportedNotHidden() {
        DirAuthStore.open(dir, SecretBox.fromText(OLD, List.of())).put("codex-a.json", JSON);
        SecretBox newOnly = SecretBox.fromText(NEW, List.of());
        Resealer resealer = new Resealer(newOnly);
        resealer.register(new AuthFileSeals(DirAuthStore.open(dir, newOnly)));

        assertTrue(resealer.pass());

        Resealer.Status s = resealer.status();
        assertFalse(s.healthy());
        assertEquals(1, s.pendingTotal());
        assertEquals(1, s.unreadable().size());
        assertTrue(s.unreadable().getFirst().startsWith("auth file codex-a.json: sealed with data key id "),
                s.unreadable().getFirst());
    }

    @Test
    void thePreviousKeyMayCarryTheRotationWindow() {
        assertEquals(OLD, DataKeys.withoutUntil(OLD + ";until=2026-12-10T00:00Z"));
        assertEquals(OLD, DataKeys.withoutUntil(" " + OLD + " "));
        assertEquals("pass;phrase", DataKeys.withoutUntil("pass;phrase;until=2026-12-10"));
    }
}
