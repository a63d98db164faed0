package dev.spacegate.persistence;

import java.util.OptionalLong;

/**
 * What a health endpoint may show about storage: the engine, whether it answers, and its size when cheap
 * to learn. Never carries paths, hosts or secrets.
 */
public record Health(String engine, boolean ok, OptionalLong sizeBytes, String authStore, String detail) {
}
