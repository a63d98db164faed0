package dev.spacegate.persistence.seal;

import java.util.Map;

/**
 * One place that keeps values sealed by the {@link SecretBox} (auth files, a sealed setting, sealed config fields).
 * The {@link Resealer} asks each for the key id of every value and has it open (and, when sealed under an older
 * key, re-seal) them one by one; adding a new kind of sealed value means registering one more of these.
 */
public interface SealedValues {

    /** What these values are, for status and logs (e.g. {@code auth files}); never a value. */
    String kind();

    /** The key id each stored value was sealed with, by slot name (auth file name, field path). */
    Map<String, String> keyIds();

    /**
     * Opens the value in {@code slot} and stores it again under the current key when it was sealed under an older
     * one; does nothing when the slot is gone.
     *
     * @throws dev.spacegate.persistence.PersistenceException when the value cannot be opened
     */
    void reseal(String slot);
}
