package dev.spacegate.server.manager.config;

import java.util.OptionalLong;

/**
 * How a config write came and what it may do: its source and author for the history, the version the writer last
 * read ({@code If-Match}; empty accepts any, as CLIProxyAPI scripts send none), and whether it may remove every
 * provider or every client key ({@code ?confirm=remove-all}).
 */
public record ConfigWrite(String source, String by, OptionalLong ifMatch, boolean removeAllConfirmed) {

    /** A management API write with no version check and no confirmation. */
    public static ConfigWrite api() {
        return new ConfigWrite("api", "management API", OptionalLong.empty(), false);
    }

    /** The same write with another source (e.g. {@code restore}). */
    ConfigWrite as(String newSource, String newBy) {
        return new ConfigWrite(newSource, newBy, ifMatch, removeAllConfirmed);
    }
}
