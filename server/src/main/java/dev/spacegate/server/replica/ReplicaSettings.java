package dev.spacegate.server.replica;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a replica follows the others' changes, from the environment.
 *
 * @param listen    {@code REPLICA_LISTEN}: true, false, or empty for automatic (LISTEN unless the DSN names a
 *                  transaction pooler, where notifications never arrive)
 * @param poll      {@code REPLICA_POLL_SECONDS} (default 1, at most 5): the version check interval without LISTEN
 * @param heartbeat how often a listening replica confirms its connection and checks the log (5 s)
 * @param staleAfter {@code REPLICA_STALE_SECONDS} (default 15): a view not confirmed for longer is reported stale
 */
public record ReplicaSettings(Optional<Boolean> listen, Duration poll, Duration heartbeat, Duration staleAfter) {
    static final int MAX_POLL_SECONDS = 5;

    /** Reads the settings; a bad value fails with a message naming the variable. */
    public static ReplicaSettings fromEnv(Map<String, String> env) {
        String raw = env.getOrDefault("REPLICA_LISTEN", "").trim().toLowerCase(Locale.ROOT);
        Optional<Boolean> listen = switch (raw) {
            case "", "auto" -> Optional.empty();
            case "true", "yes", "1", "on" -> Optional.of(true);
            case "false", "no", "0", "off" -> Optional.of(false);
            default -> throw new IllegalArgumentException("REPLICA_LISTEN must be true, false or auto");
        };
        int poll = seconds(env, "REPLICA_POLL_SECONDS", 1);
        if (poll > MAX_POLL_SECONDS) {
            throw new IllegalArgumentException("REPLICA_POLL_SECONDS must be 1.." + MAX_POLL_SECONDS);
        }
        return new ReplicaSettings(listen, Duration.ofSeconds(poll), Duration.ofSeconds(5),
                Duration.ofSeconds(seconds(env, "REPLICA_STALE_SECONDS", 15)));
    }

    private static int seconds(Map<String, String> env, String name, int fallback) {
        String v = env.getOrDefault(name, "").trim();
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number of seconds, at least 1");
    }
}
