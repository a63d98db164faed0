package dev.spacegate.server.gateway.models;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.spacegate.server.gateway.config.GatewayConfig;
import dev.spacegate.server.providers.ProviderKind;
import dev.spacegate.server.gateway.pool.Candidate;
import dev.spacegate.server.gateway.pool.Credential;
import dev.spacegate.server.gateway.pool.ScopedErrors;

/**
 * Which credentials serve which client-visible model names, built from the provider sections.
 *
 * <p>An entry's {@code models} register {@code alias -> name}; with a {@code prefix} the model is also
 * reachable as {@code prefix/alias} (and only that way under {@code force-model-prefix}). Claude, Gemini
 * and Codex entries without models accept any model name that is not excluded.
 */
public final class ModelRegistry {

    /** One listed model: the client-visible id and who serves it. */
    public record ModelInfo(String id, String ownedBy, ProviderKind kind) {
    }

    private record Wildcard(Credential credential, String prefix, List<String> excluded, Predicate<String> accepts) {
        Wildcard(Credential credential, String prefix, List<String> excluded) {
            this(credential, prefix, excluded, m -> true);
        }
    }

    /**
     * A credential from an auth file and the models it serves: its provider's {@code catalog} (listed), any
     * model name {@code accepts} admits, and its own {@code model_aliases}.
     */
    public record AuthFileEntry(Credential credential, String prefix, List<String> excluded,
                               List<GatewayConfig.Model> aliases, Predicate<String> accepts, List<String> catalog) {
    }

    private final List<Credential> credentials;
    private final Map<String, List<Candidate>> byId;
    private final List<Wildcard> wildcards;
    private final List<ModelInfo> listed;
    private final boolean forcePrefix;

    private ModelRegistry(List<Credential> credentials, Map<String, List<Candidate>> byId, List<Wildcard> wildcards,
                          List<ModelInfo> listed, boolean forcePrefix) {
        this.credentials = credentials;
        this.byId = byId;
        this.wildcards = wildcards;
        this.listed = listed;
        this.forcePrefix = forcePrefix;
    }

    /** Builds the registry and the credentials of a config. */
    public static ModelRegistry build(GatewayConfig cfg) {
        List<Credential> creds = new ArrayList<>();
        Map<String, List<Candidate>> byId = new LinkedHashMap<>();
        List<Wildcard> wild = new ArrayList<>();
        Map<String, ModelInfo> listed = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (GatewayConfig.Provider p : cfg.providers()) {
            String provider = p.kind().provider() != null ? p.kind().provider() : p.name();
            for (GatewayConfig.Key k : p.keys()) {
                String index = authIndex(p.kind().section() + ":" + p.baseUrl() + "+" + k.apiKey());
                while (!seen.add(index)) {
                    index = authIndex(index + ":" + p.label());
                }
                Credential c = new Credential(index, p.kind(), provider, p.baseUrl(), k.apiKey(), p.headers(),
                        k.proxyUrl() != null ? k.proxyUrl() : p.proxyUrl(), p.priority(), k.weight(),
                        p.disableCooling(), p.requestRetry(), p.scopedErrors(), p.label());
                creds.add(c);
                if (p.models().isEmpty()) {
                    if (p.kind().acceptsAnyModelWhenUnlisted()) {
                        wild.add(new Wildcard(c, p.prefix(), p.excludedModels()));
                    }
                    continue;
                }
                for (GatewayConfig.Model m : p.models()) {
                    if (excluded(p.excludedModels(), m.alias()) || excluded(p.excludedModels(), m.name())) {
                        continue;
                    }
                    for (String id : listedAs(m.alias(), p.prefix(), cfg.forceModelPrefix())) {
                        byId.computeIfAbsent(id, x -> new ArrayList<>()).add(new Candidate(c, m.name(),
                                m.forceMapping() && !m.name().equals(id), m.thinking()));
                        listed.putIfAbsent(id, new ModelInfo(id, provider, p.kind()));
                    }
                }
            }
        }
        byId.replaceAll((k, v) -> List.copyOf(v));
        return new ModelRegistry(List.copyOf(creds), Map.copyOf(byId), List.copyOf(wild),
                List.copyOf(listed.values()), cfg.forceModelPrefix());
    }

    /** The ids a model is listed under: {@code prefix/alias} when there is a prefix, and the bare alias unless forced. */
    private static List<String> listedAs(String alias, String prefix, boolean forcePrefix) {
        List<String> ids = new ArrayList<>();
        if (!prefix.isEmpty()) {
            ids.add(prefix + "/" + alias);
        }
        if (prefix.isEmpty() || !forcePrefix) {
            ids.add(alias);
        }
        return ids;
    }

