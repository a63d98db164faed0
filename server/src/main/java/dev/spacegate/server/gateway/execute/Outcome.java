package dev.spacegate.server.gateway.execute;

import java.time.Duration;
import java.util.Map;

import dev.spacegate.server.gateway.pool.CooldownRules;

/** How one attempt ended: answered (the client has its answer or went away), or failed before the first byte. */
sealed interface Outcome {
    /** The client got its answer (or went away). */
    record Done() implements Outcome { }

    /**
     * The upstream failed before anything reached the client.
     *
     * @param rule            the cooldown table's verdict: fail over, try another round, cooldown set
     * @param upstreamHeaders upstream headers handed on to the client ({@code passthrough-headers})
     */
    record Failed(int status, String contentType, byte[] body, Duration retryAfter, CooldownRules.Rule rule,
                  Map<String, String> upstreamHeaders) implements Outcome {
        Failed(int status, String contentType, byte[] body, Duration retryAfter, CooldownRules.Rule rule) {
            this(status, contentType, body, retryAfter, rule, Map.of());
        }

        /** The client's own fault (a request that cannot be expressed upstream): 400, no cooldown, no failover. */
        static Failed clientFault(byte[] json) {
            return new Failed(400, "application/json", json, null, CooldownRules.ruleFor(400, null));
        }
    }
}
