package dev.spacegate.space;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The publisher's command line: one command plus flags. Every flag is declared once in {@link #FLAGS}, which
 * drives parsing and the help text. Secrets are never flags: flags name environment variables instead.
 */
public final class Options {

    /** One declared flag: name, whether it takes a value, whether it repeats, and its help line. */
    record Flag(String name, boolean takesValue, boolean repeats, String help) {
    }

    /** The commands, in deploy order, with their help lines. */
    static final Map<String, String> COMMANDS = commands();

    static final List<Flag> FLAGS = List.of(
            new Flag("space", true, false, "OWNER/NAME of the Space (env SPACEGATE_SPACE)"),
            new Flag("hf-endpoint", true, false, "Hugging Face base URL (env HF_ENDPOINT; default https://huggingface.co)"),
            new Flag("git-url", true, false, "Space git URL (default <hf-endpoint>/spaces/OWNER/NAME)"),
            new Flag("space-url", true, false, "URL the running Space answers on (default https://owner-name.hf.space)"),
            new Flag("token-env", true, false, "env var holding the Hugging Face token (default HF_TOKEN)"),
            new Flag("git-user", true, false, "user name for git over HTTPS (default: the Space owner)"),
            new Flag("state-dir", true, false, "where image digest and rendered tree are kept (default target/space-publish)"),
            new Flag("source-commit", true, false, "source commit named in the Space commit (env GITHUB_SHA)"),
            new Flag("image", true, false, "target image repository, e.g. ghcr.io/owner/spacegate (env SPACEGATE_IMAGE)"),
            new Flag("tag", true, true, "extra image tag (repeatable); the source commit is always a tag"),
            new Flag("base", true, false, "base image reference, registry or tar:///path.tar (default: pinned eclipse-temurin:21-jre)"),
            new Flag("jar", true, false, "server jar (default server/target/spacegate-server.jar)"),
            new Flag("libs", true, false, "directory of dependency jars (default server/target/libs)"),
            new Flag("main-class", true, false, "main class (default dev.spacegate.server.Main)"),
            new Flag("jvm-flags", true, false, "JVM flags baked into the entrypoint (space separated)"),
            new Flag("registry-user-env", true, false, "env var holding the registry user (default REGISTRY_USERNAME)"),
            new Flag("registry-password-env", true, false, "env var holding the registry password (default REGISTRY_PASSWORD)"),
            new Flag("insecure-registry", false, false, "allow a plain-HTTP registry (loopback test registries)"),
            new Flag("tar", true, false, "write the image to this tar instead of pushing it"),
            new Flag("cache-dir", true, false, "Jib layer cache and trained class archives (default"
                    + " ~/.cache/spacegate-publisher)"),
            new Flag("no-aot", false, false, "image: no class archive (no training run in a container)"),
            new Flag("container-runtime", true, false, "image: podman or docker (name or path) for the class archive's"
                    + " training run (default: podman, else docker, on PATH)"),
            new Flag("image-ref", true, false, "image to deploy as REPO@sha256:DIGEST (default: the one `image` recorded)"),
            new Flag("title", true, false, "Space title (default Spacegate)"),
            new Flag("emoji", true, false, "Space emoji"),
            new Flag("color-from", true, false, "thumbnail gradient start colour"),
            new Flag("color-to", true, false, "thumbnail gradient end colour"),
            new Flag("short-description", true, false, "one line shown on the Space card"),
            new Flag("pinned", true, false, "pin the Space on the profile: true|false (default false)"),
            new Flag("private", false, false, "create the Space as private when it is missing"),
            new Flag("no-create", false, false, "fail instead of creating a missing Space"),
            new Flag("secret", true, true, "Space secret to set from the env var of the same name (repeatable)"),
            new Flag("variable", true, true, "Space variable to set from the env var of the same name (repeatable)"),
            new Flag("prune", false, false, "delete Space secrets and variables not named by --secret/--variable"),
            new Flag("timeout", true, false, "how long `wait` waits for RUNNING (default 30m)"),
            new Flag("poll", true, false, "runtime poll interval (default 5s)"),
            new Flag("start-grace", true, false, "after a push, how long to wait for the rebuild to begin (default 90s)"),
            new Flag("expect-restart", false, false, "wait: the Space is about to restart, so a RUNNING seen first is stale"),
            new Flag("smoke-timeout", true, false, "how long `smoke` retries /health and /healthz (default 3m)"),
            new Flag("client-key-env", true, true, "smoke: env var holding client keys (comma separated) that must get"
                    + " 200 from /v1/models (repeatable; unset = skipped)"),
            new Flag("management-key-env", true, true, "smoke: env var holding a management key that must get 200 from"
                    + " /status (repeatable; unset = skipped); smoke then waits for seal.pending = 0"),
            new Flag("seal-timeout", true, false, "smoke: how long to wait for re-sealing to finish (default 10m)"),
            new Flag("delete-secret", true, true, "secrets: delete this Space secret (repeatable)"),
            new Flag("rotate", true, true, "new-keys: secret to rotate (repeatable; default CLIENT_API_KEYS"
                    + " MANAGEMENT_PASSWORD DATA_KEY)"),
            new Flag("window", true, false, "new-keys: how long the previous keys stay valid (default 2h)"),
            new Flag("env-file", true, false, "new-keys: file the new values are appended to (default $GITHUB_ENV)"),
            new Flag("to", true, false, "rollback: the image REPO@sha256:DIGEST to return to (default: the previous one)"),
            new Flag("dry-run", false, false, "deploy: render and print the plan, touch nothing remote"),
            new Flag("no-rollback", false, false, "deploy: do not push the previous image back on failure"));

