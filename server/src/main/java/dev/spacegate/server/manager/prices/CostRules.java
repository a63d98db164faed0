package dev.spacegate.server.manager.prices;

import java.util.List;
import java.util.Locale;

import dev.spacegate.persistence.usage.EventDimension;
import dev.spacegate.persistence.usage.EventGroup;

/**
 * How a group of usage events is priced (CPA-Manager-Plus semantics). Rules, in order:
 * <ul>
 *   <li>Cache mode: Claude/Anthropic report cache tokens beside the input ("separate"); OpenAI, Codex, Gemini,
 *       Vertex, xAI, Kimi and {@code gpt-*} models count them inside the input ("included"); otherwise separate when
 *       the events carry cache read/creation tokens, else included.</li>
 *   <li>Prompt tokens: separate mode = input; included mode = input minus every cache part (never negative).</li>
 *   <li>Cost = prompt x prompt rate + extra cached x cache rate + cache read x cache-read rate + cache creation x
 *       cache-creation rate + output x completion rate, per 1M tokens. Reasoning tokens are part of the output and
 *       are not billed again.</li>
 *   <li>Fallbacks: cache-read rate -> cache rate (if > 0) -> 10 % of prompt; cache rate -> cache-read rate chain;
 *       cache-creation rate -> prompt rate.</li>
 *   <li>Context tiers: the tier with the highest threshold strictly below the request's normalised input (input,
 *       plus the cache parts in separate mode) prices the whole request; rates the tier omits come from the base.</li>
 * </ul>
 */
public final class CostRules {
    private CostRules() {
    }

    /** Providers or executors (substring) whose records report cache tokens beside the input. */
    static final List<String> SEPARATE = List.of("claude", "anthropic");
    /** Providers, executors or model prefixes whose records count cache tokens inside the input. */
    static final List<String> INCLUDED = List.of("openai", "codex", "gemini", "vertex", "aistudio", "antigravity",
            "xai", "grok", "kimi", "moonshot", "gpt-");

    /** True when the group's cache tokens are reported beside the input. */
    public static boolean separate(EventGroup g) {
        String provider = g.key(EventDimension.PROVIDER).toLowerCase(Locale.ROOT)
                + " " + g.key(EventDimension.EXECUTOR).toLowerCase(Locale.ROOT);
        for (String s : SEPARATE) {
            if (provider.contains(s)) {
                return true;
            }
        }
        for (String s : INCLUDED) {
            if (provider.contains(s)) {
                return false;
            }
        }
        String model = (g.key(EventDimension.RESOLVED_MODEL) + " " + g.key(EventDimension.MODEL))
                .toLowerCase(Locale.ROOT);
        if (model.contains("claude")) {
            return true;
        }
        for (String s : INCLUDED) {
            if (model.contains(s)) {
                return false;
            }
        }
        return g.cacheReadTokens() + g.cacheCreationTokens() > 0;
    }

    /** Normalised total input (the tier and cache-hit-rate denominator). */
    public static long totalInput(EventGroup g) {
        return separate(g) ? g.inputTokens() + g.extraCachedTokens() + g.cacheReadTokens() + g.cacheCreationTokens()
                : g.inputTokens();
    }

    /** Cost in USD of a group priced with {@code price}; the group's band refers to {@code thresholds}. */
    public static double cost(EventGroup g, ModelPrice price, List<Long> thresholds) {
        if (price == null) {
            return 0;
        }
        boolean separate = separate(g);
        int band = separate ? g.inputWithCacheBand() : g.inputBand();
        ModelPrice.ContextTier tier = null;
        if (band > 0) {
            long bandFloor = thresholds.get(band - 1);
            for (ModelPrice.ContextTier t : price.contextTiers()) {
                if (t.thresholdTokens() <= bandFloor) {
                    tier = t;
                }
            }
        }
        double p = pick(tier == null ? null : tier.prompt(), price.prompt(), 0.0);
        double out = pick(tier == null ? null : tier.completion(), price.completion(), 0.0);
        Double cacheRate = pick(tier == null ? null : tier.cache(), price.cache(), null);
        Double readRate = pick(tier == null ? null : tier.cacheRead(), price.cacheRead(), null);
        Double writeRate = pick(tier == null ? null : tier.cacheCreation(), price.cacheCreation(), null);
        double cr = readRate != null ? readRate : cacheRate != null && cacheRate > 0 ? cacheRate : p * 0.1;
        double cached = cacheRate != null ? cacheRate : cr;
        double cc = writeRate != null ? writeRate : p;
        long prompt = separate ? g.inputTokens() : g.uncachedInputTokens();
        return (prompt * p + g.extraCachedTokens() * cached + g.cacheReadTokens() * cr
                + g.cacheCreationTokens() * cc + g.outputTokens() * out) / 1_000_000.0;
    }

    private static Double pick(Double tier, Double base, Double fallback) {
        return tier != null ? tier : base != null ? base : fallback;
    }
}
