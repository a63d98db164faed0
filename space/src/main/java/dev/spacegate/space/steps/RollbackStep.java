package dev.spacegate.space.steps;

import dev.spacegate.space.PublishException;
import dev.spacegate.space.git.SpaceRepository;
import dev.spacegate.space.render.SpaceRenderer;
import java.util.Map;

/**
 * Puts the previous image back: renders the Space for it and pushes that as a new commit (history is kept).
 * The target is {@code --to}, else the image the Space ran before this deploy, else the newest earlier commit
 * of the Space repo whose Dockerfile names a different image.
 */
public final class RollbackStep implements Step {
    private static final int HISTORY_DEPTH = 50;

    @Override
    public String name() {
        return "rollback";
    }

    @Override
    public void run(PublishContext ctx) {
        try (SpaceRepository repo = new SpaceRepository(ctx.gitUrl(), ctx.gitUser(), ctx.token())) {
            repo.fetch(HISTORY_DEPTH);
            String current = image(repo.fileAtTip("Dockerfile"));
            String target = ctx.options().get("to").or(ctx::previousImageRef).orElseGet(() -> previous(repo, current));
            if (target == null) {
                throw new PublishException("no_previous_image", "nothing to roll back to: the Space repo has no "
                        + "earlier commit with a different image (pass --to REPOSITORY@sha256:DIGEST)");
            }
            Map<String, String> files = SpaceRenderer.render(ctx.card(), target);
            SpaceRepository.PushOutcome outcome = repo.publish(files, "Roll back to " + target + "\n\nReplaces: "
                    + (current == null ? "(nothing)" : current) + "\n", PushSpaceStep.AUTHOR);
            if (outcome.pushed()) {
                ctx.spacePushed = true;
                ctx.reporter().info(name(), "pushed " + outcome.commit().abbreviate(12).name() + ": the Space runs "
                        + target + " again");
            } else {
                ctx.reporter().info(name(), "the Space already runs " + target + "; nothing pushed");
            }
        }
    }

    private static String previous(SpaceRepository repo, String current) {
        for (SpaceRepository.Revision r : repo.history()) {
            String image = image(r.dockerfile());
            if (image != null && !image.equals(current)) {
                return image;
            }
        }
        return null;
    }

    private static String image(String dockerfile) {
        return dockerfile == null ? null : SpaceRenderer.imageOf(dockerfile).orElse(null);
    }
}
