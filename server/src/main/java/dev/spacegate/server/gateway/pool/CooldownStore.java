package dev.spacegate.server.gateway.pool;

import java.util.List;

/** Where cooldown state survives a restart (the lead wires it to the settings store). */
public interface CooldownStore {
    /** All saved states (expired ones are ignored by the pool). */
    List<CooldownState> load() throws Exception;

    /** Replaces the saved states with this snapshot. */
    void save(List<CooldownState> states) throws Exception;

    /** A store that keeps nothing. */
    static CooldownStore none() {
        return new CooldownStore() {
            @Override
            public List<CooldownState> load() {
                return List.of();
            }

            @Override
            public void save(List<CooldownState> states) {
            }
        };
    }
}
