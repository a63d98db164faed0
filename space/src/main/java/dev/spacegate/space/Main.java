package dev.spacegate.space;

import dev.spacegate.space.steps.ProgressReporter;
import dev.spacegate.space.steps.PublishContext;
import dev.spacegate.space.steps.StepsRunner;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The publisher CLI: {@code java -jar spacegate-space.jar COMMAND [flags]}. Exit code 0 on success, 1 when a
 * step failed (the message says why and what to do), 2 for a usage error.
 *
 * <pre>
 * spacegate-space deploy --space me/spacegate --image ghcr.io/me/spacegate --secret PGSTORE_DSN --secret DATA_KEY
 * </pre>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Libraries (Jib's HTTP client, JGit) log at INFO and below about things the reporter already says.
        Logger.getLogger("").setLevel(Level.WARNING);
        System.exit(run(args, System.getenv(), System.out));
    }

    /** Runs one command with {@code env} as the environment, printing to {@code out}; returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        ProgressReporter reporter = new ProgressReporter(out);
        if (args.length == 0 || List.of("help", "--help", "-h").contains(args[0])) {
            reporter.text(Options.help());
            return args.length == 0 ? 2 : 0;
        }
        try {
            Options options = Options.parse(args);
            PublishContext ctx = new PublishContext(options, env, reporter);
            if (options.has("dry-run") && !options.command().equals("deploy")) {
                throw new PublishException("usage", "--dry-run belongs to deploy");
            }
            switch (options.command()) {
                case "deploy" -> {
                    if (options.has("dry-run")) {
                        StepsRunner.plan(ctx);
                    } else {
                        StepsRunner.deploy(ctx);
                    }
                }
                default -> StepsRunner.runCommand(options.command(), ctx);
            }
            return 0;
        } catch (PublishException e) {
            reporter.error(e.code(), e.getMessage());
            if (e.code().equals("usage")) {
                reporter.text("run with --help for the commands and flags");
                return 2;
            }
            return 1;
        } catch (RuntimeException e) {
            // A bug, not a user error: say what broke without a stack trace (which could quote configuration).
            reporter.error("internal", e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return 1;
        }
    }
}
