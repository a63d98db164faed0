package dev.spacegate.space.steps;

import dev.spacegate.space.PublishException;
import dev.spacegate.space.render.SpaceRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** Renders the Space repo for the image being deployed and writes it to {@code <state-dir>/space}. */
public final class RenderSpaceStep implements Step {
    @Override
    public String name() {
        return "render";
    }

    @Override
    public void run(PublishContext ctx) {
        String image = ctx.imageRef().orElseThrow(() -> new PublishException("missing_image_ref",
                "no image to deploy: run `image` first, or pass --image-ref REPOSITORY@sha256:DIGEST"));
        Map<String, String> files = SpaceRenderer.render(ctx.card(), image);
        write(ctx.renderDir(), files);
        ctx.rendered = files;
        ctx.reporter().info(name(), "wrote " + String.join(", ", files.keySet()) + " to " + ctx.renderDir()
                + " (FROM " + image + ")");
    }

    /** Replaces the contents of {@code dir} with {@code files}. */
    static void write(Path dir, Map<String, String> files) {
        try {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        if (!p.equals(dir)) {
                            Files.delete(p);
                        }
                    }
                }
            }
            Files.createDirectories(dir);
            for (Map.Entry<String, String> e : files.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new PublishException("state_dir", "cannot write the rendered Space to " + dir + ": " + e.getMessage());
        }
    }
}
