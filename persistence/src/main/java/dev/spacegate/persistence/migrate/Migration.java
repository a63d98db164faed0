package dev.spacegate.persistence.migrate;

import java.util.List;

/**
 * One schema step, with statement text per engine. {@code ${p}} in a statement stands for the table prefix (the
 * quoted PostgreSQL schema, nothing on SQLite).
 */
public record Migration(int version, String description, List<String> sqlite, List<String> postgres) {
}
