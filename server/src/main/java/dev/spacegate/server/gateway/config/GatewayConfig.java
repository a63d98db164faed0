package dev.spacegate.server.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.spacegate.server.providers.ProviderKind;
import dev.spacegate.server.gateway.pool.ScopedErrors;
import dev.spacegate.server.gateway.pool.Strategy;
import dev.spacegate.server.gateway.translate.base.ThinkingCapability;
import dev.spacegate.server.outbound.ProxySpec;

/**
 * The gateway's part of the server config document, read once with CLIProxyAPI's key names and validated.
 *
 * @param apiKeys                  client keys ({@code api-keys}); empty means every request is admitted
 * @param providers                upstream entries of all four API-key sections, in file order
 * @param strategy                 {@code routing.strategy}
 * @param requestRetry             {@code request-retry}: extra rounds over the credentials
 * @param maxRetryCredentials      {@code max-retry-credentials}: credentials per round, 0 = all
 * @param maxRetryInterval         {@code max-retry-interval}: longest wait for a cooling credential before a new round
 * @param disableCooling           {@code disable-cooling}
 * @param transientCooldown        {@code transient-error-cooldown-seconds} (0 -> 60 s, negative -> none)
 * @param keepAlive                {@code streaming.keepalive-seconds} (Spacegate default 15 s; 0 disables)
 * @param proxyUrl                 {@code proxy-url}, global upstream proxy, or null
 * @param forceModelPrefix         {@code force-model-prefix}
 * @param usageQueueEnabled        {@code usage-statistics-enabled}: publish records to the usage queue
 * @param usageQueueRetention      {@code redis-usage-queue-retention-seconds} (60 s default, at most 3600 s)
 * @param maxBodyBytes             {@code request-body-limit-mb} (Spacegate): largest accepted request body
 * @param corsOrigins              {@code cors-allowed-origins} (Spacegate): {@code ["*"]} by default
 * @param upstreamReadTimeout      {@code upstream-read-timeout-seconds} (Spacegate): idle read limit on upstream sockets
 * @param sessionAffinity          {@code routing.session-affinity}
 * @param sessionAffinityTtl       {@code routing.session-affinity-ttl} (Go duration, default 1h)
 * @param nonStreamKeepAlive       {@code nonstream-keepalive-interval}: blank lines while a non-stream answer is
 *                                 awaited (0 = off, the default)
 * @param oauthScopedErrors        {@code oauth-request-scoped-errors}: request-scoped-errors rules per OAuth channel
 *                                 ({@code codex}, {@code claude}, ...) for auth files without their own
 * @param payload                  {@code payload}: parameters set or removed in the upstream body
 * @param passthroughHeaders       {@code passthrough-headers}: upstream response headers go on to the client
 * @param channelModels            {@code oauth-excluded-models} and {@code oauth-model-alias}, per OAuth channel
 *
 * <p>Over 400 lines: it parses and validates every gateway key of the config document, reporting all problems at
 * once.
 */
