package dev.spacegate.space.image;

import dev.spacegate.space.PublishException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Gets the class archive for the image a spec describes, before the final build: builds the stage-1 image (the
 * final image minus the archive) to a local tar, reuses the archive kept for that stage-1 digest, or trains a new
 * one in a container ({@link AotTraining}). Without a container engine, or when training fails, the image is built
 * without an archive: it starts slower but works the same, so that is a printed note, not a failed publish.
 */
public final class AotStage {
    private AotStage() {
    }

    /**
     * The archive for {@code spec}, or empty when none could be made.
     *
     * @param runtime the container engine to use (name or path), or empty to look for podman, then docker
     * @param path    the PATH to look in
     * @param log     progress lines
     */
    public static Optional<AotArchive> prepare(ImageSpec spec, Optional<String> runtime, String path,
            Consumer<String> log) {
        ArchiveStore store = new ArchiveStore(spec.cacheDir().resolve("aot"));
        String id = UUID.randomUUID().toString().substring(0, 8);
        Path tar = spec.cacheDir().resolve("aot").resolve("stage-one-" + id + ".tar");
        try {
            Files.createDirectories(tar.getParent());
            String name = "localhost/spacegate-aot-training:" + id;
            String digest = ImageBuilder.buildStageOne(spec, tar, name, log);
            Optional<AotArchive> kept = store.find(digest);
            if (kept.isPresent()) {
                log.accept("aot: reusing the " + kept.get().kind().fileName() + " trained on the same stage-1 image ("
                        + digest + ")");
                return kept;
            }
            Optional<ContainerRuntime> engine = ContainerRuntime.find(runtime, path);
            if (engine.isEmpty()) {
                log.accept("aot: no container engine (" + runtime.orElse("podman or docker") + ") found, so no "
                        + "training run: the image is built without a class archive and starts slower; install "
                        + "podman or docker to get one, or pass --no-aot to skip this step");
                return Optional.empty();
            }
            Path scratch = store.scratch(digest);
            try {
                AotArchive trained = new AotTraining(engine.get(), log).train(spec, tar, name, scratch);
                return Optional.of(store.keep(digest, trained));
            } catch (PublishException e) {
                store.discard(scratch);
                if (e.code().equals("interrupted")) {
                    throw e;
                }
                log.accept("aot: the training run failed, so the image is built without a class archive (it starts "
                        + "slower; --no-aot skips the attempt): [" + e.code() + "] " + e.getMessage());
                return Optional.empty();
            }
        } catch (IOException e) {
            throw new PublishException("aot_cache", "cannot write " + tar + ": " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(tar);
            } catch (IOException e) {
                // a leftover tar in the cache folder, harmless
            }
        }
    }
}
