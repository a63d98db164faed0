package dev.spacegate.persistence.seal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.SettingsStore;

/**
 * Stretches a passphrase {@code DATA_KEY} into a data key with PBKDF2-HMAC-SHA256 (600,000 iterations) and a random
 * salt kept in the settings store (one per deployment, shared by its replicas; not secret). Values sealed by an older
 * version under the passphrase's fast HKDF key still open: that key stays in the ring as a previous key, and the
 * background re-seal moves every value to the new one.
 */
public final class PassphraseKeys {
    /** Settings key of the salt record. */
    public static final String SETTINGS_KEY = "persistence.data_key_kdf";
    static final int ITERATIONS = 600_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] salt;
    private final int iterations;

    private PassphraseKeys(byte[] salt, int iterations) {
        this.salt = salt;
        this.iterations = iterations;
    }

    /** The deployment's salt record, created on first use. */
    public static PassphraseKeys open(SettingsStore settings) {
        Optional<Versioned<JsonNode>> stored = settings.get(SETTINGS_KEY);
        if (stored.isEmpty()) {
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            ObjectNode doc = JSON.createObjectNode().put("kdf", "pbkdf2-hmac-sha256").put("iterations", ITERATIONS)
                    .put("salt", Base64.getEncoder().encodeToString(salt));
            try {
                settings.put(SETTINGS_KEY, doc, SettingsStore.ABSENT);
                return new PassphraseKeys(salt, ITERATIONS);
            } catch (PersistenceException e) {
                if (e.code() != PersistenceException.Code.VERSION_CONFLICT) {
                    throw e;
                }
                stored = settings.get(SETTINGS_KEY); // another replica made it first
            }
        }
        JsonNode doc = stored.orElseThrow().value();
        return new PassphraseKeys(Base64.getDecoder().decode(doc.path("salt").asText()),
                doc.path("iterations").asInt(ITERATIONS));
    }

    /** The 32-byte key of a passphrase. */
    public byte[] derive(String passphrase) {
        PBEKeySpec spec = new PBEKeySpec(passphrase.trim().toCharArray(), salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 missing from the JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
