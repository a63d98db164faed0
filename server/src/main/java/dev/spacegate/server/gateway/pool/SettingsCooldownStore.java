package dev.spacegate.server.gateway.pool;

import java.util.List;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.SettingsStore;

/** Keeps cooldown state in the settings store, so it survives a restart and is shared by replicas. */
public final class SettingsCooldownStore implements CooldownStore {
    static final String KEY = "gateway.cooldowns";
    private static final int ATTEMPTS = 3;

    private final SettingsStore settings;

    public SettingsCooldownStore(SettingsStore settings) {
        this.settings = settings;
    }

    @Override
    public List<CooldownState> load() {
        return settings.get(KEY).map(v -> CooldownState.fromJson(v.value())).orElse(List.of());
    }

    @Override
    public void save(List<CooldownState> states) {
        // Last writer wins: the snapshot is the pool's whole current view, so a lost race only
        // means the other replica's newer snapshot stands.
        for (int i = 0; ; i++) {
            long version = settings.get(KEY).map(Versioned::version).orElse(SettingsStore.ABSENT);
            try {
                settings.put(KEY, CooldownState.toJson(states), version);
                return;
            } catch (PersistenceException e) {
                if (i + 1 >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
