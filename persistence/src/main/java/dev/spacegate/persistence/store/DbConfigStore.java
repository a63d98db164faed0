package dev.spacegate.persistence.store;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.db.Database;
import dev.spacegate.persistence.db.Engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** {@link ConfigStore} as the single row {@code id='config'} of {@code config_store} (CLIProxyAPI's pgstore shape). */
public final class DbConfigStore implements ConfigStore {
    private static final System.Logger LOG = System.getLogger(DbConfigStore.class.getName());
    private static final String ID = "config";

    private final Database db;

    public DbConfigStore(Database db) {
        this.db = db;
    }

    @Override
    public Optional<Versioned<String>> load() {
        return db.read(exec -> Database.one(exec, db.sql("SELECT content, version FROM ${p}config_store WHERE id = ?"),
                r -> new Versioned<>(Database.text(r, "content"), Database.longValue(r, "version")), ID));
    }

    @Override
    public long save(String yaml, long expectedVersion) {
        if (yaml == null) {
            throw new PersistenceException(Code.INVALID_CONTENT, "config document is missing");
        }
        long now = System.currentTimeMillis();
        long changed = db.write(tx -> expectedVersion == 0
                ? tx.dml(db.sql("INSERT INTO ${p}config_store (id, content, version, updated_at_ms) VALUES (?, ?, 1, ?)"
                        + " ON CONFLICT (id) DO NOTHING"), ID, yaml, now)
                : tx.dml(db.sql("UPDATE ${p}config_store SET content = ?, version = version + 1, updated_at_ms = ?"
                        + " WHERE id = ? AND version = ?"), yaml, now, ID, expectedVersion));
        if (changed == 0) {
            throw new PersistenceException(Code.VERSION_CONFLICT,
                    "the configuration was changed by someone else; reload and try again");
        }
        return expectedVersion + 1;
    }

    @Override
    public Optional<Versioned<String>> loadOrSeed(Path localFile) {
        Optional<Versioned<String>> stored = load();
        Optional<String> local = readLocal(localFile);
        boolean localWins = db.engine() == Engine.SQLITE && local.isPresent();
        if (stored.isPresent() && !localWins) {
            if (!local.equals(Optional.of(stored.get().value()))) {
                writeLocal(localFile, stored.get().value()); // mirror for tools that read the file
            }
            return stored;
        }
        if (local.isPresent()) {
            if (stored.isPresent() && stored.get().value().equals(local.get())) {
                return stored;
            }
            long version = save(local.get(), stored.map(Versioned::version).orElse(0L));
            LOG.log(System.Logger.Level.INFO, stored.isPresent() ? "Configuration updated from the local file"
                    : "Configuration seeded from the local file");
            return Optional.of(new Versioned<>(local.get(), version));
        }
        return Optional.empty();
    }

    private static Optional<String> readLocal(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not read the local config file: "
                    + e.getClass().getSimpleName());
        }
    }

    private static void writeLocal(Path file, String content) {
        if (file == null) {
            return;
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".config-", ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the database copy is authoritative; a missing mirror is worth a warning, not a failed start
            LOG.log(System.Logger.Level.WARNING, "Could not mirror the configuration to the local file: "
                    + e.getClass().getSimpleName());
        }
    }
}
