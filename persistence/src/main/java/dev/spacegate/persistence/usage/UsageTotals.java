package dev.spacegate.persistence.usage;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * Summed usage over some events: calls, failures, tokens by kind, latency sum and a latency histogram from which
 * percentiles are estimated (linear interpolation inside a bucket; see {@link #BUCKET_UPPER_MS}).
 */
public record UsageTotals(long calls, long failures, long inputTokens, long outputTokens, long reasoningTokens,
                          long cachedTokens, long cacheReadTokens, long cacheCreationTokens, long totalTokens,
                          long latencySumMs, long latencyCount, long[] latencyHistogram) {

    /**
     * Upper bounds (inclusive, milliseconds) of the latency histogram buckets; a last bucket holds everything above.
     * Roughly 1.5x steps keep the percentile error within a bucket's width, about a third of the value.
     */
    public static final long[] BUCKET_UPPER_MS = {
        50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000
    };

    /** Number of histogram buckets (one more than the bounds). */
    public static final int BUCKETS = BUCKET_UPPER_MS.length + 1;

    public UsageTotals {
        if (latencyHistogram.length != BUCKETS) {
            throw new IllegalArgumentException("latency histogram must have " + BUCKETS + " buckets");
        }
        latencyHistogram = latencyHistogram.clone();
    }

    /** Nothing counted. */
    public static UsageTotals empty() {
        return new UsageTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new long[BUCKETS]);
    }

    /** Bucket index for a latency. */
    public static int bucketOf(long latencyMs) {
        for (int i = 0; i < BUCKET_UPPER_MS.length; i++) {
            if (latencyMs <= BUCKET_UPPER_MS[i]) {
                return i;
            }
        }
        return BUCKET_UPPER_MS.length;
    }

    @Override
    public long[] latencyHistogram() {
        return latencyHistogram.clone();
    }

    /** Successful calls. */
    public long successes() {
        return calls - failures;
    }

    /** Mean latency over calls that reported one. */
    public OptionalDouble averageLatencyMs() {
        return latencyCount == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) latencySumMs / latencyCount);
    }

    /** Estimated latency percentile ({@code q} in (0, 1]) from the histogram. */
    public OptionalDouble latencyPercentileMs(double q) {
        long n = Arrays.stream(latencyHistogram).sum();
        if (n == 0) {
            return OptionalDouble.empty();
        }
        double rank = q * n;
        long cumulative = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long inBucket = latencyHistogram[i];
            if (inBucket > 0 && cumulative + inBucket >= rank) {
                double lower = i == 0 ? 0 : BUCKET_UPPER_MS[i - 1];
                if (i == BUCKET_UPPER_MS.length) {
                    return OptionalDouble.of(lower); // open-ended last bucket: report its lower bound
                }
                double upper = BUCKET_UPPER_MS[i];
                double within = Math.max(0, rank - cumulative) / inBucket;
                return OptionalDouble.of(lower + (upper - lower) * within);
            }
            cumulative += inBucket;
        }
        return OptionalDouble.of(BUCKET_UPPER_MS[BUCKET_UPPER_MS.length - 1]);
    }

    /** Sum of this and {@code other}. */
    public UsageTotals plus(UsageTotals o) {
        long[] h = latencyHistogram.clone();
        for (int i = 0; i < BUCKETS; i++) {
            h[i] += o.latencyHistogram[i];
        }
        return new UsageTotals(calls + o.calls, failures + o.failures, inputTokens + o.inputTokens,
                outputTokens + o.outputTokens, reasoningTokens + o.reasoningTokens, cachedTokens + o.cachedTokens,
                cacheReadTokens + o.cacheReadTokens, cacheCreationTokens + o.cacheCreationTokens,
                totalTokens + o.totalTokens, latencySumMs + o.latencySumMs, latencyCount + o.latencyCount, h);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UsageTotals o && calls == o.calls && failures == o.failures
                && inputTokens == o.inputTokens && outputTokens == o.outputTokens
                && reasoningTokens == o.reasoningTokens && cachedTokens == o.cachedTokens
                && cacheReadTokens == o.cacheReadTokens && cacheCreationTokens == o.cacheCreationTokens
                && totalTokens == o.totalTokens && latencySumMs == o.latencySumMs && latencyCount == o.latencyCount
                && Arrays.equals(latencyHistogram, o.latencyHistogram);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(calls) * 31 + Arrays.hashCode(latencyHistogram);
    }

    @Override
    public String toString() {
        return "UsageTotals[calls=" + calls + ", failures=" + failures + ", totalTokens=" + totalTokens
                + ", latencyCount=" + latencyCount + ", histogram=" + Arrays.toString(latencyHistogram) + "]";
    }
}
