package dev.spacegate.persistence;

import dev.spacegate.persistence.auth.AuthFileSeals;
import dev.spacegate.persistence.auth.AuthStore;
import dev.spacegate.persistence.auth.DbAuthStore;
import dev.spacegate.persistence.auth.DirAuthStore;
import dev.spacegate.persistence.auth.GitAuthStore;
import dev.spacegate.persistence.changes.AnnouncedAuthStore;
import dev.spacegate.persistence.changes.AnnouncedConfigStore;
import dev.spacegate.persistence.changes.AnnouncedSettingsStore;
import dev.spacegate.persistence.changes.ChangeLog;
import dev.spacegate.persistence.db.Database;
import dev.spacegate.persistence.dsn.PostgresDsn;
import dev.spacegate.persistence.dsn.PostgresTarget;
import dev.spacegate.persistence.migrate.Migrations;
import dev.spacegate.persistence.seal.DataKeys;
import dev.spacegate.persistence.seal.Resealer;
import dev.spacegate.persistence.seal.SecretBox;
import dev.spacegate.persistence.store.ConfigStore;
import dev.spacegate.persistence.store.DbConfigStore;
import dev.spacegate.persistence.store.DbSettingsStore;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.persistence.usage.DbUsageStore;
import dev.spacegate.persistence.usage.UsageStore;

import java.time.Duration;
import java.time.Instant;

/**
 * The persistence module's entry point: opens the database (SQLite or PostgreSQL), applies migrations, loads the
 * data key and opens every store. One instance per process; {@link #close()} releases the pool and the git clone.
 *
 * <pre>{@code
 * try (Persistence p = Persistence.open(PersistenceSettings.fromEnv(System.getenv()))) {
 *     p.usage().appendBatch(events);
 * }
 * }</pre>
 */
public final class Persistence implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Persistence.class.getName());
    /** Name of the embedded database file inside the data directory. */
    public static final String SQLITE_FILE = "spacegate.db";

    private final PersistenceSettings settings;
    private final Database database;
    private final SecretBox secretBox;
    private final SettingsStore settingsStore;
    private final ConfigStore configStore;
    private final UsageStore usageStore;
    private final AuthStore authStore;
    private final Resealer resealer;
    private final ChangeLog changes;

    private Persistence(PersistenceSettings settings, Database database, SecretBox secretBox, AuthStore authStore) {
        this.settings = settings;
        this.database = database;
        this.secretBox = secretBox;
        this.changes = new ChangeLog(database, ChangeLog.replicaId(System.getenv()));
        this.usageStore = new DbUsageStore(database);
        if (changes.shared()) {
            // other replicas may share this database: every write that changes what they serve is announced
            this.settingsStore = new AnnouncedSettingsStore(new DbSettingsStore(database), changes);
            this.configStore = new AnnouncedConfigStore(new DbConfigStore(database), changes);
            this.authStore = new AnnouncedAuthStore(authStore, changes);
        } else {
            this.settingsStore = new DbSettingsStore(database);
            this.configStore = new DbConfigStore(database);
            this.authStore = authStore;
        }
        this.resealer = new Resealer(secretBox);
        // re-sealing rewrites the same content: nothing for other replicas to reload
        resealer.register(new AuthFileSeals(authStore));
    }

    /**
     * Opens everything the settings describe. Fails with a {@link PersistenceException} whose message says what to
     * fix (unreachable host, wrong password, schema newer than this build, missing data key, ...).
     */
    public static Persistence open(PersistenceSettings settings) {
        DataKeys.Texts keys = DataKeys.texts(settings);
        Database db = openDatabase(settings);
        AuthStore auths = null;
        try {
            Migrations.apply(db);
            // a passphrase key needs the deployment's KDF salt, which the database keeps
            SecretBox box = DataKeys.load(keys, new DbSettingsStore(db));
            auths = switch (settings.authStore()) {
                case DATABASE -> new DbAuthStore(db, box);
                case DIR -> DirAuthStore.open(settings.authDir(), box);
                case GIT -> GitAuthStore.open(GitAuthStore.Remote.from(settings), settings.gitLocalDir(), box);
            };
            Persistence p = new Persistence(settings, db, box, auths);
            LOG.log(System.Logger.Level.INFO, "Storage ready: " + db.engine().label() + ", auth files in "
                    + settings.authStore().label());
            p.maintain();
            return p;
        } catch (RuntimeException e) {
            if (auths != null) {
                auths.close();
            }
            db.close();
            throw e;
        }
    }

    private static Database openDatabase(PersistenceSettings settings) {
        if (settings.pgDsn().isPresent()) {
            PostgresTarget target = PostgresDsn.parse(settings.pgDsn().get(), settings.pgCaPem(), settings.pgCaFile(),
                    settings.dataDir());
            LOG.log(System.Logger.Level.INFO, "Connecting to PostgreSQL " + target.describe());
            return Database.postgres(target, settings.pgSchema(), settings.pgPoolSize(), settings.startWait());
        }
        return Database.sqlite(settings.dataDir().resolve(SQLITE_FILE));
    }

    /** Periodic housekeeping (raw-event retention); cheap, safe to call from a daily timer. */
    public void maintain() {
        Duration retention = settings.usageRetention();
        if (!retention.isZero() && !retention.isNegative()) {
            long deleted = usageStore.pruneBefore(Instant.now().minus(retention));
            if (deleted > 0) {
                LOG.log(System.Logger.Level.INFO, "Pruned " + deleted + " raw usage events older than "
                        + retention.toDays() + " days (rollups kept)");
            }
        }
    }

    /** The settings this instance was opened with. */
    public PersistenceSettings options() {
        return settings;
    }

    /** Small JSON documents with compare-and-set versions. */
    public SettingsStore settings() {
        return settingsStore;
    }

    /** The server's config document. */
    public ConfigStore config() {
        return configStore;
    }

    /** Usage events and rollups. */
    public UsageStore usage() {
        return usageStore;
    }

    /** Auth files, sealed at rest. */
    public AuthStore auths() {
        return authStore;
    }

    /** The change log replicas on one PostgreSQL follow (records nothing on SQLite). */
    public ChangeLog changes() {
        return changes;
    }

    /** Seals other secrets at rest (upstream API keys, an external management key). */
    public SecretBox secretBox() {
        return secretBox;
    }

    /**
     * The background pass that re-seals every sealed value under the current data key; other modules register
     * their sealed values, the server starts it once everything is wired.
     */
    public Resealer resealer() {
        return resealer;
    }

    /** The database, for modules that add their own tables through migrations here. */
    public Database database() {
        return database;
    }

    /** Engine, liveness and size; never paths or secrets. */
    public Health health() {
        boolean ok = database.ping();
        return new Health(database.engine().label(), ok, ok ? database.sizeBytes() : java.util.OptionalLong.empty(),
                authStore.backend(), ok ? "ok" : "database not answering");
    }

    @Override
    public void close() {
        resealer.close();
        try {
            authStore.close();
        } finally {
            database.close();
        }
    }
}
