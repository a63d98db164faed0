package dev.spacegate.server.gateway.usage;

import java.io.IOException;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.web.Json;

/**
 * Token counts read from an upstream's usage fields; fed every usage-bearing body or stream event, keeping
 * the largest value seen per field (streams repeat or grow their counts).
 */
public final class TokenCounts {
    /** The top-level fields {@link #observe(ApiFormat, JsonNode)} reads, in any format. */
    private static final Set<String> USAGE_FIELDS = Set.of("usage", "usageMetadata", "response", "message",
            "input_tokens", "totalTokens");

    private long input;
    private long output;
    private long reasoning;
    private long cacheRead;
    private long cacheCreation;
    private long total;
    private boolean cachePresent;

    /**
     * Reads the usage of a whole JSON answer that is passed on as it is: only the fields that carry token counts
     * become a tree, the rest (the answer itself, possibly large) is skipped. Not JSON: nothing is counted.
     */
    public void observe(ApiFormat format, byte[] body) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            ObjectNode fields = Json.MAPPER.createObjectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (USAGE_FIELDS.contains(name)) {
                    fields.set(name, Json.MAPPER.readTree(p));
                } else {
                    p.skipChildren();
                }
            }
            observe(format, fields);
        } catch (IOException e) {
            // not JSON, or cut short: passed through as is, without token counts
        }
    }

    /** Reads the usage of a response body or one stream event's data in the given upstream format. */
    public void observe(ApiFormat format, JsonNode n) {
        if (n == null || !n.isObject()) {
            return;
        }
        switch (format) {
            case OPENAI_CHAT -> {
                JsonNode u = n.path("usage");
                if (u.isObject()) {
                    input = Math.max(input, u.path("prompt_tokens").asLong());
                    output = Math.max(output, u.path("completion_tokens").asLong());
                    total = Math.max(total, u.path("total_tokens").asLong());
                    cached(u.path("prompt_tokens_details").path("cached_tokens"));
                    reasoning = Math.max(reasoning, u.path("completion_tokens_details").path("reasoning_tokens")
                            .asLong());
                }
            }
            case OPENAI_RESPONSES -> {
                JsonNode u = n.path("usage").isObject() ? n.path("usage") : n.path("response").path("usage");
                if (u.isObject()) {
                    input = Math.max(input, u.path("input_tokens").asLong());
                    output = Math.max(output, u.path("output_tokens").asLong());
                    total = Math.max(total, u.path("total_tokens").asLong());
                    cached(u.path("input_tokens_details").path("cached_tokens"));
                    reasoning = Math.max(reasoning, u.path("output_tokens_details").path("reasoning_tokens")
                            .asLong());
                }
            }
            case CLAUDE -> {
                JsonNode u = n.path("usage").isObject() ? n.path("usage") : n.path("message").path("usage");
                if (u.isObject()) {
                    input = Math.max(input, u.path("input_tokens").asLong());
                    output = Math.max(output, u.path("output_tokens").asLong());
                    cached(u.path("cache_read_input_tokens"));
                    cacheCreation = Math.max(cacheCreation, u.path("cache_creation_input_tokens").asLong());
                } else if (n.has("input_tokens")) {
                    input = Math.max(input, n.path("input_tokens").asLong());
                }
            }
            case GEMINI -> {
                JsonNode u = n.path("usageMetadata");
                if (u.isObject()) {
                    input = Math.max(input, u.path("promptTokenCount").asLong());
                    output = Math.max(output, u.path("candidatesTokenCount").asLong());
                    reasoning = Math.max(reasoning, u.path("thoughtsTokenCount").asLong());
                    total = Math.max(total, u.path("totalTokenCount").asLong());
                    cached(u.path("cachedContentTokenCount"));
                } else if (n.has("totalTokens")) {
                    input = Math.max(input, n.path("totalTokens").asLong());
                }
            }
            default -> {
            }
        }
    }

    private void cached(JsonNode v) {
        if (v.isNumber()) {
            cachePresent = true;
            cacheRead = Math.max(cacheRead, v.asLong());
        }
    }

    public long input() {
        return input;
    }

    public long output() {
        return output;
    }

    public long total() {
        if (total > 0) {
            return total;
        }
        return input + output + cacheCreation + (cacheRead > 0 && input < cacheRead ? cacheRead : 0);
    }

    /** The {@code tokens} object of the usage record. */
    public void writeTo(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("input_tokens", input);
        g.writeNumberField("output_tokens", output);
        g.writeNumberField("reasoning_tokens", reasoning);
        g.writeNumberField("cached_tokens", cacheRead);
        g.writeNumberField("cache_read_tokens", cacheRead);
        g.writeBooleanField("cache_read_tokens_present", cachePresent);
        g.writeNumberField("cache_creation_tokens", cacheCreation);
        g.writeNumberField("total_tokens", total());
        g.writeEndObject();
    }

    /** The {@code token_breakdown} object (schema 2). */
    public void writeBreakdown(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("schema_version", 2);
        g.writeStringField("quality", "complete");
        g.writeNumberField("total_tokens", total());
        g.writeObjectFieldStart("input");
        g.writeNumberField("total_tokens", input);
        g.writeNumberField("uncached_tokens", Math.max(0, input - cacheRead));
        g.writeNumberField("cache_read_tokens", cacheRead);
        g.writeNumberField("cache_write_tokens", cacheCreation);
        g.writeEndObject();
        g.writeObjectFieldStart("output");
        g.writeNumberField("total_tokens", output);
        g.writeNumberField("non_reasoning_tokens", Math.max(0, output - reasoning));
        g.writeNumberField("reasoning_tokens", reasoning);
        g.writeEndObject();
        g.writeNumberField("unclassified_tokens", 0);
        g.writeEndObject();
    }
}
