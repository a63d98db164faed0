package dev.spacegate.space.steps;

import dev.spacegate.space.Options;
import dev.spacegate.space.PublishException;
import dev.spacegate.space.hub.HubClient;
import dev.spacegate.space.hub.SpaceId;
import dev.spacegate.space.render.SpaceCard;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the steps share: the options, the environment (the only source of secrets), the reporter, the resolved
 * endpoints, and what earlier steps produced (image reference, rendered tree, whether the Space changed).
 */
public final class PublishContext {
    private final Options options;
    private final Map<String, String> env;
    private final ProgressReporter reporter;
    private HubClient hub;

    /** {@code repo@sha256:...} of the image being deployed, once known. */
    String imageRef;
    /** The image the Space ran before this deploy's push, if any: the rollback target. */
    String previousImageRef;
    /** The rendered Space tree, file name to content. */
    Map<String, String> rendered;
    /** True once this run pushed a new commit to the Space repo. */
    boolean spacePushed;
    /** True once this run changed a secret or variable (which restarts the Space). */
    boolean settingsChanged;

    public PublishContext(Options options, Map<String, String> env, ProgressReporter reporter) {
        this.options = options;
        this.env = Map.copyOf(env);
        this.reporter = reporter;
        reporter.hide(env.get(tokenEnv()));
        reporter.hide(env.get(options.get("registry-password-env", "REGISTRY_PASSWORD")));
        List<String> named = new ArrayList<>(options.all("secret"));
        named.addAll(options.all("client-key-env"));
        named.addAll(options.all("management-key-env"));
        named.addAll(options.all("rotate"));
        named.addAll(GenerateKeysStep.DEFAULT_ROTATED);
        for (String name : named) {
            hideValue(env.get(name));
            hideValue(env.get(name + GenerateKeysStep.PREVIOUS));
        }
    }

    /** Hides a value and, for a key list, each key in it. */
    private void hideValue(String value) {
        reporter.hide(value);
        if (value != null) {
            // each key of a list on its own (a message could quote one); short pieces are not keys
            GenerateKeysStep.keysOf(value, true).stream().filter(k -> k.length() >= 8).forEach(reporter::hide);
        }
    }

    public Options options() {
        return options;
    }

    public ProgressReporter reporter() {
        return reporter;
    }

    /** An environment variable, empty when unset or blank. */
    public Optional<String> env(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    public SpaceId space() {
        return SpaceId.parse(options.get("space").or(() -> env("SPACEGATE_SPACE")).orElse(null));
    }

    public URI hfEndpoint() {
        return URI.create(options.get("hf-endpoint").or(() -> env("HF_ENDPOINT")).orElse("https://huggingface.co"));
    }

    String tokenEnv() {
        return options.get("token-env", "HF_TOKEN");
    }

    /** The Hugging Face token from the environment; a clear error when it is missing. */
    public String token() {
        return env(tokenEnv()).orElseThrow(() -> new PublishException("missing_token", tokenEnv()
                + " is not set: export a Hugging Face token with write access (https://huggingface.co/settings/tokens)"));
    }

    public HubClient hub() {
        if (hub == null) {
            hub = new HubClient(hfEndpoint(), token());
        }
        return hub;
    }

    public String gitUrl() {
        String base = hfEndpoint().toString().replaceAll("/+$", "");
        return options.get("git-url").orElse(base + "/spaces/" + space());
    }

    public String gitUser() {
        return options.get("git-user").orElse(space().owner());
    }

    /** Base URL of the running Space, without a trailing slash. */
    public String spaceUrl() {
        return options.get("space-url").orElse("https://" + space().defaultHost()).replaceAll("/+$", "");
    }

    public Path stateDir() {
        return options.path("state-dir", "target/space-publish");
    }

    public Path renderDir() {
        return stateDir().resolve("space");
    }

    /** The source commit a deploy names: --source-commit, else GITHUB_SHA, else "local". */
    public String sourceCommit() {
        return options.get("source-commit").or(() -> env("GITHUB_SHA")).orElse("local");
    }

    public SpaceCard card() {
        SpaceCard d = SpaceCard.DEFAULT;
        return new SpaceCard(options.get("title", d.title()), options.get("emoji", d.emoji()),
                options.get("color-from", d.colorFrom()), options.get("color-to", d.colorTo()),
                options.get("short-description", d.shortDescription()),
                Boolean.parseBoolean(options.get("pinned", String.valueOf(d.pinned()))));
    }

    /** The image to deploy: this run's build, else --image-ref, else the one {@code image} recorded. */
    public Optional<String> imageRef() {
        if (imageRef != null) {
            return Optional.of(imageRef);
        }
        Optional<String> given = options.get("image-ref");
        if (given.isPresent()) {
            return given;
        }
        Path recorded = stateDir().resolve("image.ref");
        try {
            return Files.isRegularFile(recorded)
                    ? Optional.of(Files.readString(recorded, StandardCharsets.UTF_8).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Optional<String> previousImageRef() {
        return Optional.ofNullable(previousImageRef);
    }

    public boolean spacePushed() {
        return spacePushed;
    }
}
