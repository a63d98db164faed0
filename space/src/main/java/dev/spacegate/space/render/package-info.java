/** Renders the Space repository: README.md with the front-matter Hugging Face reads, and a one-line Dockerfile. */
package dev.spacegate.space.render;
