package dev.spacegate.space.steps;

import dev.spacegate.space.PublishException;
import dev.spacegate.space.git.SpaceRepository;
import dev.spacegate.space.hub.SpaceId;
import dev.spacegate.space.render.SpaceRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * Makes the Space repo's {@code main} hold the rendered tree: creates the Space through the API when it is
 * missing, fetches {@code main} (shallow), commits on top of it and pushes, or pushes nothing when the Space
 * already has this tree. Remembers the image the Space ran before, for rollback.
 */
public final class PushSpaceStep implements Step {
    /** Author of the publisher's commits. */
    static final PersonIdent AUTHOR = new PersonIdent("Spacegate publisher", "publisher@spacegate.invalid");

    @Override
    public String name() {
        return "push";
    }

    @Override
    public void run(PublishContext ctx) {
        Map<String, String> files = ctx.rendered != null ? ctx.rendered : readRendered(ctx.renderDir());
        ensureSpace(ctx);
        try (SpaceRepository repo = new SpaceRepository(ctx.gitUrl(), ctx.gitUser(), ctx.token())) {
            repo.fetch(1);
            String before = repo.fileAtTip("Dockerfile");
            ctx.previousImageRef = before == null ? null : SpaceRenderer.imageOf(before).orElse(null);
            String image = SpaceRenderer.imageOf(files.get("Dockerfile")).orElse("?");
            SpaceRepository.PushOutcome outcome = repo.publish(files, message(ctx, image), AUTHOR);
            if (outcome.pushed()) {
                ctx.spacePushed = true;
                ctx.reporter().info(name(), "pushed " + outcome.commit().abbreviate(12).name() + " to main of "
                        + ctx.space() + " (FROM " + image + ")");
            } else {
                ctx.reporter().info(name(), "the Space already has this tree; nothing pushed");
            }
        }
    }

    static String message(PublishContext ctx, String image) {
        String digest = image.contains("@") ? image.substring(image.indexOf('@') + 1) : image;
        return "Deploy " + ctx.sourceCommit() + " (" + digest + ")\n\nSource commit: " + ctx.sourceCommit()
                + "\nImage: " + image + "\n";
    }

    /** Creates the Space when the API says it does not exist (unless --no-create). */
    static void ensureSpace(PublishContext ctx) {
        SpaceId id = ctx.space();
        if (ctx.hub().spaceInfo(id).isPresent()) {
            return;
        }
        if (ctx.options().has("no-create")) {
            throw new PublishException("space_missing", "the Space " + id + " does not exist (and --no-create was given)");
        }
        boolean created = ctx.hub().createSpace(id, ctx.options().has("private"));
        ctx.reporter().info("push", created ? "created the Space " + id + " (sdk docker)" : "the Space " + id + " exists");
    }

    static Map<String, String> readRendered(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new PublishException("missing_render", "no rendered Space at " + dir + ": run `render` first");
        }
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.sorted().toList()) {
                if (Files.isRegularFile(p)) {
                    files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new PublishException("missing_render", "cannot read the rendered Space at " + dir + ": " + e.getMessage());
        }
        if (!files.containsKey("Dockerfile") || !files.containsKey("README.md")) {
            throw new PublishException("missing_render", dir + " lacks README.md or Dockerfile: run `render` first");
        }
        return files;
    }
}
