package dev.spacegate.persistence.usage;

import java.util.List;
import java.util.Optional;

/** One page of raw usage events (newest first) and the cursor of the next page, empty on the last page. */
public record UsagePage(List<UsageEvent> events, Optional<String> nextCursor) {
}
