package dev.spacegate.space.image;

import dev.spacegate.space.PublishException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The publisher's archives, one folder per stage-1 image digest ({@code <dir>/<hex>/spacegate.aot}). Two training
 * runs never write the same bytes (the JVM records which classes and profiles that run happened to produce), so the
 * final image's digest stays a function of its inputs by training once per stage-1 image and reusing the result
 * whenever the same jars, flags and base come again. Keeps the {@value #KEEP} most recently used.
 */
final class ArchiveStore {
    static final int KEEP = 3;

    private final Path dir;

    ArchiveStore(Path dir) {
        this.dir = dir;
    }

    /** The archive trained on the stage-1 image {@code digest}, if one was kept. */
    Optional<AotArchive> find(String digest) {
        Path folder = dir.resolve(hex(digest));
        for (ArchiveKind kind : ArchiveKind.values()) {
            Path file = folder.resolve(kind.fileName());
            if (Files.isRegularFile(file)) {
                try {
                    Files.setLastModifiedTime(folder, FileTime.from(Instant.now()));
                } catch (IOException e) {
                    // only the pruning order suffers
                }
                return Optional.of(new AotArchive(file, kind, true));
            }
        }
        return Optional.empty();
    }

    /** A scratch folder for one training run, inside the store so the final move is a rename. */
    Path scratch(String digest) {
        try {
            Files.createDirectories(dir);
            return Files.createTempDirectory(dir, hex(digest) + ".training-");
        } catch (IOException e) {
            throw new PublishException("aot_cache", "cannot create " + dir + ": " + e.getMessage());
        }
    }

    /** Moves a trained archive into the store under {@code digest} and prunes old entries; returns the kept one. */
    AotArchive keep(String digest, AotArchive trained) {
        Path folder = dir.resolve(hex(digest));
        try {
            delete(folder);
            try {
                Files.move(trained.file().getParent(), folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(trained.file().getParent(), folder);
            }
            prune(folder);
            return new AotArchive(folder.resolve(trained.kind().fileName()), trained.kind(), false);
        } catch (IOException | UncheckedIOException e) {
            throw new PublishException("aot_cache", "cannot keep the archive in " + folder + ": " + e.getMessage());
        }
    }

    /** Removes a scratch folder (a failed training run's leftovers). */
    void discard(Path scratch) {
        try {
            delete(scratch);
        } catch (IOException e) {
            // a leftover in the cache folder, harmless
        }
    }

    private void prune(Path kept) throws IOException {
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().contains("."))
                    .sorted(Comparator.comparing(ArchiveStore::modified).reversed()).toList();
        }
        for (Path old : entries.subList(Math.min(KEEP, entries.size()), entries.size())) {
            if (!old.equals(kept)) {
                delete(old);
            }
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hex(String digest) {
        return digest.substring(digest.indexOf(':') + 1);
    }

    private static void delete(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
