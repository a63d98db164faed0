package dev.spacegate.server.manager.usage;

import java.util.HashMap;
import java.util.Map;

import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.persistence.usage.UsageFilter;
import dev.spacegate.persistence.usage.UsageQuery;
import dev.spacegate.persistence.usage.UsageStore;

/**
 * What the operator calls a credential or a client key seen in a window, read from its latest event there (one
 * indexed single-row query per distinct value, remembered for the request): never the raw index or hash.
 */
final class DisplayNames {
    private final UsageStore usage;
    private final UsageFilter window;
    private final Map<String, String> credentials = new HashMap<>();
    private final Map<String, String> keys = new HashMap<>();

    DisplayNames(UsageStore usage, UsageFilter window) {
        this.usage = usage;
        this.window = window;
    }

    /** Auth file label (its account's e-mail) or name, or provider entry and masked key; "" when nothing is known. */
    synchronized String credential(String authIndex) {
        if (authIndex == null || authIndex.isEmpty()) {
            return "";
        }
        return credentials.computeIfAbsent(authIndex, idx -> latest(window.withAuthIndex(idx))
                .map(e -> EventsPage.credentialName(e.provider(), e.authLabel(), e.authId(), e.source())).orElse(""));
    }

    /** The masked client key ("" when none). */
    synchronized String maskedKey(String apiKeyHash) {
        if (apiKeyHash == null || apiKeyHash.isEmpty()) {
            return "";
        }
        return keys.computeIfAbsent(apiKeyHash, h -> latest(window.withApiKeyHash(h))
                .map(e -> e.apiKeyMasked() == null ? "" : e.apiKeyMasked()).orElse(""));
    }

    private java.util.Optional<UsageEvent> latest(UsageFilter f) {
        return usage.query(UsageQuery.first(f, 1)).events().stream().findFirst();
    }
}
