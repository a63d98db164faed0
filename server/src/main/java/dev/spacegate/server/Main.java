package dev.spacegate.server;

import java.io.PrintStream;
import java.util.Map;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.routing.PathNormalizer;
import dev.spacegate.server.routing.RouteTable;
import io.helidon.logging.common.LogConfig;

/**
 * Starts Spacegate, or prints its route table.
 *
 * <pre>
 * java -jar spacegate-server.jar [--config config.yaml]     run the server (PORT, HOST, ... from env)
 * java -jar spacegate-server.jar routes [--profile NAME]    print the route table
 * java -jar spacegate-server.jar routes explain PATH        who serves PATH, and by which rule
 * </pre>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        preferPlatformPollers();
        LogConfig.configureRuntime();
        try {
            if (args.length > 0 && args[0].equals("routes")) {
                System.exit(routes(args, System.getenv(), System.out));
            }
            ServerConfig config = ServerConfig.load(args, System.getenv());
            Spacegate.start(config).awaitTermination();
        } catch (ServerConfig.InvalidConfigException | IllegalArgumentException e) {
            System.err.println("spacegate: " + e.getMessage());
            System.exit(2);
        } catch (PersistenceException e) {
            // storage that cannot be opened (settings, reachability, schema): its message says what to do; a stack
            // trace of the database driver's classes would only bury it
            System.err.println("spacegate: storage " + e.code() + ": " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * JDK 22+ wakes a virtual thread blocked on a socket through a virtual-thread poller by default: one more
     * hand-off per wake-up than JDK 21's platform pollers, which showed as added tail latency on two cores
     * (docs/benchmarks.md). The JDK reads the setting before the first socket wait, so call this first thing in
     * {@code main}; a value given on the command line wins.
     */
    public static void preferPlatformPollers() {
        if (System.getProperty("jdk.pollerMode") == null) {
            System.setProperty("jdk.pollerMode", "1");
        }
    }

    /** The {@code routes} command; returns the exit code. */
    static int routes(String[] args, Map<String, String> env, PrintStream out) {
        String profile = null;
        String explain = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--profile" -> profile = i + 1 < args.length ? args[++i] : null;
                case "explain" -> explain = i + 1 < args.length ? args[++i] : "";
                case "--markdown" -> {
                    out.print(RoutesDoc.render());
                    return 0;
                }
                default -> {
                    if (!args[i].startsWith("--config")) {
                        out.println("usage: routes [--profile NAME] [explain PATH] [--markdown]");
                        return 2;
                    }
                }
            }
        }
        // The table the server would run: the config names the profile (unless --profile does) and whether
        // GATEWAY_UPSTREAM hands the gateway's paths, config API included, to an external CLIProxyAPI.
        ServerConfig config = ServerConfig.load(args, env);
        RouteTable table = RouteTable.profile(profile != null ? profile : config.routeProfile(),
                config.gatewayUpstream().isPresent());
        if (explain == null) {
            out.print(table.print());
            return 0;
        }
        String raw = explain.contains("?") ? explain.substring(0, explain.indexOf('?')) : explain;
        String path = PathNormalizer.normalize(raw).orElse(null);
        if (path == null) {
            out.println("not a valid request path: " + explain);
            return 2;
        }
        RouteTable.Decision d = table.decide(path);
        out.println("profile:    " + table.name());
        out.println("path:       " + path + (path.equals(raw) ? "" : "   (normalised from " + raw + ")"));
        out.println("owner:      " + d.owner());
        for (var rule : d.matched()) {
            out.println("rule:       " + rule.describe() + " -> " + rule.describeAction());
        }
        d.redirect().ifPresentOrElse(r -> out.println("redirect:   " + r),
                () -> out.println("owner path: " + d.targetPath()));
        return 0;
    }
}
