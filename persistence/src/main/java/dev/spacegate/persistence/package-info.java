/**
 * Spacegate persistence: every piece of state in stores that survive a container restart.
 *
 * <p>Entry point {@link dev.spacegate.persistence.Persistence#open(PersistenceSettings)}; settings from
 * {@link dev.spacegate.persistence.PersistenceSettings#fromEnv(java.util.Map)}. Subpackages by concern:
 * {@code db} (Helidon DB Client over SQLite or PostgreSQL), {@code dsn} (postgres:// to JDBC), {@code migrate}
 * (versioned schema), {@code store} (settings and config documents), {@code usage} (usage events and rollups),
 * {@code auth} (sealed auth files in a table, a directory or a git repository), {@code seal} (AES-256-GCM key ring).
 * Errors leave the module as {@link dev.spacegate.persistence.PersistenceException} with a code and a safe message.
 */
package dev.spacegate.persistence;
