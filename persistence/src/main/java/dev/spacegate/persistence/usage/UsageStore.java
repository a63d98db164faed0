package dev.spacegate.persistence.usage;

import java.time.Instant;
import java.util.List;

/**
 * Usage events: append in batches (deduplicated by event hash), page through raw events, and summarise from hourly
 * rollups that are maintained in the same transaction as the inserts. Raw events may be pruned; rollups are kept.
 */
public interface UsageStore {

    /**
     * Appends events; an event whose hash is already stored (or repeated in the batch, or older than the retention
     * horizon) is skipped.
     *
     * @return how many were inserted
     */
    int appendBatch(List<UsageEvent> events);

    /** One page of raw events matching the query, newest first. */
    UsagePage query(UsageQuery query);

    /**
     * Totals over the filter from hourly rollups: hour-granular (the range is widened to whole UTC hours), fast at
     * any size; latency percentiles come from the rollups' latency histograms.
     */
    UsageTotals summary(UsageFilter filter);

    /** Totals per group from hourly rollups, sorted by key. */
    List<RollupRow> rollups(UsageFilter filter, GroupBy groupBy);

    /**
     * Sums over raw events (exact, not hour-widened) grouped by the given dimensions and by input-size band: the band
     * of an event is how many of {@code inputThresholds} its input exceeds, once for input tokens and once for input
     * plus cache tokens, so per-request context-tier prices can be applied to the groups. One SQL aggregate; with
     * few dimensions the result stays small at any event count.
     */
    List<EventGroup> aggregate(UsageFilter filter, java.util.Set<EventDimension> dimensions,
                               List<Long> inputThresholds);

    /** The highest raw event id stored (0 when none): a cursor for derived data kept beside the store. */
    long maxEventId();

    /** Start (epoch ms, UTC) of every hour holding a raw event with an id greater than {@code afterId}, ascending. */
    List<Long> hoursWithEventsAfter(long afterId);

    /** Number of raw events stored. */
    long count();

    /**
     * Deletes raw events older than {@code before} (rollups stay) and remembers the horizon so events older than it
     * are not re-added later.
     *
     * @return how many raw events were deleted
     */
    long pruneBefore(Instant before);
}
