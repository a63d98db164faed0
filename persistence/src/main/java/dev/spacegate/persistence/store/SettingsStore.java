package dev.spacegate.persistence.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spacegate.persistence.Versioned;

import java.util.List;
import java.util.Optional;

/**
 * Small JSON documents by key (prices, aliases, UI settings, credentials hashes) with compare-and-set versions,
 * so two writers (two replicas, two browser tabs) never silently overwrite each other.
 */
public interface SettingsStore {

    /** Version to pass to {@link #put} when the key must not exist yet. */
    long ABSENT = 0;

    /** The document stored under {@code key} with its current version. */
    Optional<Versioned<JsonNode>> get(String key);

    /**
     * Stores {@code value} under {@code key} if its current version is {@code expectedVersion}
     * ({@link #ABSENT} when creating).
     *
     * @return the new version
     * @throws dev.spacegate.persistence.PersistenceException with code VERSION_CONFLICT when another writer won
     */
    long put(String key, JsonNode value, long expectedVersion);

    /** Deletes {@code key} if its version is {@code expectedVersion}; false when absent or changed. */
    boolean delete(String key, long expectedVersion);

    /** All keys, sorted. */
    List<String> keys();
}