public record GatewayConfig(
        List<String> apiKeys,
        List<Provider> providers,
        Strategy strategy,
        int requestRetry,
        int maxRetryCredentials,
        Duration maxRetryInterval,
        boolean disableCooling,
        Duration transientCooldown,
        Duration keepAlive,
        String proxyUrl,
        boolean forceModelPrefix,
        boolean usageQueueEnabled,
        Duration usageQueueRetention,
        long maxBodyBytes,
        List<String> corsOrigins,
        Duration upstreamReadTimeout,
        boolean sessionAffinity,
        Duration sessionAffinityTtl,
        Duration nonStreamKeepAlive,
        Map<String, ScopedErrors> oauthScopedErrors,
        PayloadRules payload,
        boolean passthroughHeaders,
        ChannelModels channelModels) {

    /** One entry of a provider section (one base URL with one or more keys). */
    public record Provider(
            ProviderKind kind,
            String label,
            String name,
            String baseUrl,
            List<Key> keys,
            List<Model> models,
            List<String> excludedModels,
            String prefix,
            Map<String, String> headers,
            String proxyUrl,
            int priority,
            Boolean disableCooling,
            Integer requestRetry,
            ScopedErrors scopedErrors) {
    }

    /** One upstream key with its weight and optional own proxy. */
    public record Key(String apiKey, int weight, String proxyUrl) {
    }

    /**
     * One model mapping: {@code name} upstream, {@code alias} as clients see it (alias may equal name);
     * {@code forceMapping} rewrites the upstream's model name in answers back to the alias; {@code thinking} is
     * the model's reasoning capability from its {@code thinking} block (null = unknown, requests are not clamped).
     */
    public record Model(String name, String alias, boolean forceMapping, ThinkingCapability thinking) {
        public Model(String name, String alias, boolean forceMapping) {
            this(name, alias, forceMapping, null);
        }
    }

    /** The config has errors; each message names the offending entry. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        private final List<String> problems;

        public InvalidConfigException(List<String> problems) {
            super("invalid gateway config: " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** An empty config: no keys, no providers, defaults everywhere. */
    public static GatewayConfig empty() {
        return from(null);
    }

    /** Reads and validates the gateway keys of the config document (a YAML tree with CLIProxyAPI's names). */
    public static GatewayConfig from(JsonNode root) {
        List<String> problems = new ArrayList<>();
        JsonNode r = root == null || root.isMissingNode() || root.isNull()
                ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : root;

        List<String> keys = clientKeys(r, problems);
        List<Provider> providers = providers(r, problems);
        String strategyText = r.path("routing").path("strategy").asText("");
        Strategy strategy = Strategy.parse(strategyText);
        if (strategy == null) {
            problems.add("routing.strategy: unknown strategy '" + strategyText
                    + "' (round-robin, weighted-round-robin or fill-first)");
            strategy = Strategy.ROUND_ROBIN;
        }
        int requestRetry = Math.max(0, intAt(r, "request-retry", 0, problems));
        int maxRetryCredentials = Math.max(0, intAt(r, "max-retry-credentials", 0, problems));
        int maxRetryInterval = intAt(r, "max-retry-interval", 0, problems);
        int transientSeconds = intAt(r, "transient-error-cooldown-seconds", 0, problems);
        Duration transientCooldown = transientSeconds == 0 ? Duration.ofSeconds(60)
                : transientSeconds < 0 ? Duration.ZERO : Duration.ofSeconds(transientSeconds);
        int keepAlive = intAt(r.path("streaming"), "keepalive-seconds", 15, problems);
        String proxy = proxyUrl(r.path("proxy-url"), "proxy-url", problems);
        int retention = intAt(r, "redis-usage-queue-retention-seconds", 60, problems);
        retention = retention <= 0 ? 60 : Math.min(retention, 3600);
        int bodyMb = positiveIntAt(r, "request-body-limit-mb", 32, problems);
        List<String> origins = corsOrigins(r);
        int readTimeout = positiveIntAt(r, "upstream-read-timeout-seconds", 600, problems);

        int nonStreamKeepAlive = intAt(r, "nonstream-keepalive-interval", 0, problems);
        Duration affinityTtl = affinityTtl(r, problems);
        Map<String, ScopedErrors> oauthScoped = new LinkedHashMap<>();
        r.path("oauth-request-scoped-errors").properties().forEach(ch -> oauthScoped.put(
                ch.getKey().trim().toLowerCase(Locale.ROOT),
                ScopedErrors.parse(ch.getValue(), "oauth-request-scoped-errors." + ch.getKey(), problems)));

        PayloadRules payload = PayloadRules.parse(r.path("payload"), problems);
        ChannelModels channelModels = ChannelModels.parse(r, problems);

        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new GatewayConfig(keys, providers, strategy, requestRetry,
                maxRetryCredentials, Duration.ofSeconds(Math.max(0, maxRetryInterval)),
                r.path("disable-cooling").asBoolean(false), transientCooldown,
                Duration.ofSeconds(Math.max(0, keepAlive)), proxy, r.path("force-model-prefix").asBoolean(false),
                r.path("usage-statistics-enabled").asBoolean(false), Duration.ofSeconds(retention),
                bodyMb * 1024L * 1024L, List.copyOf(origins), Duration.ofSeconds(readTimeout),
                r.path("routing").path("session-affinity").asBoolean(false), affinityTtl,
                Duration.ofSeconds(Math.max(0, nonStreamKeepAlive)), Map.copyOf(oauthScoped), payload,
                r.path("passthrough-headers").asBoolean(false), channelModels);
    }

    /** {@code api-keys}: the client keys, trimmed, without duplicates. */
    private static List<String> clientKeys(JsonNode r, List<String> problems) {
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        JsonNode ak = r.path("api-keys");
        if (ak.isArray()) {
            for (int i = 0; i < ak.size(); i++) {
                String k = ak.get(i).asText("").trim();
                if (k.isEmpty()) {
                    problems.add("api-keys[" + i + "]: empty key");
                } else {
                    keys.add(k);
                }
            }
        } else if (!ak.isMissingNode() && !ak.isNull()) {
            problems.add("api-keys: must be a list of strings");
        }
        return List.copyOf(keys);
    }

    /** The upstream entries of the API-key sections, in the catalogue's order and file order. */
    private static List<Provider> providers(JsonNode r, List<String> problems) {
        List<Provider> providers = new ArrayList<>();
        for (ProviderKind kind : ProviderKind.values()) {
            JsonNode section = r.path(kind.section());
            if (section.isMissingNode() || section.isNull()) {
                continue;
            }
            if (!section.isArray()) {
                problems.add(kind.section() + ": must be a list");
                continue;
            }
            for (int i = 0; i < section.size(); i++) {
                Provider p = provider(kind, i, section.get(i), problems);
                if (p != null) {
                    providers.add(p);
                }
            }
        }
        return List.copyOf(providers);
    }

    /** {@code cors-allowed-origins}: a list or one string; none means every origin. */
    private static List<String> corsOrigins(JsonNode r) {
        List<String> origins = new ArrayList<>();
        JsonNode co = r.path("cors-allowed-origins");
        if (co.isArray()) {
            co.forEach(o -> origins.add(o.asText()));
        } else if (co.isTextual()) {
            origins.add(co.asText());
        }
        if (origins.isEmpty()) {
            origins.add("*");
        }
        return List.copyOf(origins);
    }

    /** {@code routing.session-affinity-ttl}, a Go duration; one hour when unset. */
    private static Duration affinityTtl(JsonNode r, List<String> problems) {
        String ttlText = r.path("routing").path("session-affinity-ttl").asText("");
        if (ttlText.isBlank()) {
            return Duration.ofHours(1);
        }
        Duration ttl = goDuration(ttlText.trim());
        if (ttl == null || ttl.isZero()) {
            problems.add("routing.session-affinity-ttl: not a duration like 30m or 1h");
            return Duration.ofHours(1);
        }
        return ttl;
    }

    /** A whole number that must be positive; the default (and a problem) otherwise. */
    private static int positiveIntAt(JsonNode r, String key, int def, List<String> problems) {
        int v = intAt(r, key, def, problems);
        if (v <= 0) {
            problems.add(key + ": must be positive");
            return def;
        }
        return v;
    }

    private static Provider provider(ProviderKind kind, int index, JsonNode e, List<String> problems) {
        String name = e.path("name").asText("");
        String label = kind.section() + "[" + index + "]" + (name.isEmpty() ? "" : " (name \"" + name + "\")");
        if (!e.isObject()) {
            problems.add(label + ": must be a mapping");
            return null;
        }
        int before = problems.size();
        if (e.path("disabled").asBoolean(false)) {
            return null;
        }
        String baseUrl = e.path("base-url").asText("").trim();
        if (baseUrl.isEmpty()) {
            baseUrl = kind.defaultBaseUrl() == null ? "" : kind.defaultBaseUrl();
        }
        if (baseUrl.isEmpty()) {
            problems.add(label + ": base-url is required");
        } else {
            checkHttpUrl(baseUrl, label + ": base-url", problems);
            while (baseUrl.endsWith("/")) {
                baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
            }
        }
        if (kind == ProviderKind.OPENAI_COMPATIBILITY && name.isEmpty()) {
            problems.add(label + ": name is required");
        }
        String proxy = proxyUrl(e.path("proxy-url"), label + ": proxy-url", problems);
        List<Key> keys = keys(kind, e, label, problems);
        List<Model> models = models(kind, e, label, problems);
        List<String> excluded = new ArrayList<>();
        e.path("excluded-models").forEach(x -> excluded.add(x.asText().trim().toLowerCase(Locale.ROOT)));

        String prefix = e.path("prefix").asText("").trim();
        if (prefix.contains("/")) {
            problems.add(label + ": prefix must be a single path segment");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        e.path("headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        int priority = intAt(e, "priority", 0, problems, label);
        Boolean disableCooling = e.has("disable-cooling") ? e.path("disable-cooling").asBoolean() : null;
        Integer retry = e.has("request-retry") && e.path("request-retry").asInt(-1) >= 0
                ? e.path("request-retry").asInt() : null;
        ScopedErrors scoped = ScopedErrors.parse(e.path("request-scoped-errors"), label, problems);
        if (problems.size() > before) {
            return null;
        }
        return new Provider(kind, label, name, baseUrl, keys, models, List.copyOf(excluded),
                prefix, Map.copyOf(headers), proxy, priority, disableCooling, retry, scoped);
    }

    /** An entry's keys: {@code api-key}, or openai-compatibility's {@code api-key-entries} (each with a proxy). */
    private static List<Key> keys(ProviderKind kind, JsonNode e, String label, List<String> problems) {
        List<Key> keys = new ArrayList<>();
        if (kind == ProviderKind.OPENAI_COMPATIBILITY) {
            JsonNode entries = e.path("api-key-entries");
            for (int i = 0; i < entries.size(); i++) {
                JsonNode k = entries.get(i);
                String key = k.path("api-key").asText("").trim();
                if (key.isEmpty()) {
                    problems.add(label + ": api-key-entries[" + i + "]: api-key is empty");
                    continue;
                }
                keys.add(new Key(key, weight(k, label + ": api-key-entries[" + i + "]", problems),
                        proxyUrl(k.path("proxy-url"), label + ": api-key-entries[" + i + "]: proxy-url", problems)));
            }
            if (keys.isEmpty() && !e.path("api-key").asText("").isBlank()) {
                keys.add(new Key(e.path("api-key").asText().trim(), weight(e, label, problems), null));
            }
        } else {
            String key = e.path("api-key").asText("").trim();
            if (key.isEmpty()) {
                problems.add(label + ": api-key is required");
            } else {
                keys.add(new Key(key, weight(e, label, problems), null));
            }
        }
        if (kind == ProviderKind.OPENAI_COMPATIBILITY && keys.isEmpty()) {
            problems.add(label + ": at least one api-key-entries item is required");
        }
        return List.copyOf(keys);
    }

    /** An entry's {@code models}: a name or {@code {name, alias, force-mapping, thinking}}. */
    private static List<Model> models(ProviderKind kind, JsonNode e, String label, List<String> problems) {
        List<Model> models = new ArrayList<>();
        JsonNode ms = e.path("models");
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            String mName = m.isTextual() ? m.asText() : m.path("name").asText("").trim();
            String alias = m.isTextual() ? "" : m.path("alias").asText("").trim();
            if (mName.isEmpty()) {
                problems.add(label + ": models[" + i + "]: name is required");
                continue;
            }
            models.add(new Model(mName, alias.isEmpty() ? mName : alias, m.path("force-mapping").asBoolean(false),
                    thinking(m.path("thinking"))));
        }
        if (kind == ProviderKind.OPENAI_COMPATIBILITY && models.isEmpty()) {
            problems.add(label + ": models is required (openai-compatibility serves only listed models)");
        }
        return List.copyOf(models);
    }

    /** Parses a Go duration ({@code 90s}, {@code 30m}, {@code 1h30m}); null when malformed. */
    static Duration goDuration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|h|m|s)").matcher(text);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            end = m.end();
        }
        return end == text.length() && end > 0 ? d : null;
    }

    private static int weight(JsonNode e, String label, List<String> problems) {
        if (!e.has("weight")) {
            return 1;
        }
        JsonNode w = e.path("weight");
        if (!w.canConvertToInt() || w.asInt() < 0 || w.asInt() > 1_000_000) {
            problems.add(label + ": weight must be an integer between 0 and 1000000");
            return 1;
        }
        return w.asInt();
    }

    private static String proxyUrl(JsonNode n, String label, List<String> problems) {
        String v = n.asText("").trim();
        if (v.isEmpty() || v.equalsIgnoreCase("direct") || v.equalsIgnoreCase("none")) {
            return v.isEmpty() ? null : "direct";
        }
        try {
            ProxySpec.parse(v);
        } catch (IllegalArgumentException ex) {
            problems.add(label + ": " + ex.getMessage());
        }
        return v;
    }

    private static void checkHttpUrl(String v, String label, List<String> problems) {
        try {
            URI u = URI.create(v);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                    || u.getHost() == null) {
                problems.add(label + ": must be an http(s) URL");
            }
        } catch (IllegalArgumentException ex) {
            problems.add(label + ": not a URL");
        }
    }

    private static int intAt(JsonNode n, String key, int dflt, List<String> problems) {
        return intAt(n, key, dflt, problems, null);
    }

    private static int intAt(JsonNode n, String key, int dflt, List<String> problems, String label) {
        JsonNode v = n.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (v.canConvertToInt() || (v.isTextual() && v.asText().matches("-?\\d{1,9}"))) {
            return v.asInt();
        }
        problems.add((label == null ? "" : label + ": ") + key + ": must be an integer");
        return dflt;
    }

    /** A model entry's {@code thinking: {levels, min, max, zero-allowed, dynamic-allowed}}; null when absent. */
    static ThinkingCapability thinking(JsonNode t) {
        if (!t.isObject()) {
            return null;
        }
        boolean zero = t.path("zero-allowed").asBoolean(false);
        List<String> levels = new ArrayList<>();
        t.path("levels").forEach(l -> levels.add(l.asText().trim().toLowerCase(Locale.ROOT)));
        if (!levels.isEmpty()) {
            return ThinkingCapability.levels(levels, zero);
        }
        int max = t.path("max").asInt(0);
        if (max <= 0 && !t.has("min")) {
            return ThinkingCapability.NONE;
        }
        return ThinkingCapability.budget(t.path("min").asInt(0), max, zero, t.path("dynamic-allowed").asBoolean(false));
    }
}
