package dev.spacegate.server.gateway.translate.base;

import dev.spacegate.server.gateway.translate.neutral.Json;


import java.util.HashMap;
import java.util.Map;

/**
 * Tool names and call ids the OpenAI-family targets cannot take (over 64 characters) are shortened on the
 * way up; this remembers the shortened names of one request so the answer carries the client's names.
 * Shortening is deterministic, so a call and its result always get the same shortened id.
 */
public final class ToolNames {
    /** OpenAI and Codex limit function names and call ids to 64 characters. */
    public static final int LIMIT = 64;
    private final Map<String, String> original = new HashMap<>();
    private final java.util.Set<String> custom = new java.util.HashSet<>();

    /** Marks a Responses free-form ({@code type: custom}) tool: its calls go back as custom_tool_call items. */
    public synchronized void markCustom(String name) {
        custom.add(name);
    }

    /** Whether the client declared this tool as a free-form custom tool. */
    public synchronized boolean isCustom(String name) {
        return custom.contains(name);
    }

    /** A name of at most 64 chars of {@code [a-zA-Z0-9_-]}: {@code mcp__} names keep their last segment. */
    public synchronized String shorten(String name) {
        if (name == null) {
            return null;
        }
        String clean = name.replaceAll("[^a-zA-Z0-9_-]", "_");
        if (clean.length() > LIMIT) {
            String base = clean;
            if (clean.startsWith("mcp__")) {
                base = "mcp__" + clean.substring(clean.lastIndexOf("__") + 2);
            }
            String taken = original.get(base);
            if (base.length() > LIMIT || taken != null && !taken.equals(name)) {
                base = base.substring(0, Math.min(base.length(), LIMIT - 9)) + "_" + Json.sha256(name).substring(0, 8);
            }
            clean = base;
        }
        if (!clean.equals(name)) {
            original.put(clean, name);
        }
        return clean;
    }

    /** The client's name for a name the upstream used. */
    public synchronized String original(String upstreamName) {
        return upstreamName == null ? null : original.getOrDefault(upstreamName, upstreamName);
    }

    /** A call id of at most 64 chars: prefix + {@code _} + 16 hex of its SHA-256. */
    public static String shortId(String id) {
        if (id == null || id.length() <= LIMIT) {
            return id;
        }
        return id.substring(0, LIMIT - 17) + "_" + Json.sha256(id).substring(0, 16);
    }

    /** A Claude-valid tool id ({@code ^[a-zA-Z0-9_-]+$}); empty ids get a stable generated one. */
    public static String claudeId(String id, String seed) {
        if (id == null || id.isEmpty()) {
            return "toolu_" + Json.sha256(seed == null ? "" : seed).substring(0, 24);
        }
        return id.replaceAll("[^a-zA-Z0-9_-]", "_");
    }
}
