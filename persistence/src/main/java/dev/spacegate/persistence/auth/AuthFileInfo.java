package dev.spacegate.persistence.auth;

import java.time.Instant;

/** One auth file as a listing shows it: name, plaintext size and last change. */
public record AuthFileInfo(String name, long sizeBytes, Instant updatedAt) {
}
