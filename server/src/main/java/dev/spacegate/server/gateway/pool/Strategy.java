package dev.spacegate.server.gateway.pool;

import java.util.Locale;

/** How the pool orders the credentials of one priority tier ({@code routing.strategy}). */
public enum Strategy {
    ROUND_ROBIN("round-robin"),
    WEIGHTED_ROUND_ROBIN("weighted-round-robin"),
    FILL_FIRST("fill-first");

    private final String configName;

    Strategy(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Parses the config value and CLIProxyAPI's aliases; empty means round-robin; unknown gives null. */
    public static Strategy parse(String text) {
        return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
            case "", "round-robin", "roundrobin", "rr" -> ROUND_ROBIN;
            case "weighted-round-robin", "weightedroundrobin", "wrr" -> WEIGHTED_ROUND_ROBIN;
            case "fill-first", "fillfirst", "ff" -> FILL_FIRST;
            default -> null;
        };
    }
}
