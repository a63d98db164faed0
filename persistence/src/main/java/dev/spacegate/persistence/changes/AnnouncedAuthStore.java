package dev.spacegate.persistence.changes;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.spacegate.persistence.auth.AuthFileInfo;
import dev.spacegate.persistence.auth.AuthStore;

/** An {@link AuthStore} whose writes are announced to the other replicas (the file name; they re-read it). */
public final class AnnouncedAuthStore implements AuthStore {
    private final AuthStore store;
    private final ChangeLog log;

    public AnnouncedAuthStore(AuthStore store, ChangeLog log) {
        this.store = store;
        this.log = log;
    }

    @Override
    public String backend() {
        return store.backend();
    }

    @Override
    public List<AuthFileInfo> list() {
        return store.list();
    }

    @Override
    public Optional<byte[]> get(String name) {
        return store.get(name);
    }

    @Override
    public void put(String name, byte[] json) {
        store.put(name, json);
        Announce.after(log, Change.AUTH, name);
    }

    @Override
    public boolean delete(String name) {
        boolean gone = store.delete(name);
        if (gone) {
            Announce.after(log, Change.AUTH, name);
        }
        return gone;
    }

    @Override
    public Map<String, String> sealKeyIds() {
        return store.sealKeyIds();
    }

    @Override
    public void refresh() {
        store.refresh();
    }

    @Override
    public void close() {
        store.close();
    }
}
