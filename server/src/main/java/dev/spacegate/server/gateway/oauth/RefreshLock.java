package dev.spacegate.server.gateway.oauth;

import java.util.function.Supplier;

import dev.spacegate.persistence.db.Database;
import dev.spacegate.persistence.db.Engine;

/**
 * Makes one refresh of one credential exclusive across every process sharing the store: in-process for a single
 * server, a PostgreSQL advisory lock when replicas share a database. The work re-reads the store after taking it.
 */
public interface RefreshLock {

    /** Runs {@code work} while holding the lock of {@code authIndex}; {@code work} must not throw. */
    <T> T withLock(String authIndex, Supplier<T> work);

    /** One process: the per-credential single flight in {@link TokenRefresher} is all the exclusion needed. */
    RefreshLock LOCAL = new RefreshLock() {
        @Override
        public <T> T withLock(String authIndex, Supplier<T> work) {
            return work.get();
        }
    };

    /** The right lock for a database: advisory locks on PostgreSQL, in-process on SQLite. */
    static RefreshLock of(Database db) {
        return db.engine() == Engine.POSTGRESQL ? new PgRefreshLock(db) : LOCAL;
    }

    /** {@code pg_advisory_xact_lock} held by a transaction for the duration of the work. */
    final class PgRefreshLock implements RefreshLock {
        /** Keeps our lock ids apart from any other advisory lock user of the same database. */
        private static final long NAMESPACE = 0x5350_4147_4154_4531L;
        private final Database db;

        public PgRefreshLock(Database db) {
            this.db = db;
        }

        @Override
        public <T> T withLock(String authIndex, Supplier<T> work) {
            long key = Long.parseUnsignedLong(authIndex, 16) ^ NAMESPACE;
            return db.write(tx -> {
                Database.one(tx, "SELECT count(*) AS n FROM (SELECT pg_advisory_xact_lock(?)) AS l",
                        r -> Database.longValue(r, "n"), key);
                return work.get();
            });
        }
    }
}
