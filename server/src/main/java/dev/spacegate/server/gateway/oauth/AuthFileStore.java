package dev.spacegate.server.gateway.oauth;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.auth.AuthFileInfo;
import dev.spacegate.persistence.auth.AuthName;
import dev.spacegate.persistence.auth.AuthStore;

/**
 * Reads auth files from the (sealed) {@link AuthStore} into the {@link AuthFileRegistry} and writes every change
 * through to it: uploads, logins, refreshed tokens, deletions and the one-time import of a CLIProxyAPI folder.
 */
public final class AuthFileStore {
    private static final System.Logger LOG = System.getLogger(AuthFileStore.class.getName());

    private final AuthStore store;
    private final AuthFileRegistry registry;

    AuthFileStore(AuthStore store, AuthFileRegistry registry) {
        this.store = store;
        this.registry = registry;
    }

    /** Reads every auth file from the store (after picking up other writers' changes). */
    public void load() {
        store.refresh();
        Set<String> seen = new LinkedHashSet<>();
        for (AuthFileInfo info : store.list()) {
            seen.add(info.name());
            loadOne(info);
        }
        registry.retainOnly(seen);
        registry.reindex();
    }

    private void loadOne(AuthFileInfo info) {
        String name = info.name();
        AuthFileState a = registry.hold(name);
        try {
            Optional<byte[]> bytes = store.get(name);
            if (bytes.isEmpty()) {
                registry.remove(name);
                return;
            }
            a.size = bytes.get().length;
            a.modified = info.updatedAt();
            AuthFile before = a.file;
            a.file = AuthFile.parse(name, bytes.get());
            a.invalid = null;
            if (a.needsLogin && before != null && a.file.refreshToken() != null
                    && !a.file.refreshToken().equals(before.refreshToken())) {
                // a new login (another replica, or an upload) replaced the rejected refresh token
                a.needsLogin = false;
                a.markActive();
            }
        } catch (AuthFile.InvalidAuthFileException e) {
            a.markInvalid(e.getMessage());
        } catch (PersistenceException e) {
            a.markInvalid("could not be read from the store");
        }
    }

    /** The file as the store has it now (other replicas write there); null when it is gone or unusable. */
    AuthFile reread(AuthFileState a) {
        store.refresh();
        Optional<byte[]> bytes = store.get(a.name);
        if (bytes.isEmpty()) {
            return null;
        }
        try {
            AuthFile f = AuthFile.parse(a.name, bytes.get());
            a.file = f;
            a.size = bytes.get().length;
            return f;
        } catch (AuthFile.InvalidAuthFileException e) {
            return null;
        }
    }

    /** Writes a file whose tokens were refreshed and holds it. */
    void write(AuthFileState a, AuthFile next) {
        store.put(a.name, next.bytes());
        a.file = next;
    }

    /** The stored bytes of {@code name}, as uploaded (for download). */
    public Optional<byte[]> bytes(String name) {
        return store.get(name);
    }

    /** Stores a new or replaced file (checked first: an invalid file never overwrites a good one). */
    public AuthFile put(String name, byte[] bytes) throws AuthFile.InvalidAuthFileException {
        Optional<String> bad = AuthName.problem(name);
        if (bad.isPresent()) {
            throw new AuthFile.InvalidAuthFileException(bad.get());
        }
        AuthFile f = AuthFile.parse(name, bytes);
        store.put(name, f.bytes());
        AuthFileState a = registry.hold(name);
        a.file = f;
        a.invalid = null;
        a.needsLogin = false;
        a.size = f.bytes().length;
        a.modified = registry.clock().instant();
        a.markActive();
        registry.reindex();
        return f;
    }

    public boolean delete(String name) {
        boolean gone = store.delete(name);
        registry.remove(name);
        registry.reindex();
        return gone;
    }

    /**
     * Copies CLIProxyAPI auth files ({@code *.json}) from a folder into the store, once: a name the store already
     * has, or one imported before (listed in {@code done}), is left alone. Returns the names imported.
     */
    public List<String> importFrom(Path dir, Set<String> done) {
        List<String> imported = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return imported;
        }
        Set<String> present = new LinkedHashSet<>();
        store.list().forEach(i -> present.add(i.name()));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (present.contains(name) || done.contains(name) || AuthName.problem(name).isPresent()
                        || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try {
                    put(name, Files.readAllBytes(f));
                    imported.add(name);
                } catch (AuthFile.InvalidAuthFileException e) {
                    LOG.log(System.Logger.Level.WARNING, "not imported: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not read the auth import folder: " + e.getClass().getSimpleName());
        }
        if (!imported.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Imported " + imported.size() + " auth files from " + dir);
        }
        return imported;
    }
}
