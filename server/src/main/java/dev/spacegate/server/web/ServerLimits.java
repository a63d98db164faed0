package dev.spacegate.server.web;

import java.time.Duration;
import java.util.Map;

/**
 * Limits the web server applies before any authentication, from the environment: how long a request body may take
 * to arrive ({@code REQUEST_READ_TIMEOUT_SECONDS}, 120), how long an idle keep-alive connection stays open
 * ({@code IDLE_TIMEOUT_SECONDS}, 120) and how many connections are open at once ({@code MAX_CONNECTIONS}, 1000).
 */
public record ServerLimits(Duration requestReadTimeout, Duration idleTimeout, int maxConnections) {

    public static ServerLimits fromEnv(Map<String, String> env) {
        return new ServerLimits(Duration.ofSeconds(positive(env, "REQUEST_READ_TIMEOUT_SECONDS", 120)),
                Duration.ofSeconds(positive(env, "IDLE_TIMEOUT_SECONDS", 120)),
                (int) positive(env, "MAX_CONNECTIONS", 1000));
    }

    private static long positive(Map<String, String> env, String name, long fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n > 0 && n <= Integer.MAX_VALUE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive whole number, got '" + v + "'");
    }
}
