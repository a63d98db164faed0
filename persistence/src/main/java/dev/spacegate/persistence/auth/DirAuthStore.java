package dev.spacegate.persistence.auth;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.seal.SecretBox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

/**
 * {@link AuthStore} in a directory (e.g. a mounted volume): {@code <name>.sealed} per auth file, written atomically.
 * Plaintext {@code *.json} files found at start (copied over from CLIProxyAPI) are sealed and the plaintext removed.
 */
public final class DirAuthStore implements AuthStore {
    private static final System.Logger LOG = System.getLogger(DirAuthStore.class.getName());
    /** Suffix of sealed files on disk. */
    public static final String SUFFIX = ".sealed";

    private final Path dir;
    private final SecretBox box;

    private DirAuthStore(Path dir, SecretBox box) {
        this.dir = dir;
        this.box = box;
    }

    /** Opens (creating) the directory and seals any plaintext auth files found in it. */
    public static DirAuthStore open(Path dir, SecretBox box) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not create the auth directory: "
                    + e.getClass().getSimpleName());
        }
        DirAuthStore store = new DirAuthStore(dir, box);
        store.sealPlaintextFiles();
        return store;
    }

    private void sealPlaintextFiles() {
        int sealed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (AuthName.problem(name).isPresent() || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                put(name, Files.readAllBytes(f));
                Files.delete(f);
                sealed++;
            }
        } catch (IOException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not read the auth directory: "
                    + e.getClass().getSimpleName());
        }
        if (sealed > 0) {
            LOG.log(System.Logger.Level.INFO, "Sealed " + sealed + " plaintext auth files found in the auth directory");
        }
    }

    @Override
    public String backend() {
        return "dir";
    }

    @Override
    public List<AuthFileInfo> list() {
        List<AuthFileInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json" + SUFFIX)) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                String name = file.substring(0, file.length() - SUFFIX.length());
                if (AuthName.problem(name).isPresent() || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                out.add(new AuthFileInfo(name, plainSize(Files.readString(f, StandardCharsets.UTF_8), name),
                        Files.getLastModifiedTime(f).toInstant()));
            }
        } catch (IOException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not list the auth directory: "
                    + e.getClass().getSimpleName());
        }
        out.sort(Comparator.comparing(AuthFileInfo::name));
        return out;
    }

    /** The plaintext size, or 0 when the file cannot be opened (listed anyway; reading it reports why). */
    private long plainSize(String sealed, String name) {
        try {
            return box.open(sealed, AuthContent.context(name)).length;
        } catch (PersistenceException e) {
            return 0;
        }
    }

    @Override
    public Map<String, String> sealKeyIds() {
        Map<String, String> out = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json" + SUFFIX)) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                String name = file.substring(0, file.length() - SUFFIX.length());
                if (AuthName.problem(name).isEmpty() && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(name, SecretBox.keyIdOf(Files.readString(f, StandardCharsets.UTF_8)).orElse(UNSEALED));
                }
            }
        } catch (NoSuchFileException e) {
            // removed while listing: no longer pending
        } catch (IOException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not list the auth directory: "
                    + e.getClass().getSimpleName());
        }
        return out;
    }

    @Override
    public Optional<byte[]> get(String name) {
        AuthName.require(name);
        Path f = dir.resolve(name + SUFFIX);
        String sealed;
        try {
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            sealed = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not read auth file " + name + ": "
                    + e.getClass().getSimpleName());
        }
        byte[] plain = box.open(sealed, AuthContent.context(name));
        if (box.needsReseal(sealed)) {
            write(name, box.seal(plain, AuthContent.context(name)));
        }
        return Optional.of(plain);
    }

    @Override
    public synchronized void put(String name, byte[] json) {
        AuthName.require(name);
        AuthContent.check(name, json);
        write(name, box.seal(json, AuthContent.context(name)));
    }

    private void write(String name, String sealed) {
        try {
            Path tmp;
            try {
                tmp = Files.createTempFile(dir, ".tmp-", SUFFIX,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                tmp = Files.createTempFile(dir, ".tmp-", SUFFIX);
            }
            Files.writeString(tmp, sealed, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(name + SUFFIX), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not write auth file " + name + ": "
                    + e.getClass().getSimpleName());
        }
    }

    @Override
    public synchronized boolean delete(String name) {
        AuthName.require(name);
        try {
            return Files.deleteIfExists(dir.resolve(name + SUFFIX));
        } catch (IOException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not delete auth file " + name + ": "
                    + e.getClass().getSimpleName());
        }
    }
}
