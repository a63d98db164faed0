package dev.spacegate.persistence.auth;

import dev.spacegate.persistence.db.Database;
import dev.spacegate.persistence.seal.SecretBox;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

/** {@link AuthStore} in the {@code auth_files} table: one sealed row per file; values sealed under an older key are re-sealed when read. */
public final class DbAuthStore implements AuthStore {
    private final Database db;
    private final SecretBox box;

    public DbAuthStore(Database db, SecretBox box) {
        this.db = db;
        this.box = box;
    }

    @Override
    public String backend() {
        return "database";
    }

    @Override
    public List<AuthFileInfo> list() {
        List<AuthFileInfo> rows = db.read(exec -> Database.list(exec,
                db.sql("SELECT name, size_bytes, updated_at_ms FROM ${p}auth_files"),
                r -> new AuthFileInfo(Database.text(r, "name"), Database.longValue(r, "size_bytes"),
                        Instant.ofEpochMilli(Database.longValue(r, "updated_at_ms")))));
        // sorted here, not in SQL, so the order does not depend on the database's collation
        return rows.stream().sorted(Comparator.comparing(AuthFileInfo::name)).toList();
    }

    @Override
    public Map<String, String> sealKeyIds() {
        List<String[]> rows = db.read(exec -> Database.list(exec, db.sql("SELECT name, sealed FROM ${p}auth_files"),
                r -> new String[] {Database.text(r, "name"), Database.text(r, "sealed")}));
        Map<String, String> out = new TreeMap<>();
        rows.forEach(r -> out.put(r[0], SecretBox.keyIdOf(r[1]).orElse(UNSEALED)));
        return out;
    }

    @Override
    public Optional<byte[]> get(String name) {
        AuthName.require(name);
        Optional<String> sealed = db.read(exec -> Database.one(exec,
                db.sql("SELECT sealed FROM ${p}auth_files WHERE name = ?"), r -> Database.text(r, "sealed"), name));
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        byte[] plain = box.open(sealed.get(), AuthContent.context(name));
        if (box.needsReseal(sealed.get())) {
            String resealed = box.seal(plain, AuthContent.context(name));
            db.write(tx -> tx.dml(db.sql("UPDATE ${p}auth_files SET sealed = ? WHERE name = ? AND sealed = ?"),
                    resealed, name, sealed.get()));
        }
        return Optional.of(plain);
    }

    @Override
    public void put(String name, byte[] json) {
        AuthName.require(name);
        AuthContent.check(name, json);
        String sealed = box.seal(json, AuthContent.context(name));
        long now = System.currentTimeMillis();
        db.write(tx -> tx.dml(db.sql("INSERT INTO ${p}auth_files (name, sealed, size_bytes, updated_at_ms)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed,"
                + " size_bytes = excluded.size_bytes, updated_at_ms = excluded.updated_at_ms"),
                name, sealed, (long) json.length, now));
    }

    @Override
    public boolean delete(String name) {
        AuthName.require(name);
        return db.write(tx -> tx.dml(db.sql("DELETE FROM ${p}auth_files WHERE name = ?"), name)) > 0;
    }
}
