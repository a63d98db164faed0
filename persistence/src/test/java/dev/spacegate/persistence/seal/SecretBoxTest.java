package dev.spacegate.persistence.seal;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AES-256-GCM sealing with key ids, key rotation and clear failures. */
class SecretBoxTest {
    private static final String KEY_A = "dGVzdC1rZXktbm90LXNlY3JldC10ZXN0LWtleS1ub3Q=";
    private static final String KEY_B = "passphrase-not-secret";

    @Test
    void sealOpenRoundTripWithFreshNonces() {
        SecretBox box = SecretBox.fromText(KEY_A, List.of());
        byte[] plain = "{\"refresh_token\":\"test-token-not-secret\"}".getBytes(StandardCharsets.UTF_8);
        String s1 = box.seal(plain, "auth/a.json");
        String s2 = box.seal(plain, "auth/a.json");
        assertNotEquals(s1, s2, "a random nonce per seal");
        assertTrue(s1.startsWith("sg1:" + box.currentKeyId() + ":"));
        assertFalse(s1.contains("test-token-not-secret"));
        assertArrayEquals(plain, box.open(s1, "auth/a.json"));
        String[] parts = s1.split(":");
        assertEquals(12, java.util.Base64.getUrlDecoder().decode(parts[2]).length, "12-byte nonce");
    }

    @Test
    void wrongKeyNamesTheKeyId() {
        SecretBox a = SecretBox.fromText(KEY_A, List.of());
        SecretBox b = SecretBox.fromText(KEY_B, List.of());
        String sealed = a.sealText("hello", "ctx");
        PersistenceException e = assertThrows(PersistenceException.class, () -> b.openText(sealed, "ctx"));
        assertEquals(Code.UNKNOWN_KEY, e.code());
        assertTrue(e.getMessage().contains(a.currentKeyId()), e.getMessage());
        assertFalse(e.getMessage().contains(KEY_A));
    }

    @Test
    void tamperingOrMovingFailsAuthentication() {
        SecretBox box = SecretBox.fromText(KEY_A, List.of());
        String sealed = box.sealText("hello", "auth/a.json");
        PersistenceException moved = assertThrows(PersistenceException.class, () -> box.openText(sealed, "auth/b.json"));
        assertEquals(Code.SEAL_BROKEN, moved.code());
        char last = sealed.charAt(sealed.length() - 1);
        String flipped = sealed.substring(0, sealed.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertEquals(Code.SEAL_BROKEN, assertThrows(PersistenceException.class, () -> box.openText(flipped,
                "auth/a.json")).code());
        assertEquals(Code.SEAL_BROKEN, assertThrows(PersistenceException.class, () -> box.openText("plain text",
                "auth/a.json")).code());
    }

    @Test
    void rotatedKeyStillOpensAndAsksForReseal() {
        SecretBox old = SecretBox.fromText(KEY_A, List.of());
        String sealedOld = old.sealText("hello", "ctx");
        SecretBox rotated = SecretBox.fromText(KEY_B, List.of(KEY_A));
        assertEquals("hello", rotated.openText(sealedOld, "ctx"));
        assertTrue(rotated.needsReseal(sealedOld));
        String fresh = rotated.sealText("hello", "ctx");
        assertFalse(rotated.needsReseal(fresh));
        assertEquals(Code.UNKNOWN_KEY, assertThrows(PersistenceException.class, () -> old.openText(fresh, "ctx")).code());
    }

    @Test
    void keyTextsParse() {
        assertEquals(32, SecretBox.parseKey(KEY_A).length);
        assertEquals(32, SecretBox.parseKey(KEY_B).length, "passphrases are stretched");
        assertArrayEquals(SecretBox.parseKey(KEY_B), SecretBox.parseKey(KEY_B));
        assertEquals(32, SecretBox.parseKey(SecretBox.generateKeyText()).length);
        String urlSafe = KEY_A.replace('+', '-').replace('/', '_').replace("=", "");
        assertArrayEquals(SecretBox.parseKey(KEY_A), SecretBox.parseKey(urlSafe));
    }
}
