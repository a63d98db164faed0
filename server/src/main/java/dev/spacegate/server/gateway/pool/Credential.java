package dev.spacegate.server.gateway.pool;

import java.util.Map;

import dev.spacegate.server.providers.ProviderKind;

/**
 * One upstream credential (one API key at one base URL) as the pool sees it.
 *
 * @param authIndex      stable 16-hex id (CLIProxyAPI's {@code auth_index}); also the key of cooldown state
 * @param kind           provider section
 * @param provider       the {@code provider} of usage records ({@code claude}, {@code gemini}, {@code codex} or the
 *                       openai-compatibility entry's name)
 * @param baseUrl        upstream base URL without trailing slash
 * @param apiKey         the upstream key (never logged)
 * @param headers        extra upstream headers ({@code $Name} copies the client's header {@code Name})
 * @param proxyUrl       http proxy, {@code direct}, or null for the global setting
 * @param priority       tier: higher tiers are used first
 * @param weight         weighted-round-robin weight (0 = never picked by that strategy)
 * @param disableCooling per-credential override of {@code disable-cooling}, or null
 * @param requestRetry   per-credential override of {@code request-retry}, or null
 * @param scopedErrors   {@code request-scoped-errors} rules of the entry or auth file
 * @param label          the config entry it came from, for messages
 */
public record Credential(
        String authIndex,
        ProviderKind kind,
        String provider,
        String baseUrl,
        String apiKey,
        Map<String, String> headers,
        String proxyUrl,
        int priority,
        int weight,
        Boolean disableCooling,
        Integer requestRetry,
        ScopedErrors scopedErrors,
        String label) {

    /** A short, non-secret form of the key for usage records and messages. */
    public String maskedKey() {
        String k = apiKey;
        return k.length() <= 8 ? "****" : k.substring(0, 4) + "..." + k.substring(k.length() - 4);
    }

    @Override
    public String toString() {
        return "Credential[" + authIndex + " " + label + "]";
    }
}
