package dev.spacegate.persistence.auth;

import dev.spacegate.persistence.seal.SealedValues;

import java.util.Map;

/** The auth files of a store as {@link SealedValues}: reading a file re-seals it when it is under an older key. */
public record AuthFileSeals(AuthStore store) implements SealedValues {
    @Override
    public String kind() {
        return "auth file";
    }

    @Override
    public Map<String, String> keyIds() {
        return store.sealKeyIds();
    }

    @Override
    public void reseal(String slot) {
        store.get(slot);
    }
}
