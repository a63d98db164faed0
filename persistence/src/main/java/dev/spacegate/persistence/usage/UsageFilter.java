package dev.spacegate.persistence.usage;

import java.time.Instant;
import java.util.Optional;

/**
 * Which usage events a query or summary covers: a half-open time range [from, to) and optional exact-match filters.
 *
 * @param from       inclusive start
 * @param to         exclusive end
 * @param model      analytics model
 * @param provider   provider
 * @param authIndex  credential index
 * @param apiKeyHash SHA-256 hex of a client API key
 */
public record UsageFilter(Instant from, Instant to, Optional<String> model, Optional<String> provider,
                          Optional<String> authIndex, Optional<String> apiKeyHash) {

    public UsageFilter {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("usage filter: from must be before to");
        }
    }

    /** Everything in [from, to). */
    public static UsageFilter between(Instant from, Instant to) {
        return new UsageFilter(from, to, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public UsageFilter withModel(String value) {
        return new UsageFilter(from, to, Optional.of(value), provider, authIndex, apiKeyHash);
    }

    public UsageFilter withProvider(String value) {
        return new UsageFilter(from, to, model, Optional.of(value), authIndex, apiKeyHash);
    }

    public UsageFilter withAuthIndex(String value) {
        return new UsageFilter(from, to, model, provider, Optional.of(value), apiKeyHash);
    }

    public UsageFilter withApiKeyHash(String value) {
        return new UsageFilter(from, to, model, provider, authIndex, Optional.of(value));
    }
}
