package dev.spacegate.persistence.store;

import dev.spacegate.persistence.Versioned;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The server's configuration document (YAML text, stored byte for byte).
 * With PostgreSQL the database copy is authoritative and a local {@code config.yaml} only seeds an empty
 * database; with embedded SQLite a present local file wins (both live on the same disk and the operator edits
 * the file).
 */
public interface ConfigStore {

    /** The stored document, if any. */
    Optional<Versioned<String>> load();

    /**
     * Replaces the document if its version is {@code expectedVersion} (0 when none is stored yet).
     *
     * @return the new version
     * @throws dev.spacegate.persistence.PersistenceException with code VERSION_CONFLICT when another writer won
     */
    long save(String yaml, long expectedVersion);

    /**
     * Start-up reconciliation with a local config file: returns the document the server should use and makes the
     * local file and the store agree (see the class comment for which side wins). Empty when neither has one.
     */
    Optional<Versioned<String>> loadOrSeed(Path localFile);
}
