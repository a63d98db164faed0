package dev.spacegate.persistence.db;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates the data directory (0700) and the database file (0600) readable by the server's user only, and tightens
 * them when an older release left them wider: they hold sealed secrets, usage history and key hashes.
 */
public final class PrivateFiles {
    private static final System.Logger LOG = System.getLogger(PrivateFiles.class.getName());
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} (and missing parents) and makes {@code dir} itself 0700. */
    public static void directory(Path dir) throws IOException {
        Path d = dir.toAbsolutePath();
        if (!Files.isDirectory(d)) {
            Files.createDirectories(d);
        }
        restrict(d, DIR);
    }

    /** Creates {@code file} empty as 0600 when absent; makes an existing one 0600. */
    public static void file(Path file) throws IOException {
        Path f = file.toAbsolutePath();
        if (!Files.exists(f)) {
            try {
                Files.createFile(f, PosixFilePermissions.asFileAttribute(FILE));
            } catch (UnsupportedOperationException e) {
                Files.createFile(f); // not a POSIX file system (Windows): nothing to restrict
            } catch (FileAlreadyExistsException e) {
                // another process created it first; restricted below
            }
        }
        restrict(f, FILE);
    }

    private static void restrict(Path p, Set<PosixFilePermission> wanted) {
        try {
            if (!Files.getPosixFilePermissions(p).equals(wanted)) {
                Files.setPosixFilePermissions(p, wanted);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        } catch (IOException e) {
            // e.g. a mounted volume owned by another user: serving matters more; say so once
            LOG.log(System.Logger.Level.WARNING, "Could not restrict the permissions of " + p.getFileName() + ": "
                    + e.getClass().getSimpleName());
        }
    }
}