    /** An auth file without its own request_scoped_errors takes its channel's oauth-request-scoped-errors. */
    private static Credential withChannelRules(Credential c, GatewayConfig cfg) {
        ScopedErrors channel = cfg.oauthScopedErrors().get(c.provider().toLowerCase(Locale.ROOT));
        if (channel == null || !c.scopedErrors().rules().isEmpty()) {
            return c;
        }
        return c.withScopedErrors(channel);
    }

    /** The registry of a config plus the credentials of auth files (disabled files are left out by the caller). */
    public static ModelRegistry build(GatewayConfig cfg, List<AuthFileEntry> authFiles) {
        ModelRegistry base = build(cfg);
        if (authFiles.isEmpty()) {
            return base;
        }
        List<Credential> creds = new ArrayList<>(base.credentials);
        Map<String, List<Candidate>> byId = new LinkedHashMap<>();
        base.byId.forEach((k, v) -> byId.put(k, new ArrayList<>(v)));
        List<Wildcard> wild = new ArrayList<>(base.wildcards);
        Map<String, ModelInfo> listed = new LinkedHashMap<>();
        base.listed.forEach(m -> listed.put(m.id(), m));
        for (AuthFileEntry own : authFiles) {
            AuthFileEntry a = ChannelMaps.apply(cfg.channelModels(), own);
            Credential c = withChannelRules(a.credential(), cfg);
            creds.add(c);
            wild.add(new Wildcard(c, a.prefix(), a.excluded(), a.accepts()));
            List<GatewayConfig.Model> served = new ArrayList<>(a.aliases());
            for (String id : a.catalog()) {
                served.add(new GatewayConfig.Model(id, id, false));
            }
            for (GatewayConfig.Model m : served) {
                if (excluded(a.excluded(), m.alias()) || excluded(a.excluded(), m.name())) {
                    continue;
                }
                for (String id : listedAs(m.alias(), a.prefix(), cfg.forceModelPrefix())) {
                    if (!m.name().equals(m.alias())) {
                        byId.computeIfAbsent(id, x -> new ArrayList<>()).add(new Candidate(c, m.name(),
                                m.forceMapping()));
                    }
                    listed.putIfAbsent(id, new ModelInfo(id, c.provider(), c.kind()));
                }
            }
        }
        byId.replaceAll((k, v) -> List.copyOf(v));
        return new ModelRegistry(List.copyOf(creds), Map.copyOf(byId), List.copyOf(wild),
                List.copyOf(listed.values()), cfg.forceModelPrefix());
    }

    /** Every credential of the config. */
    public List<Credential> credentials() {
        return credentials;
    }

    /** The candidates for a client-visible model name (empty when nothing serves it). */
    public List<Candidate> resolve(String model) {
        List<Candidate> out = new ArrayList<>(byId.getOrDefault(model, List.of()));
        for (Wildcard w : wildcards) {
            String upstream = model;
            if (!w.prefix().isEmpty()) {
                if (model.startsWith(w.prefix() + "/")) {
                    upstream = model.substring(w.prefix().length() + 1);
                } else if (forcePrefix) {
                    continue;
                }
            } else if (model.contains("/") && byId.containsKey(model)) {
                continue;
            }
            if (!upstream.isEmpty() && !excluded(w.excluded(), upstream) && w.accepts().test(upstream)) {
                out.add(new Candidate(w.credential(), upstream));
            }
        }
        return out;
    }

    /** The listed models, in config order. */
    public List<ModelInfo> models() {
        return listed;
    }

    /** CLIProxyAPI's exclusion patterns: exact, {@code x*}, {@code *x}, {@code *x*}; case-insensitive. */
    public static boolean excluded(List<String> patterns, String model) {
        String m = model.toLowerCase(Locale.ROOT);
        for (String p : patterns) {
            boolean lead = p.startsWith("*");
            boolean trail = p.endsWith("*") && p.length() > 1;
            String core = p.substring(lead ? 1 : 0, p.length() - (trail ? 1 : 0));
            if ((lead && trail && m.contains(core)) || (lead && !trail && m.endsWith(core))
                    || (!lead && trail && m.startsWith(core)) || (!lead && !trail && m.equals(core))) {
                return true;
            }
        }
        return false;
    }

    /** First 16 hex chars of the seed's SHA-256, as CLIProxyAPI computes {@code auth_index}. */
    public static String authIndex(String seed) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
