package dev.spacegate.persistence;

import dev.spacegate.persistence.PersistenceException.Code;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the persistence module needs to open its stores, read once from the environment.
 * {@link #toString()} never prints secrets.
 *
 * @param dataDir          local data directory (SQLite file, generated data key, local mirrors)
 * @param pgDsn            PostgreSQL DSN ({@code postgres://...}); empty selects embedded SQLite
 * @param pgSchema         PostgreSQL schema to use (created when absent)
 * @param pgCaPem          PEM text of the CA for {@code sslmode=verify-ca|verify-full}, if given inline
 * @param pgCaFile         path of that CA PEM, if given as a file
 * @param pgPoolSize       maximum pooled connections (free tiers allow few)
 * @param startWait        how long start-up keeps retrying an unreachable database
 * @param dataKey          data key (base64 of 32 bytes, or a passphrase that is stretched with HKDF)
 * @param dataKeyFile      file holding the data key
 * @param dataKeyPrevious  comma-separated previous data keys still accepted for reading
 * @param authStore        where auth files live
 * @param authDir          directory of the {@code dir} auth store
 * @param gitUrl           HTTPS URL of the {@code git} auth store repository
 * @param gitUsername      git user name (default {@code git} when only a token is given)
 * @param gitToken         git password or token
 * @param gitBranch        git branch (empty: the remote's default branch)
 * @param gitLocalDir      local clone directory of the git auth store
 * @param usageRetention   how long raw usage events are kept (zero: forever; rollups are always kept)
 */
public record PersistenceSettings(
        Path dataDir,
        Optional<String> pgDsn,
        String pgSchema,
        Optional<String> pgCaPem,
        Optional<Path> pgCaFile,
        int pgPoolSize,
        Duration startWait,
        Optional<String> dataKey,
        Optional<Path> dataKeyFile,
        Optional<String> dataKeyPrevious,
        AuthStoreKind authStore,
        Path authDir,
        Optional<String> gitUrl,
        Optional<String> gitUsername,
        Optional<String> gitToken,
        Optional<String> gitBranch,
        Path gitLocalDir,
        Duration usageRetention) {

    /** Where auth files are kept. */
    public enum AuthStoreKind {
        /** A table in the configured database. */
        DATABASE,
        /** Files in a directory (e.g. a mounted volume). */
        DIR,
        /** A private git repository over HTTPS. */
        GIT;

        /** Parses {@code database|dir|git}, case-insensitively. */
        public static AuthStoreKind parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "database", "db", "postgres", "sqlite" -> DATABASE;
                case "dir", "directory", "file", "files" -> DIR;
                case "git" -> GIT;
                default -> throw new PersistenceException(Code.INVALID_SETTINGS,
                        "AUTH_STORE must be one of database, dir, git (got '" + text.trim() + "')");
            };
        }

        /** The lower-case name used in settings and health output. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PersistenceSettings {
        if (pgPoolSize < 1) {
            throw new PersistenceException(Code.INVALID_SETTINGS, "PGSTORE_POOL_SIZE must be at least 1");
        }
        if (authStore == AuthStoreKind.GIT && gitUrl.isEmpty()) {
            throw new PersistenceException(Code.INVALID_SETTINGS, "AUTH_STORE=git needs GITSTORE_GIT_URL");
        }
    }

    /** Reads settings from environment variables; relative paths resolve against the working directory. */
    public static PersistenceSettings fromEnv(Map<String, String> env) {
        return fromEnv(env, Path.of("").toAbsolutePath());
    }

    /** Reads settings from environment variables; relative paths resolve against {@code workDir}. */
    public static PersistenceSettings fromEnv(Map<String, String> env, Path workDir) {
        Path dataDir = workDir.resolve(value(env, "DATA_DIR").orElse("./data")).normalize();
        Optional<String> dsn = value(env, "PGSTORE_DSN");
        Optional<String> gitUrl = value(env, "GITSTORE_GIT_URL");
        AuthStoreKind kind = value(env, "AUTH_STORE").map(AuthStoreKind::parse)
                .orElse(dsn.isPresent() ? AuthStoreKind.DATABASE
                        : gitUrl.isPresent() ? AuthStoreKind.GIT : AuthStoreKind.DIR);
        return new PersistenceSettings(
                dataDir,
                dsn,
                value(env, "PGSTORE_SCHEMA").orElse("public"),
                value(env, "PGSTORE_CA_PEM"),
                value(env, "PGSTORE_CA_FILE").map(workDir::resolve),
                intValue(env, "PGSTORE_POOL_SIZE", 5),
                Duration.ofSeconds(intValue(env, "PGSTORE_CONNECT_WAIT_SECONDS", 30)),
                value(env, "DATA_KEY"),
                value(env, "DATA_KEY_FILE").map(workDir::resolve),
                value(env, "DATA_KEY_PREVIOUS"),
                kind,
                value(env, "AUTH_DIR").map(workDir::resolve).orElse(dataDir.resolve("auths")),
                gitUrl,
                value(env, "GITSTORE_GIT_USERNAME"),
                value(env, "GITSTORE_GIT_TOKEN"),
                value(env, "GITSTORE_GIT_BRANCH"),
                value(env, "GITSTORE_LOCAL_PATH").map(workDir::resolve).orElse(dataDir.resolve("gitstore")),
                Duration.ofDays(intValue(env, "USAGE_RETENTION_DAYS", 0)));
    }

    /** Embedded settings for a data directory: SQLite, dir auth store, generated key. Handy for tests and tools. */
    public static PersistenceSettings embedded(Path dataDir) {
        return fromEnv(Map.of("DATA_DIR", dataDir.toAbsolutePath().toString()));
    }

    /** True when PostgreSQL is configured. */
    public boolean usesPostgres() {
        return pgDsn.isPresent();
    }

    /** True when every piece of state lives on the local disk, so a generated data key may live there too. */
    public boolean fullyLocal() {
        return pgDsn.isEmpty() && authStore != AuthStoreKind.GIT;
    }

    /** Returns a copy with another auth store kind. */
    public PersistenceSettings withAuthStore(AuthStoreKind kind) {
        return new PersistenceSettings(dataDir, pgDsn, pgSchema, pgCaPem, pgCaFile, pgPoolSize, startWait, dataKey,
                dataKeyFile, dataKeyPrevious, kind, authDir, gitUrl, gitUsername, gitToken, gitBranch, gitLocalDir,
                usageRetention);
    }

    @Override
    public String toString() {
        return "PersistenceSettings[engine=" + (usesPostgres() ? "postgresql" : "sqlite")
                + ", schema=" + pgSchema
                + ", poolSize=" + pgPoolSize
                + ", authStore=" + authStore.label()
                + ", dataKey=" + (dataKey.isPresent() ? "env" : dataKeyFile.isPresent() ? "file" : "default")
                + ", usageRetention=" + usageRetention + "]";
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private static int intValue(Map<String, String> env, String name, int fallback) {
        Optional<String> v = value(env, name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw new PersistenceException(Code.INVALID_SETTINGS, name + " must be a whole number");
        }
    }
}
