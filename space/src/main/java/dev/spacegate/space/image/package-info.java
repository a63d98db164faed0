/** Builds the server's container image with Jib (no Docker daemon), reproducibly. */
package dev.spacegate.space.image;
