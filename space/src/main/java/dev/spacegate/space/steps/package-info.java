/**
 * The deploy, one class per step ({@code ImageStep}, {@code RenderSpaceStep}, {@code PushSpaceStep},
 * {@code SyncSecretsStep}, {@code WaitRunningStep}, {@code SmokeStep}, {@code RollbackStep}), ordered by
 * {@link dev.spacegate.space.steps.StepsRunner} and reported by one {@link dev.spacegate.space.steps.ProgressReporter}.
 */
package dev.spacegate.space.steps;
