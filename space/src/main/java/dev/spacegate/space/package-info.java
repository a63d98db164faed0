/**
 * The Spacegate publisher: a CLI that CI runs to ship the server to a Hugging Face Docker Space.
 *
 * <p>Shape: {@code image} (Jib), {@code render} (the Space repo's text files), {@code git} (JGit push),
 * {@code hub} (Hugging Face HTTP API), and {@code steps}, one class per deploy step, ordered by
 * {@link dev.spacegate.space.steps.StepsRunner} and reported through one
 * {@link dev.spacegate.space.steps.ProgressReporter}. {@link dev.spacegate.space.Main} is the entry point.
 */
package dev.spacegate.space;
