package dev.spacegate.persistence.changes;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.SettingsStore;

/**
 * A {@link SettingsStore} whose writes are announced to the other replicas (the key only; they re-read it), except
 * for high-churn bookkeeping no replica caches.
 */
public final class AnnouncedSettingsStore implements SettingsStore {
    /**
     * Written often and never cached by another replica: cooldowns travel as their own {@code cooldown} changes,
     * the analytics cursor is read fresh by whoever builds the rollups.
     */
    static final Set<String> QUIET = Set.of("gateway.cooldowns", "manager.usage_hourly.state");

    private final SettingsStore store;
    private final ChangeLog log;

    public AnnouncedSettingsStore(SettingsStore store, ChangeLog log) {
        this.store = store;
        this.log = log;
    }

    @Override
    public Optional<Versioned<JsonNode>> get(String key) {
        return store.get(key);
    }

    @Override
    public long put(String key, JsonNode value, long expectedVersion) {
        long version = store.put(key, value, expectedVersion);
        announce(key);
        return version;
    }

    @Override
    public boolean delete(String key, long expectedVersion) {
        boolean deleted = store.delete(key, expectedVersion);
        if (deleted) {
            announce(key);
        }
        return deleted;
    }

    @Override
    public List<String> keys() {
        return store.keys();
    }

    private void announce(String key) {
        if (!QUIET.contains(key)) {
            Announce.after(log, Change.SETTINGS, key);
        }
    }
}
