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
import java.util.List;
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
    public long save(String yaml, long expectedVersion, String source, String by) {
        if (yaml == null) {
            throw new PersistenceException(Code.INVALID_CONTENT, "config document is missing");
        }
        long now = System.currentTimeMillis();
        long next = expectedVersion + 1;
        boolean saved = db.write(tx -> {
            long changed = expectedVersion == 0
                    ? tx.dml(db.sql("INSERT INTO ${p}config_store (id, content, version, updated_at_ms)"
                            + " VALUES (?, ?, 1, ?) ON CONFLICT (id) DO NOTHING"), ID, yaml, now)
                    : tx.dml(db.sql("UPDATE ${p}config_store SET content = ?, version = version + 1, updated_at_ms = ?"
                            + " WHERE id = ? AND version = ?"), yaml, now, ID, expectedVersion);
            if (changed == 0) {
                return false;
            }
            tx.dml(db.sql("INSERT INTO ${p}config_history (version, content, source, saved_by, saved_at_ms)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (version) DO UPDATE SET content = excluded.content,"
                    + " source = excluded.source, saved_by = excluded.saved_by, saved_at_ms = excluded.saved_at_ms"),
                    next, yaml, source, by, now);
            tx.dml(db.sql("DELETE FROM ${p}config_history WHERE version <= ?"), next - HISTORY_LIMIT);
            return true;
        });
        if (!saved) {
            throw new PersistenceException(Code.VERSION_CONFLICT,
                    "the configuration was changed by someone else; reload and try again");
        }
        return next;
    }

    @Override
    public List<ConfigVersion> history() {
        return db.read(exec -> Database.list(exec, db.sql("SELECT version, source, saved_by, saved_at_ms"
                + " FROM ${p}config_history ORDER BY version DESC LIMIT " + HISTORY_LIMIT),
                r -> new ConfigVersion(Database.longValue(r, "version"), Database.longValue(r, "saved_at_ms"),
                        Database.text(r, "source"), Database.text(r, "saved_by"))));
    }

    @Override
    public Optional<String> historyContent(long version) {
        return db.read(exec -> Database.one(exec, db.sql("SELECT content FROM ${p}config_history WHERE version = ?"),
                r -> Database.text(r, "content"), version));
    }

    @Override
    public void rewrite(long version, String yaml) {
        db.write(tx -> {
            tx.dml(db.sql("UPDATE ${p}config_store SET content = ? WHERE id = ? AND version = ?"), yaml, ID, version);
            tx.dml(db.sql("UPDATE ${p}config_history SET content = ? WHERE version = ?"), yaml, version);
            return null;
        });
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
