package dev.spacegate.server.manager.usage;

import java.util.Arrays;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.usage.EventGroup;
import dev.spacegate.persistence.usage.UsageTotals;
import dev.spacegate.server.manager.prices.CostRules;

/** Running totals over event groups: calls, tokens, cost, latency and TTFT histograms; rendered as analytics JSON. */
final class Stats {
    long calls;
    long failures;
    long input;
    long output;
    long reasoning;
    long cached;
    long cacheRead;
    long cacheCreation;
    long total;
    long cacheHit;
    long normalizedInput;
    long zeroToken;
    double cost;
    /** Successful calls of models without a price (their cost counts as 0 and is shown as "no price"). */
    long unpricedCalls;
    long latencySum;
    long latencyCount;
    long ttftSum;
    long ttftCount;
    final long[] latency = new long[UsageTotals.BUCKETS];
    final long[] ttft = new long[UsageTotals.BUCKETS];

    void add(EventGroup g, double groupCost, boolean hasPrice) {
        calls += g.calls();
        unpricedCalls += hasPrice ? 0 : g.calls() - g.failures(); // a failed call costs nothing either way
        failures += g.failures();
        input += g.inputTokens();
        output += g.outputTokens();
        reasoning += g.reasoningTokens();
        cached += g.cachedTokens();
        cacheRead += g.cacheReadTokens();
        cacheCreation += g.cacheCreationTokens();
        total += g.totalTokens();
        cacheHit += g.extraCachedTokens() + g.cacheReadTokens();
        normalizedInput += CostRules.totalInput(g);
        cost += groupCost;
        latencySum += g.latencySumMs();
        latencyCount += g.latencyCount();
        ttftSum += g.ttftSumMs();
        ttftCount += g.ttftCount();
        for (int i = 0; i < UsageTotals.BUCKETS; i++) {
            latency[i] += g.latencyHistogram()[i];
            ttft[i] += g.ttftHistogram()[i];
        }
    }

    /** Writes the figures into {@code o}. */
    ObjectNode write(ObjectNode o) {
        o.put("total_calls", calls);
        o.put("success_calls", calls - failures);
        o.put("failure_calls", failures);
        o.put("success_rate", calls == 0 ? 0 : round((double) (calls - failures) / calls));
        o.put("input_tokens", input);
        o.put("output_tokens", output);
        o.put("cached_tokens", cached);
        o.put("cache_read_tokens", cacheRead);
        o.put("cache_creation_tokens", cacheCreation);
        o.put("reasoning_tokens", reasoning);
        o.put("total_tokens", total);
        o.put("cache_hit_rate", normalizedInput == 0 ? 0 : round(Math.min(1.0, (double) cacheHit / normalizedInput)));
        o.put("total_cost", round(cost));
        o.put("unpriced_calls", unpricedCalls);
        o.put("average_cost_per_call", calls == 0 ? 0 : round(cost / calls));
        o.put("average_latency_ms", latencyCount == 0 ? 0 : round((double) latencySum / latencyCount));
        ObjectNode l = o.putObject("latency_ms");
        l.put("p50", percentile(latency, 0.50)).put("p95", percentile(latency, 0.95)).put("p99", percentile(latency, 0.99));
        o.put("p95_latency_ms", percentile(latency, 0.95));
        o.put("average_ttft_ms", ttftCount == 0 ? 0 : round((double) ttftSum / ttftCount));
        ObjectNode t = o.putObject("ttft_ms");
        t.put("p50", percentile(ttft, 0.50)).put("p95", percentile(ttft, 0.95)).put("p99", percentile(ttft, 0.99));
        o.put("p95_ttft_ms", percentile(ttft, 0.95));
        return o;
    }

    /** Percentile estimate from a histogram (linear inside a bucket), as the store's rollups do. */
    static double percentile(long[] histogram, double q) {
        long n = Arrays.stream(histogram).sum();
        if (n == 0) {
            return 0;
        }
        long[] upper = UsageTotals.BUCKET_UPPER_MS;
        double rank = q * n;
        long cumulative = 0;
        for (int i = 0; i < histogram.length; i++) {
            long in = histogram[i];
            if (in > 0 && cumulative + in >= rank) {
                double lower = i == 0 ? 0 : upper[i - 1];
                if (i == upper.length) {
                    return lower;
                }
                return round(lower + (upper[i] - lower) * Math.max(0, rank - cumulative) / in);
            }
            cumulative += in;
        }
        return upper[upper.length - 1];
    }

    static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
