package dev.spacegate.server.gateway.translate.base;

import dev.spacegate.server.gateway.translate.neutral.Json;


import dev.spacegate.server.providers.ApiFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.gateway.translate.neutral.Usage;

/**
 * Usage fields of each format <-> {@link Usage}. Cached and reasoning tokens are carried across:
 * OpenAI {@code prompt_tokens_details.cached_tokens} / Responses {@code input_tokens_details.cached_tokens} /
 * Claude {@code cache_read_input_tokens} / Gemini {@code cachedContentTokenCount}.
 */
public final class UsageMap {
    private UsageMap() {
    }

    /** Reads the usage object of a format (the {@code usage} / {@code usageMetadata} node itself). */
    public static Usage read(ApiFormat format, JsonNode u) {
        if (u == null || !u.isObject()) {
            return null;
        }
        return switch (format) {
            case OPENAI_CHAT -> new Usage(Json.count(u, "prompt_tokens"), Json.count(u, "completion_tokens"),
                    Json.count(u.path("prompt_tokens_details"), "cached_tokens"), 0,
                    Json.count(u.path("completion_tokens_details"), "reasoning_tokens"));
            case OPENAI_RESPONSES -> new Usage(Json.count(u, "input_tokens"), Json.count(u, "output_tokens"),
                    Json.count(u.path("input_tokens_details"), "cached_tokens"), 0,
                    Json.count(u.path("output_tokens_details"), "reasoning_tokens"));
            case CLAUDE -> {
                long read = Json.count(u, "cache_read_input_tokens");
                long write = Json.count(u, "cache_creation_input_tokens");
                yield new Usage(Json.count(u, "input_tokens") + read + write, Json.count(u, "output_tokens"),
                        read, write, 0);
            }
            case GEMINI -> {
                long thoughts = Json.count(u, "thoughtsTokenCount");
                yield new Usage(Json.count(u, "promptTokenCount") + Json.count(u, "toolUsePromptTokenCount"),
                        Json.count(u, "candidatesTokenCount") + thoughts, Json.count(u, "cachedContentTokenCount"),
                        0, thoughts);
            }
        };
    }

    /** Writes usage in a format's shape. */
    public static ObjectNode write(ApiFormat format, Usage usage) {
        Usage u = usage == null ? Usage.ZERO : usage;
        ObjectNode o = Json.object();
        switch (format) {
            case OPENAI_CHAT -> {
                o.put("prompt_tokens", u.input());
                o.put("completion_tokens", u.output());
                o.put("total_tokens", u.total());
                o.putObject("prompt_tokens_details").put("cached_tokens", u.cacheRead());
                o.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoning());
            }
            case OPENAI_RESPONSES -> {
                o.put("input_tokens", u.input());
                o.putObject("input_tokens_details").put("cached_tokens", u.cacheRead());
                o.put("output_tokens", u.output());
                o.putObject("output_tokens_details").put("reasoning_tokens", u.reasoning());
                o.put("total_tokens", u.total());
            }
            case CLAUDE -> {
                o.put("input_tokens", Math.max(0, u.input() - u.cacheRead() - u.cacheWrite()));
                o.put("cache_creation_input_tokens", u.cacheWrite());
                o.put("cache_read_input_tokens", u.cacheRead());
                o.put("output_tokens", u.output());
            }
            case GEMINI -> {
                o.put("promptTokenCount", u.input());
                o.put("candidatesTokenCount", u.output() - u.reasoning());
                o.put("totalTokenCount", u.total());
                if (u.cacheRead() > 0) {
                    o.put("cachedContentTokenCount", u.cacheRead());
                }
                if (u.reasoning() > 0) {
                    o.put("thoughtsTokenCount", u.reasoning());
                }
            }
        }
        return o;
    }
}
