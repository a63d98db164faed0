package dev.spacegate.persistence.changes;

import java.nio.file.Path;
import java.util.Optional;

import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.ConfigStore;

/** A {@link ConfigStore} whose saves are announced to the other replicas. */
public final class AnnouncedConfigStore implements ConfigStore {
    private final ConfigStore store;
    private final ChangeLog log;

    public AnnouncedConfigStore(ConfigStore store, ChangeLog log) {
        this.store = store;
        this.log = log;
    }

    @Override
    public Optional<Versioned<String>> load() {
        return store.load();
    }

    @Override
    public long save(String yaml, long expectedVersion) {
        long version = store.save(yaml, expectedVersion);
        Announce.after(log, Change.CONFIG, Long.toString(version));
        return version;
    }

    @Override
    public Optional<Versioned<String>> loadOrSeed(Path localFile) {
        Optional<Versioned<String>> before = store.load();
        Optional<Versioned<String>> result = store.loadOrSeed(localFile);
        if (result.isPresent() && !result.equals(before)) {
            Announce.after(log, Change.CONFIG, Long.toString(result.get().version()));
        }
        return result;
    }
}
