package dev.spacegate.server.gateway.pool;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What an upstream failure means for the credential and the request, as one table (CLIProxyAPI §4.4/§4.5).
 *
 * <p>Read top to bottom; the first row whose statuses contain the status applies. Request faults (the
 * client's own mistake) neither cool the credential nor fail over.
 */
public final class CooldownRules {

    /** How long a row cools the credential. */
    public enum Kind {
        /** A fixed duration. */
        FIXED,
        /** {@code Retry-After}, else 1 s * 2^level capped at 30 min. */
        QUOTA,
        /** {@code transient-error-cooldown-seconds} (default 60 s). */
        TRANSIENT,
        /** No cooldown and no failover: the client's request is at fault. */
        REQUEST_FAULT,
        /** No cooldown ({@code request-scoped-errors} rules without {@code -and-cooldown}). */
        NONE
    }

    /**
     * One rule.
     *
     * @param statuses     upstream statuses it covers (empty = every other status)
     * @param kind         how the cooldown is computed
     * @param fixed        duration for {@link Kind#FIXED}
     * @param reason       name stored with the cooldown
     * @param nextRound    whether the failure may start another retry round ({@code request-retry})
     * @param failover     whether the next credential is tried (false: the error goes to the client)
     */
    public record Rule(Set<Integer> statuses, Kind kind, Duration fixed, String reason, boolean nextRound,
                       boolean failover) {
    }

    /** The rule table. */
    public static final List<Rule> RULES = List.of(
            new Rule(Set.of(401), Kind.FIXED, Duration.ofMinutes(30), "unauthorized", false, true),
            new Rule(Set.of(402), Kind.FIXED, Duration.ofMinutes(30), "payment_required", false, true),
            new Rule(Set.of(403), Kind.FIXED, Duration.ofMinutes(30), "payment_required", true, true),
            new Rule(Set.of(404), Kind.FIXED, Duration.ofHours(12), "not_found", false, true),
            new Rule(Set.of(429), Kind.QUOTA, null, "quota", true, true),
            new Rule(Set.of(408, 500, 502, 503, 504), Kind.TRANSIENT, null, "transient", true, true),
            new Rule(Set.of(400, 409, 413, 422), Kind.REQUEST_FAULT, null, "request_fault", false, false),
            new Rule(Set.of(), Kind.TRANSIENT, null, "transient", false, true));

    /** Error codes/types in an upstream body that mark a request fault whatever the status (except 402/429). */
    public static final Set<String> REQUEST_FAULT_CODES = Set.of("invalid_request_error", "context_length_exceeded",
            "invalid_prompt", "invalid_value", "unsupported_value", "message_too_big", "string_above_max_length",
            "cyber_policy", "previous_response_not_found");

    /** Longest 429 backoff. */
    public static final Duration MAX_QUOTA_BACKOFF = Duration.ofMinutes(30);

    private CooldownRules() {
    }

    /** The rule for a status and the upstream's error code/type (may be null). */
    public static Rule ruleFor(int status, String bodyCode) {
        if (status != 402 && status != 429 && status >= 400 && bodyCode != null
                && REQUEST_FAULT_CODES.contains(bodyCode)) {
            return RULES.get(6);
        }
        for (Rule r : RULES) {
            if (r.statuses().isEmpty() || r.statuses().contains(status)) {
                return r;
            }
        }
        throw new IllegalStateException("rule table has no default row");
    }

    /** The 429 backoff for a level: 1 s * 2^level, capped. */
    public static Duration quotaBackoff(int level) {
        if (level >= 11) {
            return MAX_QUOTA_BACKOFF;
        }
        Duration d = Duration.ofSeconds(1L << Math.max(0, level));
        return d.compareTo(MAX_QUOTA_BACKOFF) > 0 ? MAX_QUOTA_BACKOFF : d;
    }
}
