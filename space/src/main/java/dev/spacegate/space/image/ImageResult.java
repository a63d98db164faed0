package dev.spacegate.space.image;

/** A built image: the repository it went to and its manifest digest ({@code sha256:...}). */
public record ImageResult(String repository, String digest, boolean pushed) {
    /** {@code repository@sha256:...}, the form the Space's Dockerfile pins. */
    public String reference() {
        return repository + "@" + digest;
    }
}
