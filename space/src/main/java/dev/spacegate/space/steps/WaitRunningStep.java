package dev.spacegate.space.steps;

import dev.spacegate.space.PublishException;
import dev.spacegate.space.hub.SpaceId;
import dev.spacegate.space.hub.SpaceRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Polls {@code /api/spaces/{id}/runtime} until RUNNING (success) or an error stage (failure), printing stage
 * changes. After this run changed the Space, a RUNNING seen before the rebuild starts belongs to the old
 * version, so it first waits (up to {@code --start-grace}) for the stage to leave RUNNING.
 */
public final class WaitRunningStep implements Step {
    @Override
    public String name() {
        return "wait";
    }

    @Override
    public void run(PublishContext ctx) {
        SpaceId id = ctx.space();
        Duration timeout = ctx.options().duration("timeout", Duration.ofMinutes(30));
        Duration poll = ctx.options().duration("poll", Duration.ofSeconds(5));
        Duration grace = ctx.options().duration("start-grace", Duration.ofSeconds(90));
        Instant start = Instant.now();
        Instant deadline = start.plus(timeout);
        boolean expectRebuild = ctx.spacePushed || ctx.settingsChanged || ctx.options().has("expect-restart");
        boolean rebuildSeen = false;
        String last = null;
        while (true) {
            SpaceRuntime rt = ctx.hub().runtime(id);
            if (!rt.stage().equals(last)) {
                ctx.reporter().stageChanged(last, rt.stage());
                last = rt.stage();
            }
            if (!rt.running()) {
                rebuildSeen = true;
            }
            if (rt.failed()) {
                throw new PublishException("space_" + rt.stage().toLowerCase(Locale.ROOT), "the Space " + id
                        + " reached " + rt.stage() + (rt.errorMessage() == null ? "" : ": " + rt.errorMessage())
                        + "; the build and run logs are on the Space page (" + ctx.hfEndpoint().toString()
                        .replaceAll("/+$", "") + "/spaces/" + id + "?logs=build)");
            }
            if (rt.running() && (!expectRebuild || rebuildSeen
                    || Duration.between(start, Instant.now()).compareTo(grace) >= 0)) {
                ctx.reporter().info(name(), "the Space " + id + " is RUNNING");
                return;
            }
            if (Instant.now().plus(poll).isAfter(deadline)) {
                throw new PublishException("space_timeout", "the Space " + id + " was not RUNNING after "
                        + timeout.toSeconds() + " s (last stage " + last + ")");
            }
            sleep(poll);
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted", "interrupted while waiting");
        }
    }
}
