package dev.spacegate.space.steps;

import dev.spacegate.space.Options;
import dev.spacegate.space.PublishException;
import dev.spacegate.space.image.AotArchive;
import dev.spacegate.space.image.AotStage;
import dev.spacegate.space.image.ImageBuilder;
import dev.spacegate.space.image.ImageResult;
import dev.spacegate.space.image.ImageSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds the server image with Jib, pushes it (or writes a tar), and records its digest in the state dir. Before the
 * final build it gets the image's class archive ({@link AotStage}: reused, trained in a container, or none).
 */
public final class ImageStep implements Step {
    @Override
    public String name() {
        return "image";
    }

    @Override
    public void run(PublishContext ctx) {
        ImageSpec spec = spec(ctx);
        ctx.reporter().info(name(), "building " + spec.target() + " from " + spec.base() + " ("
                + spec.jar().getFileName() + " + " + spec.libsDir() + ")");
        Consumer<String> log = line -> ctx.reporter().info(name(), line);
        AotArchive archive = null;
        if (ctx.options().has("no-aot")) {
            log.accept("aot: skipped (--no-aot); the image gets no class archive");
        } else {
            archive = AotStage.prepare(spec, ctx.options().get("container-runtime"),
                    ctx.env("PATH").orElse("/usr/bin:/bin"), log).orElse(null);
        }
        ImageResult result = ImageBuilder.build(spec, archive, log);
        ctx.imageRef = result.reference();
        record(ctx, result);
        ctx.reporter().info(name(), (result.pushed() ? "pushed " : "wrote " + spec.tarOutput() + ": ")
                + result.reference() + (archive == null ? " (no class archive)"
                : " with " + archive.kind().imagePath() + " (" + archive.kind().useFlag() + ")"));
    }

    static ImageSpec spec(PublishContext ctx) {
        Options o = ctx.options();
        String target = o.get("image").or(() -> ctx.env("SPACEGATE_IMAGE")).orElseThrow(() -> new PublishException(
                "missing_image", "no target image: pass --image REGISTRY/REPOSITORY or set SPACEGATE_IMAGE"));
        List<String> tags = new ArrayList<>();
        String source = ctx.sourceCommit();
        tags.add(source.equals("local") ? "latest" : source.substring(0, Math.min(12, source.length())));
        tags.addAll(o.all("tag"));
        List<String> flags = o.get("jvm-flags").map(f -> Arrays.stream(f.trim().split("\\s+"))
                .filter(s -> !s.isEmpty()).toList()).orElse(ImageSpec.DEFAULT_JVM_FLAGS);
        String user = ctx.env(o.get("registry-user-env", "REGISTRY_USERNAME")).orElse(null);
        String password = ctx.env(o.get("registry-password-env", "REGISTRY_PASSWORD")).orElse(null);
        Path cache = o.get("cache-dir").map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".cache", "spacegate-publisher"));
        return new ImageSpec(o.get("base", ImageSpec.DEFAULT_BASE),
                o.path("jar", "server/target/spacegate-server.jar"), o.path("libs", "server/target/libs"),
                o.get("main-class", "dev.spacegate.server.Main"), flags, target, tags,
                o.get("tar").map(Path::of).orElse(null), user, password, o.has("insecure-registry"), cache);
    }

    private static void record(PublishContext ctx, ImageResult result) {
        try {
            Files.createDirectories(ctx.stateDir());
            Files.writeString(ctx.stateDir().resolve("image.ref"), result.reference() + "\n", StandardCharsets.UTF_8);
            Files.writeString(ctx.stateDir().resolve("image.digest"), result.digest() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PublishException("state_dir", "cannot record the image digest in " + ctx.stateDir() + ": "
                    + e.getMessage());
        }
    }
}
