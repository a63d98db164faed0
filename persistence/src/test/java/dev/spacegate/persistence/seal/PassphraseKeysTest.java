package dev.spacegate.persistence.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.TestPg;
import org.junit.jupiter.api.Test;

/**
 * A passphrase DATA_KEY is stretched with PBKDF2 (600,000 iterations) and a salt stored once per deployment; values
 * sealed by an older version under the fast HKDF key still open (docs/security.md, "Sealed at rest").
 */
class PassphraseKeysTest {
    private static final String PASSPHRASE = "correct horse battery staple, not secret";

    @Test
    void aPassphraseIsStretchedSlowlyWithAStoredSaltAndOldValuesStillOpen() throws Exception {
        String oldSealed = SecretBox.fromText(PASSPHRASE, List.of()).sealText("fake-upstream-not-secret", "ctx");
        Path dir = Files.createTempDirectory("sg-passphrase-");
        Map<String, String> env = Map.of("DATA_DIR", dir.toString(), "DATA_KEY", PASSPHRASE);
        try {
            String keyId;
            try (Persistence p = Persistence.open(PersistenceSettings.fromEnv(env))) {
                JsonNode kdf = p.settings().get(PassphraseKeys.SETTINGS_KEY).orElseThrow().value();
                assertEquals("pbkdf2-hmac-sha256", kdf.path("kdf").asText());
                assertTrue(kdf.path("iterations").asInt() >= 600_000);
                assertEquals(16, java.util.Base64.getDecoder().decode(kdf.path("salt").asText()).length);
                keyId = p.secretBox().currentKeyId();
                assertNotEquals(SecretBox.fromText(PASSPHRASE, List.of()).currentKeyId(), keyId,
                        "the fast HKDF key no longer seals");
                assertEquals("fake-upstream-not-secret", p.secretBox().openText(oldSealed, "ctx"), "old data opens");
                assertTrue(p.secretBox().needsReseal(oldSealed), "and is re-sealed under the slow key");
            }
            try (Persistence p = Persistence.open(PersistenceSettings.fromEnv(env))) {
                assertEquals(keyId, p.secretBox().currentKeyId(), "the same salt after a restart");
            }
        } finally {
            TestPg.deleteTree(dir);
        }
    }

    @Test
    void aGeneratedKeyIsUsedAsIs() {
        String text = SecretBox.generateKeyText();
        assertEquals(false, SecretBox.isPassphrase(text));
        assertEquals(SecretBox.fromText(text, List.of()).currentKeyId(),
                DataKeys.load(new DataKeys.Texts(text, List.of()), null).currentKeyId());
    }
}
