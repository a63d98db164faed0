package dev.spacegate.persistence.usage;

import java.util.Optional;

/**
 * A page request over raw usage events, newest first, with keyset paging.
 *
 * @param filter    what to include
 * @param limit     page size (1..5000)
 * @param cursor    {@link UsagePage#nextCursor()} of the previous page, empty for the first page
 * @param requestId only events whose request id starts with this text
 * @param failed    only failed (true) or only successful (false) events
 */
public record UsageQuery(UsageFilter filter, int limit, Optional<String> cursor, Optional<String> requestId,
                         Optional<Boolean> failed) {
    /** Largest page a caller may ask for. */
    public static final int MAX_LIMIT = 5000;

    public UsageQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("usage query: limit must be between 1 and " + MAX_LIMIT);
        }
    }

    /** First page of {@code limit} events matching {@code filter}. */
    public static UsageQuery first(UsageFilter filter, int limit) {
        return new UsageQuery(filter, limit, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The page after the one that returned {@code cursor}. */
    public UsageQuery after(String nextCursor) {
        return new UsageQuery(filter, limit, Optional.of(nextCursor), requestId, failed);
    }

    /** Only events whose request id starts with {@code prefix}. */
    public UsageQuery withRequestId(String prefix) {
        return new UsageQuery(filter, limit, cursor, Optional.of(prefix), failed);
    }

    /** Only failed ({@code true}) or only successful ({@code false}) events. */
    public UsageQuery withFailed(boolean value) {
        return new UsageQuery(filter, limit, cursor, requestId, Optional.of(value));
    }
}
