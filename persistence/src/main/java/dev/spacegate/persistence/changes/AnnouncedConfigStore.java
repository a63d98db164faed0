package dev.spacegate.persistence.changes;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.ConfigStore;
import dev.spacegate.persistence.store.ConfigVersion;

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
    public long save(String yaml, long expectedVersion, String source, String by) {
        long version = store.save(yaml, expectedVersion, source, by);
        Announce.after(log, Change.CONFIG, Long.toString(version));
        return version;
    }

    @Override
    public List<ConfigVersion> history() {
        return store.history();
    }

    @Override
    public Optional<String> historyContent(long version) {
        return store.historyContent(version);
    }

    @Override
    public void rewrite(long version, String yaml) {
        store.rewrite(version, yaml); // same content: nothing for the other replicas to reload
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
