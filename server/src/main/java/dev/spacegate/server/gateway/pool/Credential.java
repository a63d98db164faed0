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
 * @param origin         what usage records say about it (source, auth type) and where its requests are counted
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
        String label,
        Origin origin) {

    /**
     * Where a credential comes from, as usage records name it: an API key of the config (source = its masked
     * form, auth type {@code apikey}) or an auth file (source = the e-mail of the account it logs into, else project or label,
     * auth type {@code oauth}, requests counted on the auth file for the auth-files page).
     */
    public record Origin(String source, String authType, RequestCounter counter) {
        /** An API key of the config. */
        public static Origin apiKey(String key) {
            return new Origin(mask(key), "apikey", RequestCounter.NONE);
        }

        /** An auth file, named as CLIProxyAPI's records name it. */
        public static Origin authFile(String name, RequestCounter counter) {
            return new Origin(name, "oauth", counter);
        }
    }

    /** Counts the upstream requests of one credential (success or failure). */
    @FunctionalInterface
    public interface RequestCounter {
        RequestCounter NONE = failed -> { };

        void count(boolean failed);
    }

    /** An API-key credential of the config. */
    public Credential(String authIndex, ProviderKind kind, String provider, String baseUrl, String apiKey,
                      Map<String, String> headers, String proxyUrl, int priority, int weight, Boolean disableCooling,
                      Integer requestRetry, ScopedErrors scopedErrors, String label) {
        this(authIndex, kind, provider, baseUrl, apiKey, headers, proxyUrl, priority, weight, disableCooling,
                requestRetry, scopedErrors, label, Origin.apiKey(apiKey));
    }

    /** A short, non-secret form of the key for usage records and messages. */
    public String maskedKey() {
        return mask(apiKey);
    }

    /** A short, non-secret form of a key. */
    public static String mask(String k) {
        return k.length() <= 8 ? "****" : k.substring(0, 4) + "..." + k.substring(k.length() - 4);
    }

    /** The same credential with other scoped error rules. */
    public Credential withScopedErrors(ScopedErrors rules) {
        return new Credential(authIndex, kind, provider, baseUrl, apiKey, headers, proxyUrl, priority, weight,
                disableCooling, requestRetry, rules, label, origin);
    }

    @Override
    public String toString() {
        return "Credential[" + authIndex + " " + label + "]";
    }
}
