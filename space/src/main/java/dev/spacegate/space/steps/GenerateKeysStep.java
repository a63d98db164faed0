package dev.spacegate.space.steps;

import dev.spacegate.space.PublishException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code new-keys}: generates new values for the access keys being rotated and makes the current ones the
 * {@code *_PREVIOUS} companions, valid until the end of the window ({@code KEY;until=2026-12-10T00:00:00Z}). Both are
 * appended to the environment file of the following steps ({@code $GITHUB_ENV}); each new value is masked in the
 * Actions log first and never printed. {@code until} goes to {@code $GITHUB_OUTPUT} for the job that ends the window.
 * Without {@code ROTATION_GH_TOKEN} (which lets a later step write the values back to the repository's secrets) the
 * new values go to the step summary once, for the operator to store. Which secrets: {@code --rotate NAME}, else
 * {@code ROTATE_KEYS} (space separated), else all three.
 */
public final class GenerateKeysStep implements Step {
    /** The secrets rotated when no {@code --rotate} is given. */
    public static final List<String> DEFAULT_ROTATED = List.of("CLIENT_API_KEYS", "MANAGEMENT_PASSWORD", "DATA_KEY");
    /** Suffix of the companion that keeps the replaced key valid for the window. */
    public static final String PREVIOUS = "_PREVIOUS";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String name() {
        return "new-keys";
    }

    @Override
    public void run(PublishContext ctx) {
        List<String> names = !ctx.options().all("rotate").isEmpty() ? ctx.options().all("rotate")
                : ctx.env("ROTATE_KEYS").map(v -> List.of(v.trim().split("\\s+"))).orElse(DEFAULT_ROTATED);
        Duration window = ctx.options().duration("window", Duration.ofHours(2));
        Instant until = Instant.now().plus(window).truncatedTo(ChronoUnit.SECONDS);
        Path envFile = ctx.options().get("env-file").or(() -> ctx.env("GITHUB_ENV")).map(Path::of)
                .orElseThrow(() -> new PublishException("usage", "new-keys needs --env-file or GITHUB_ENV: the new"
                        + " values are handed to the next steps through it, never printed"));
        boolean actions = ctx.env("GITHUB_ACTIONS").map("true"::equals).orElse(false);
        StringBuilder env = new StringBuilder();
        StringBuilder summary = new StringBuilder();
        List<String> rotated = new ArrayList<>();
        for (String name : names) {
            Optional<String> current = ctx.env(name);
            if (current.isEmpty()) {
                ctx.reporter().info(name(), name + ": no current value in the environment, not rotated");
                continue;
            }
            String next = generate(name, current.get());
            keysOf(next, name.equals("CLIENT_API_KEYS")).forEach(k -> ctx.reporter().mask(k, actions));
            ctx.reporter().mask(next, actions);
            env.append(name).append('=').append(next).append('\n');
            env.append(name).append(PREVIOUS).append('=').append(previous(name, current.get(), until)).append('\n');
            summary.append("| `").append(name).append("` | `").append(next).append("` |\n");
            rotated.add(name);
        }
        env.append("ROTATED_KEYS=").append(String.join(" ", rotated)).append('\n');
        env.append("ROTATION_UNTIL=").append(until).append('\n');
        append(envFile, env.toString());
        ctx.env("GITHUB_OUTPUT").ifPresent(out -> append(Path.of(out), "until=" + until + "\n"));
        Optional<String> summaryFile = ctx.env("GITHUB_STEP_SUMMARY");
        if (!rotated.isEmpty() && summaryFile.isPresent() && ctx.env("ROTATION_GH_TOKEN").isEmpty()) {
            append(Path.of(summaryFile.get()), "### New access keys (store them now)\n\nROTATION_GH_TOKEN is not set,"
                    + " so these values were not written to the repository's secrets. Store each as the repository"
                    + " secret of that name before the next deploy (a deploy with the old values undoes the rotation),"
                    + " then delete this run's logs.\n\n| secret | new value |\n|---|---|\n" + summary);
            ctx.reporter().info(name(), "new values written once to the step summary (ROTATION_GH_TOKEN not set)");
        }
        ctx.reporter().info(name(), (rotated.isEmpty() ? "nothing rotated" : "rotated " + String.join(", ", rotated))
                + "; previous keys valid until " + until);
    }

    /** A new value in the form of the secret: client keys keep their count and labels. */
    static String generate(String name, String current) {
        return switch (name) {
            case "CLIENT_API_KEYS" -> String.join(",", Arrays.stream(current.split(",")).map(String::trim)
                    .filter(e -> !e.isEmpty()).map(e -> "sgk_" + random(32) + label(e)).toList());
            case "MANAGEMENT_PASSWORD" -> "sgm_" + random(32);
            case "DATA_KEY" -> {
                byte[] k = new byte[32];
                RANDOM.nextBytes(k);
                yield Base64.getEncoder().encodeToString(k);
            }
            default -> throw new PublishException("usage", "--rotate " + name + ": only CLIENT_API_KEYS,"
                    + " MANAGEMENT_PASSWORD and DATA_KEY are generated here");
        };
    }

    /** The companion value: every current key with the end of the window (client keys one by one). */
    static String previous(String name, String current, Instant until) {
        if (!name.equals("CLIENT_API_KEYS")) {
            return stripUntil(current) + ";until=" + until;
        }
        return String.join(",", Arrays.stream(current.split(",")).map(String::trim).filter(e -> !e.isEmpty())
                .map(e -> stripUntil(e) + ";until=" + until).toList());
    }

    /** The keys in a secret's value without their attributes ({@code ;label=}, {@code ;until=}). */
    public static List<String> keysOf(String value, boolean several) {
        List<String> entries = several ? List.of(value.split(",")) : List.of(value);
        return entries.stream().map(GenerateKeysStep::bare).filter(e -> !e.isEmpty()).toList();
    }

    private static String bare(String entry) {
        String e = entry.trim();
        while (e.matches("(?s).*;\\s*(label|until)\\s*=[^;]*")) {
            e = e.substring(0, e.lastIndexOf(';')).trim();
        }
        return e;
    }

    private static String stripUntil(String entry) {
        String e = entry.trim();
        return e.replaceAll(";\\s*until\\s*=[^;]*", "");
    }

    private static String label(String entry) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(";\\s*label\\s*=([^;]*)").matcher(entry);
        return m.find() ? ";label=" + m.group(1).trim() : "";
    }

    private static String random(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new PublishException("env_file", "could not write " + file + ": " + e.getClass().getSimpleName());
        }
    }
}
