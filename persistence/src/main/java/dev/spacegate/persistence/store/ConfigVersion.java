package dev.spacegate.persistence.store;

/**
 * One kept version of the config document: its number, when it was saved, how ({@code api}, {@code file},
 * {@code seed}, {@code restore}, {@code env}) and by whom (a short description, never a secret).
 */
public record ConfigVersion(long version, long savedAtMs, String source, String by) {
}
