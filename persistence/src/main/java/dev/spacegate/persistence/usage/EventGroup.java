package dev.spacegate.persistence.usage;

import java.util.Map;

/**
 * Sums over the raw events of one group ({@link UsageStore#aggregate}): the dimension values, the input-size band,
 * token sums (including the CPA-Manager-Plus normalised cache parts) and latency / time-to-first-token histograms
 * (buckets of {@link UsageTotals#BUCKET_UPPER_MS}).
 *
 * @param keys                dimension values ("" when the column was empty)
 * @param inputBand           how many thresholds the event's input tokens exceed (strictly)
 * @param inputWithCacheBand  the same for input + extra cached + cache read + cache creation tokens
 * @param extraCachedTokens   sum of max(cached - cache read - cache creation, 0): cached tokens not already counted
 *                            as cache read or creation (CLIProxyAPI mirrors Claude's cache into cached_tokens)
 * @param uncachedInputTokens sum of max(input - extra cached - cache read - cache creation, 0): input without any
 *                            cache part, for records whose input already includes the cache
 */
public record EventGroup(Map<EventDimension, String> keys, int inputBand, int inputWithCacheBand,
                         long calls, long failures, long inputTokens, long outputTokens, long reasoningTokens,
                         long cachedTokens, long cacheReadTokens, long cacheCreationTokens, long totalTokens,
                         long extraCachedTokens, long uncachedInputTokens,
                         long latencySumMs, long latencyCount, long[] latencyHistogram,
                         long ttftSumMs, long ttftCount, long[] ttftHistogram) {

    /** The value of one dimension ("" when not grouped by it). */
    public String key(EventDimension d) {
        return keys.getOrDefault(d, "");
    }
}
