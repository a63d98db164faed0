package dev.spacegate.persistence.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.db.Database;

import java.util.List;
import java.util.Optional;

/** {@link SettingsStore} in the {@code settings} table; versions are plain counters checked in the UPDATE. */
public final class DbSettingsStore implements SettingsStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_KEY = 200;

    private final Database db;

    public DbSettingsStore(Database db) {
        this.db = db;
    }

    @Override
    public Optional<Versioned<JsonNode>> get(String key) {
        checkKey(key);
        return db.read(exec -> Database.one(exec, db.sql("SELECT value, version FROM ${p}settings WHERE key = ?"),
                r -> new Versioned<>(parse(Database.text(r, "value"), key), Database.longValue(r, "version")), key));
    }

    @Override
    public long put(String key, JsonNode value, long expectedVersion) {
        checkKey(key);
        if (value == null) {
            throw new PersistenceException(Code.INVALID_CONTENT, "setting '" + key + "' needs a value");
        }
        String text = value.toString();
        long now = System.currentTimeMillis();
        long changed = db.write(tx -> expectedVersion == ABSENT
                ? tx.dml(db.sql("INSERT INTO ${p}settings (key, value, version, updated_at_ms) VALUES (?, ?, 1, ?)"
                        + " ON CONFLICT (key) DO NOTHING"), key, text, now)
                : tx.dml(db.sql("UPDATE ${p}settings SET value = ?, version = version + 1, updated_at_ms = ?"
                        + " WHERE key = ? AND version = ?"), text, now, key, expectedVersion));
        if (changed == 0) {
            throw new PersistenceException(Code.VERSION_CONFLICT, "setting '" + key
                    + "' was changed by someone else; reload and try again");
        }
        return expectedVersion + 1;
    }

    @Override
    public boolean delete(String key, long expectedVersion) {
        checkKey(key);
        return db.write(tx -> tx.dml(db.sql("DELETE FROM ${p}settings WHERE key = ? AND version = ?"), key,
                expectedVersion)) > 0;
    }

    @Override
    public List<String> keys() {
        return db.read(exec -> Database.list(exec, db.sql("SELECT key FROM ${p}settings ORDER BY key"),
                r -> Database.text(r, "key")));
    }

    private static void checkKey(String key) {
        if (key == null || key.isBlank() || key.length() > MAX_KEY) {
            throw new PersistenceException(Code.INVALID_CONTENT, "setting keys are 1.." + MAX_KEY + " characters");
        }
    }

    private static JsonNode parse(String text, String key) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "setting '" + key + "' holds invalid JSON");
        }
    }
}
