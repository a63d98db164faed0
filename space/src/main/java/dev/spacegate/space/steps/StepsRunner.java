package dev.spacegate.space.steps;

import dev.spacegate.space.PublishException;
import dev.spacegate.space.render.SpaceRenderer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Orders the steps. A single command runs its one step; {@code deploy} runs all of them and, when a step after
 * the Space push fails, pushes the previous image back before failing; {@code deploy --dry-run} prints the plan.
 */
public final class StepsRunner {
    /** The deploy, in order. */
    static List<Step> deploySteps() {
        return List.of(new ImageStep(), new RenderSpaceStep(), new PushSpaceStep(), new SyncSecretsStep(),
                new WaitRunningStep(), new SmokeStep());
    }

    private StepsRunner() {
    }

    /** Runs the step for {@code command} (any command but deploy). */
    public static void runCommand(String command, PublishContext ctx) {
        Step step = switch (command) {
            case "image" -> new ImageStep();
            case "render" -> new RenderSpaceStep();
            case "push" -> new PushSpaceStep();
            case "secrets" -> new SyncSecretsStep();
            case "wait" -> new WaitRunningStep();
            case "smoke" -> new SmokeStep();
            case "rollback" -> new RollbackStep();
            case "new-keys" -> new GenerateKeysStep();
            default -> throw new PublishException("usage", "unknown command '" + command + "'");
        };
        run(step, ctx);
    }

    /** image -> render -> push -> secrets -> wait -> smoke; on a failure after the push, rollback, then fail. */
    public static void deploy(PublishContext ctx) {
        for (Step step : deploySteps()) {
            try {
                run(step, ctx);
            } catch (PublishException failure) {
                if (!ctx.spacePushed || ctx.options().has("no-rollback")) {
                    throw failure;
                }
                throw rollBack(ctx, step, failure);
            }
        }
        ctx.reporter().info("deploy", "the Space " + ctx.space() + " runs " + ctx.imageRef().orElse("?"));
    }

    private static PublishException rollBack(PublishContext ctx, Step failed, PublishException failure) {
        ctx.reporter().error(failure.code(), failure.getMessage());
        if (ctx.previousImageRef == null) {
            return new PublishException(failure.code(), "deploy failed at " + failed.name() + " and there is no "
                    + "previous image to roll back to (first deploy): " + failure.getMessage());
        }
        try {
            run(new RollbackStep(), ctx);
        } catch (PublishException rollbackFailure) {
            return new PublishException(failure.code(), "deploy failed at " + failed.name() + " ("
                    + failure.getMessage() + ") and the rollback failed too: " + rollbackFailure.getMessage());
        }
        return new PublishException(failure.code(), "deploy failed at " + failed.name()
                + "; rolled back to " + ctx.previousImageRef);
    }

    /** Prints what a deploy would do and writes the rendered tree; calls nothing remote. */
    public static void plan(PublishContext ctx) {
        var spec = ImageStep.spec(ctx);
        String image = ctx.options().get("image-ref").orElse(null);
        Map<String, String> files = image != null ? SpaceRenderer.render(ctx.card(), image)
                : SpaceRenderer.renderDraft(ctx.card(), spec.target() + "@sha256:<digest of the image this deploy builds>");
        RenderSpaceStep.write(ctx.renderDir(), files);
        StringBuilder b = new StringBuilder("deploy plan (dry run: nothing remote is touched)\n");
        b.append("  1. image    build ").append(spec.jar()).append(" + ").append(spec.libsDir()).append("/*.jar on ")
                .append(spec.base()).append("\n              ")
                .append(spec.tarOutput() != null ? "write " + spec.tarOutput() : "push " + spec.target() + ":"
                        + String.join(",", spec.tags()))
                .append(spec.registryUser() != null ? " (registry credentials from the environment)" : "")
                .append("\n              class archive: ").append(ctx.options().has("no-aot") ? "none (--no-aot)"
                        : "kept from an earlier build of the same inputs, else trained in a container ("
                        + ctx.options().get("container-runtime").orElse("podman, else docker") + "; none without one)")
                .append('\n');
        b.append("  2. render   README.md + Dockerfile into ").append(ctx.renderDir()).append('\n');
        b.append("  3. push     ").append(ctx.gitUrl()).append(" main (Space ").append(ctx.space())
                .append(ctx.options().has("no-create") ? ", must exist" : ", created through " + ctx.hfEndpoint()
                        + " if missing").append(")\n");
        b.append("  4. secrets  set ").append(list(ctx.options().all("secret"))).append("; variables ")
                .append(list(ctx.options().all("variable")))
                .append(ctx.options().has("prune") ? "; delete others" : "").append(" (values from the environment, "
                        + "never printed)\n");
        b.append("  5. wait     poll ").append(ctx.hfEndpoint()).append("/api/spaces/").append(ctx.space())
                .append("/runtime until RUNNING, up to ").append(ctx.options().duration("timeout",
                        Duration.ofMinutes(30)).toMinutes()).append(" min\n");
        b.append("  6. smoke    GET ").append(ctx.spaceUrl()).append("/health and /healthz\n");
        b.append("  on failure after 3: ").append(ctx.options().has("no-rollback") ? "no rollback (--no-rollback)"
                : "push the image the Space ran before back").append('\n');
        b.append("\nrendered files:\n");
        files.forEach((name, content) -> b.append("--- ").append(name).append(" ---\n").append(content));
        ctx.reporter().text(b.toString());
    }

    private static String list(List<String> names) {
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }

    private static void run(Step step, PublishContext ctx) {
        Instant start = Instant.now();
        ctx.reporter().stepStarted(step.name());
        step.run(ctx);
        ctx.reporter().stepFinished(step.name(), Duration.between(start, Instant.now()));
    }
}
