package dev.spacegate.server.manager.config;

import java.util.Map;

import dev.spacegate.persistence.seal.SealedValues;
import dev.spacegate.persistence.store.ConfigStore;
import dev.spacegate.persistence.store.ConfigVersion;

/**
 * The sealed secret fields of the stored config as {@link SealedValues}: re-sealing under the current data key
 * rewrites the stored document and every kept version still sealed under an older key (same content, same versions).
 */
final class ConfigSeals implements SealedValues {
    private final ConfigStore store;
    private final ConfigSeal seal;
    private final Object lock;
    private boolean historyDone;

    ConfigSeals(ConfigStore store, ConfigSeal seal, Object lock) {
        this.store = store;
        this.seal = seal;
        this.lock = lock;
    }

    @Override
    public String kind() {
        return "config fields";
    }

    @Override
    public Map<String, String> keyIds() {
        return store.load().map(v -> ConfigSeal.keyIds(v.value())).orElse(Map.of());
    }

    @Override
    public void reseal(String slot) {
        synchronized (lock) {
            store.load().filter(v -> seal.needsSealing(v.value()))
                    .ifPresent(v -> store.rewrite(v.version(), seal.encode(seal.decode(v.value()))));
            if (historyDone) {
                return; // one sweep of the kept versions per start is enough: new versions are sealed when saved
            }
            for (ConfigVersion kept : store.history()) {
                store.historyContent(kept.version()).filter(seal::needsSealing)
                        .ifPresent(text -> store.rewrite(kept.version(), seal.encode(seal.decode(text))));
            }
            historyDone = true;
        }
    }
}
