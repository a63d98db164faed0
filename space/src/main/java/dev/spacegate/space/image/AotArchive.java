package dev.spacegate.space.image;

import java.nio.file.Path;

/**
 * A class archive trained on one stage-1 image, ready to become the final image's extra layer.
 *
 * @param file  the archive on the publisher's disk
 * @param kind  what it is, which says where it goes in the image and the flag that reads it
 * @param reused true when it came from the publisher's cache instead of a training run
 */
public record AotArchive(Path file, ArchiveKind kind, boolean reused) {
}
