package dev.spacegate.server.gateway.pool;

import java.time.Instant;

/**
 * Cooldown of one credential for one upstream model.
 *
 * @param authIndex    the credential
 * @param model        upstream model name
 * @param nextRetryAt  when it may be used again
 * @param reason       rule that applied ({@code quota}, {@code unauthorized}, {@code not_found}, ...)
 * @param statusCode   upstream status that caused it
 * @param backoffLevel 429 backoff exponent (1 s * 2^level)
 */
public record CooldownState(String authIndex, String model, Instant nextRetryAt, String reason, int statusCode,
                            int backoffLevel) {
    public String key() {
        return authIndex + "|" + model;
    }
}
