package dev.spacegate.persistence.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Auth files (OAuth credential JSON documents named like {@code codex-user@example.com.json}), sealed at rest.
 * Every change is written through at once; a fresh process sees everything a previous one stored.
 * Names are checked by {@link AuthName}; a bad name fails with code INVALID_NAME.
 */
public interface AuthStore extends AutoCloseable {
    /** The key id {@link #sealKeyIds()} reports for content that is not in sealed form. */
    String UNSEALED = "unsealed";

    /** {@code database}, {@code dir} or {@code git}. */
    String backend();

    /** Every stored auth file, sorted by name. */
    List<AuthFileInfo> list();

    /** The plaintext bytes of one auth file, exactly as stored. */
    Optional<byte[]> get(String name);

    /** Creates or replaces one auth file; {@code json} must be a JSON object. */
    void put(String name, byte[] json);

    /** Removes one auth file; false when it did not exist. */
    boolean delete(String name);

    /**
     * The data key id each stored file is sealed with, by name (reads key ids only, opens nothing); a file whose
     * content is not in sealed form is reported with the id {@code "unsealed"}.
     */
    Map<String, String> sealKeyIds();

    /** Picks up changes other writers made (a no-op where every read already sees them). */
    default void refresh() {
    }

    @Override
    default void close() {
    }
}
