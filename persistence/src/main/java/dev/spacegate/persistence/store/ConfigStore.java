package dev.spacegate.persistence.store;

import dev.spacegate.persistence.Versioned;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The server's configuration document (YAML text, stored byte for byte).
 * With PostgreSQL the database copy is authoritative and a local {@code config.yaml} only seeds an empty
 * database; with embedded SQLite a present local file wins (both live on the same disk and the operator edits
 * the file).
 */
public interface ConfigStore {

    /** How many versions {@link #history()} keeps. */
    int HISTORY_LIMIT = 50;

    /** The stored document, if any. */
    Optional<Versioned<String>> load();

    /** {@link #save(String, long, String, String)} by the management API. */
    default long save(String yaml, long expectedVersion) {
        return save(yaml, expectedVersion, "api", "management API");
    }

    /**
     * Replaces the document if its version is {@code expectedVersion} (0 when none is stored yet) and keeps the new
     * version in the history (the oldest beyond {@link #HISTORY_LIMIT} are dropped), in one transaction.
     *
     * @param source how the change came ({@code api}, {@code file}, {@code seed}, {@code restore}, {@code env})
     * @param by     who made it, for the history (never a secret)
     * @return the new version
     * @throws dev.spacegate.persistence.PersistenceException with code VERSION_CONFLICT when another writer won
     */
    long save(String yaml, long expectedVersion, String source, String by);

    /** The kept versions, newest first. */
    List<ConfigVersion> history();

    /** The document text of a kept version. */
    Optional<String> historyContent(long version);

    /**
     * Stores {@code yaml} as the text of {@code version} (the current document when it still has that version, and
     * the kept copy) without making a new version: for the same content written differently, e.g. sealed again
     * under the current data key.
     */
    void rewrite(long version, String yaml);

    /**
     * Start-up reconciliation with a local config file: returns the document the server should use and makes the
     * local file and the store agree (see the class comment for which side wins). Empty when neither has one.
     */
    Optional<Versioned<String>> loadOrSeed(Path localFile);
}
