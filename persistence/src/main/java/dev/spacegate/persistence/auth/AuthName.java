package dev.spacegate.persistence.auth;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;

import java.util.Optional;

/** The naming rules for auth files: one plain file name ending in {@code .json}, nothing that walks paths. */
public final class AuthName {
    private static final int MAX_LENGTH = 200;

    private AuthName() {
    }

    /** Why {@code name} is not acceptable, or empty when it is. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of("auth file name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("auth file name is longer than " + MAX_LENGTH + " characters");
        }
        if (name.contains("/") || name.contains("\\")) {
            return Optional.of("auth file name must not contain path separators");
        }
        if (name.contains("..")) {
            return Optional.of("auth file name must not contain '..'");
        }
        if (name.startsWith(".")) {
            return Optional.of("auth file name must not start with '.'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>'
                    || c == '|') {
                return Optional.of("auth file name contains a character that is not allowed");
            }
        }
        if (!name.endsWith(".json") || name.length() == ".json".length()) {
            return Optional.of("auth file name must end with .json");
        }
        return Optional.empty();
    }

    /** Returns {@code name} when valid, else fails with code INVALID_NAME and the reason. */
    public static String require(String name) {
        Optional<String> problem = problem(name);
        if (problem.isPresent()) {
            throw new PersistenceException(Code.INVALID_NAME, problem.get());
        }
        return name;
    }
}
