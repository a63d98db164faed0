package dev.spacegate.server.manager.prices;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.web.Json;

/**
 * Prices of one model in USD per 1M tokens. A null rate is "not configured" and falls back (see {@link CostRules});
 * an explicit 0 is respected. Context tiers replace the rates of a whole request whose input exceeds the threshold.
 */
public record ModelPrice(Double prompt, Double completion, Double cache, Double cacheRead, Double cacheCreation,
                         String source, List<ContextTier> contextTiers) {

    /** Rates for requests whose normalised input is strictly greater than {@code thresholdTokens}. */
    public record ContextTier(long thresholdTokens, Double prompt, Double completion, Double cache, Double cacheRead,
                              Double cacheCreation) {
    }

    public ModelPrice {
        contextTiers = contextTiers == null ? List.of()
                : contextTiers.stream().sorted(Comparator.comparingLong(ContextTier::thresholdTokens)).toList();
    }

    /** Reads the JSON form; unknown fields are ignored, wrong types are an error naming the field. */
    public static ModelPrice fromJson(String model, JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("price of " + model + " must be an object");
        }
        List<ContextTier> tiers = new ArrayList<>();
        for (JsonNode t : n.path("contextTiers")) {
            if (!t.path("thresholdTokens").canConvertToLong() || t.path("thresholdTokens").asLong() < 0) {
                throw new IllegalArgumentException("price of " + model + ": contextTiers need thresholdTokens >= 0");
            }
            tiers.add(new ContextTier(t.get("thresholdTokens").asLong(), rate(model, t, "prompt"),
                    rate(model, t, "completion"), rate(model, t, "cache"), rate(model, t, "cacheRead"),
                    rate(model, t, "cacheCreation")));
        }
        return new ModelPrice(rate(model, n, "prompt"), rate(model, n, "completion"), rate(model, n, "cache"),
                rate(model, n, "cacheRead"), rate(model, n, "cacheCreation"),
                n.path("source").isTextual() ? n.get("source").asText() : null, tiers);
    }

    private static Double rate(String model, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.asDouble() < 0) {
            throw new IllegalArgumentException("price of " + model + ": " + field + " must be a number >= 0");
        }
        return v.asDouble();
    }

    /** The JSON form (absent rates omitted). */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        put(o, "prompt", prompt);
        put(o, "completion", completion);
        put(o, "cache", cache);
        put(o, "cacheRead", cacheRead);
        put(o, "cacheCreation", cacheCreation);
        if (source != null) {
            o.put("source", source);
        }
        if (!contextTiers.isEmpty()) {
            var arr = o.putArray("contextTiers");
            for (ContextTier t : contextTiers) {
                ObjectNode to = arr.addObject().put("thresholdTokens", t.thresholdTokens());
                put(to, "prompt", t.prompt());
                put(to, "completion", t.completion());
                put(to, "cache", t.cache());
                put(to, "cacheRead", t.cacheRead());
                put(to, "cacheCreation", t.cacheCreation());
            }
        }
        return o;
    }

    /** The same prices marked with another source. */
    public ModelPrice withSource(String s) {
        return new ModelPrice(prompt, completion, cache, cacheRead, cacheCreation, s, contextTiers);
    }

    private static void put(ObjectNode o, String k, Double v) {
        if (v != null) {
            o.put(k, v);
        }
    }
}
