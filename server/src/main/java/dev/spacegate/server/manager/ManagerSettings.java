package dev.spacegate.server.manager;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.spacegate.server.config.EnvKeys;

/**
 * The manager's start-up settings, read once from the environment.
 *
 * @param managementPassword  {@code MANAGEMENT_PASSWORD}: the management key (else one is generated at first start)
 * @param queryLimit          {@code USAGE_QUERY_LIMIT}: events in {@code /v0/management/usage} and the export
 * @param gatewayUpstream     {@code GATEWAY_UPSTREAM}: an external CLIProxyAPI whose usage queue is collected
 * @param upstreamKey         {@code CPA_MANAGEMENT_KEY}: that CLIProxyAPI's management key
 * @param batchSize           {@code USAGE_BATCH_SIZE}: records pulled per usage-queue request
 * @param pollInterval        {@code USAGE_POLL_INTERVAL_MS}: wait after an empty pull
 * @param backoffStart        {@code USAGE_BACKOFF_START_MS}: first wait after a failed pull (doubles up to the cap)
 * @param backoffMax          {@code USAGE_BACKOFF_MAX_MS}: longest wait after failed pulls
 * @param modelsDevUrl        {@code PRICE_SYNC_MODELS_DEV_URL}
 * @param litellmUrl          {@code PRICE_SYNC_LITELLM_URL}
 * @param openRouterUrl       {@code PRICE_SYNC_OPENROUTER_URL}
 * @param syncTimeout         {@code PRICE_SYNC_TIMEOUT_SECONDS}: per price source
 * @param previousPassword    {@code MANAGEMENT_PASSWORD_PREVIOUS}: the key a rotation replaced, with its window
 */
public record ManagerSettings(Optional<String> managementPassword, int queryLimit, Optional<URI> gatewayUpstream,
                              Optional<String> upstreamKey, int batchSize, Duration pollInterval,
                              Duration backoffStart, Duration backoffMax, URI modelsDevUrl, URI litellmUrl,
                              URI openRouterUrl, Duration syncTimeout, EnvKeys previousPassword) {

    /** Largest {@code /v0/management/usage} answer, whatever {@code USAGE_QUERY_LIMIT} says (as CPA-Manager-Plus). */
    public static final int USAGE_VIEW_CAP = 50_000;

    /** Reads the settings; unusable numbers fall back to the defaults. */
    public static ManagerSettings fromEnv(Map<String, String> env) {
        return new ManagerSettings(
                value(env, "MANAGEMENT_PASSWORD"),
                positive(env, "USAGE_QUERY_LIMIT", 50_000),
                value(env, "GATEWAY_UPSTREAM").map(URI::create),
                value(env, "CPA_MANAGEMENT_KEY"),
                positive(env, "USAGE_BATCH_SIZE", 100),
                Duration.ofMillis(positive(env, "USAGE_POLL_INTERVAL_MS", 500)),
                Duration.ofMillis(positive(env, "USAGE_BACKOFF_START_MS", 1000)),
                Duration.ofMillis(positive(env, "USAGE_BACKOFF_MAX_MS", 30_000)),
                URI.create(value(env, "PRICE_SYNC_MODELS_DEV_URL").orElse("https://models.dev/catalog.json")),
                URI.create(value(env, "PRICE_SYNC_LITELLM_URL").orElse("https://raw.githubusercontent.com/BerriAI/"
                        + "litellm/main/model_prices_and_context_window.json")),
                URI.create(value(env, "PRICE_SYNC_OPENROUTER_URL").orElse("https://openrouter.ai/api/v1/models")),
                Duration.ofSeconds(positive(env, "PRICE_SYNC_TIMEOUT_SECONDS", 10)),
                EnvKeys.fromEnv(env, "MANAGEMENT_PASSWORD", false));
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private static int positive(Map<String, String> env, String name, int fallback) {
        try {
            int n = Integer.parseInt(value(env, name).orElse(""));
            return n > 0 ? n : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