    private final String command;
    private final Map<String, List<String>> values;

    private Options(String command, Map<String, List<String>> values) {
        this.command = command;
        this.values = values;
    }

    private static Map<String, String> commands() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("image", "build the server image with Jib and push it (or write a tar); records the digest");
        c.put("render", "write the Space repo (README.md front-matter + Dockerfile FROM image@digest)");
        c.put("push", "commit the rendered tree to the Space repo and push it; creates the Space if missing");
        c.put("secrets", "set Space secrets and variables from named environment variables");
        c.put("wait", "poll the Space runtime until RUNNING or an error stage");
        c.put("smoke", "GET /health and /healthz on the Space until healthy; with keys, /v1/models, /status, seal");
        c.put("new-keys", "generate new access keys; the current ones become *_PREVIOUS until the window ends");
        c.put("rollback", "push the previous image back to the Space");
        c.put("deploy", "image -> render -> push -> secrets -> wait -> smoke, rolling back on failure");
        return c;
    }

    /** Parses {@code COMMAND [--flag value | --flag=value | --switch]...}; throws a usage error on bad input. */
    public static Options parse(String[] args) {
        if (args.length == 0) {
            throw usage("no command given");
        }
        String command = args[0];
        if (!COMMANDS.containsKey(command)) {
            throw usage("unknown command '" + command + "'");
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw usage("unexpected argument '" + arg + "' (flags start with --)");
            }
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Flag flag = flag(name).orElseThrow(() -> usage("unknown flag --" + arg.substring(2).split("=", 2)[0]));
            String value;
            if (flag.takesValue()) {
                if (inline != null) {
                    value = inline;
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw usage("--" + name + " needs a value");
                }
            } else {
                if (inline != null) {
                    throw usage("--" + name + " takes no value");
                }
                value = "true";
            }
            List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
            if (!flag.repeats() && !list.isEmpty()) {
                throw usage("--" + name + " given twice");
            }
            list.add(value);
        }
        return new Options(command, values);
    }

    private static Optional<Flag> flag(String name) {
        return FLAGS.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    static PublishException usage(String message) {
        return new PublishException("usage", message);
    }

    /** The help text, generated from the command and flag tables. */
    public static String help() {
        StringBuilder b = new StringBuilder("usage: spacegate-space COMMAND [flags]\n\ncommands:\n");
        COMMANDS.forEach((name, help) -> b.append(String.format(Locale.ROOT, "  %-9s %s%n", name, help)));
        b.append("\nflags:\n");
        for (Flag f : FLAGS) {
            String left = "--" + f.name() + (f.takesValue() ? " V" : "");
            b.append(String.format(Locale.ROOT, "  %-24s %s%n", left, f.help()));
        }
        return b.toString();
    }

    public String command() {
        return command;
    }

    public Optional<String> get(String name) {
        List<String> list = values.get(name);
        return list == null || list.isEmpty() ? Optional.empty() : Optional.of(list.getFirst());
    }

    public String get(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    public List<String> all(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Path path(String name, String fallback) {
        return Path.of(get(name, fallback));
    }

    public Duration duration(String name, Duration fallback) {
        return get(name).map(v -> parseDuration(name, v)).orElse(fallback);
    }

    /** Parses {@code 250ms}, {@code 90s}, {@code 5m}, {@code 1h}. */
    static Duration parseDuration(String flag, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw usage("--" + flag + " '" + text + "' is not a duration like 250ms, 90s, 5m or 1h");
        }
    }
}
