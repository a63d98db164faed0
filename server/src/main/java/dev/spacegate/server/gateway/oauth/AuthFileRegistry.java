package dev.spacegate.server.gateway.oauth;

import dev.spacegate.server.providers.OAuthProvider;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.spacegate.server.gateway.models.ModelRegistry;
import dev.spacegate.server.gateway.pool.Credential;

/**
 * Which auth files the server holds, by name and by {@code auth_index}, and the pool credentials of the usable
 * ones; tells the gateway when that set changes.
 */
public final class AuthFileRegistry {
    private volatile OAuthEndpoints endpoints;
    private volatile Path authDir;
    private final Clock clock;
    private final Map<String, AuthFileState> byName = new ConcurrentHashMap<>();
    private volatile Map<String, AuthFileState> byIndex = Map.of();
    private volatile Runnable onChange = () -> { };

    /** @param authDir the directory {@code auth_index} is computed against (CLIProxyAPI's {@code auth-dir}) */
    AuthFileRegistry(OAuthEndpoints endpoints, Path authDir, Clock clock) {
        this.endpoints = endpoints;
        this.authDir = authDir.toAbsolutePath().normalize();
        this.clock = clock;
    }

    /**
     * The provider URLs in use; the refresher, the Vertex token minting and the logins read them here on every use,
     * so a config change reaches all of them at once.
     */
    public OAuthEndpoints endpoints() {
        return endpoints;
    }

    /**
     * Uses other provider URLs from now on (the config's {@code oauth-endpoints} changed): the next login, token
     * refresh and upstream call go there; the gateway rebuilds its registry for the credentials' base URLs.
     */
    public void endpoints(OAuthEndpoints next) {
        this.endpoints = next;
        onChange.run();
    }

    /**
     * Computes {@code auth_index} against another folder from now on (the config's {@code auth-dir} changed), as a
     * restart with that value would: the auth files' credentials get new ids, so their cooldowns and session bindings
     * start over.
     */
    public void authDir(Path next) {
        this.authDir = next.toAbsolutePath().normalize();
        reindex();
    }

    /** Called after the set of usable credentials (or their settings) changed; the gateway rebuilds its registry. */
    public void onChange(Runnable r) {
        this.onChange = r;
    }

    /** Another replica had this file's refresh token rejected: stop using it until a new login replaces it. */
    public void adoptNeedsLogin(String name) {
        AuthFileState a = byName.get(name);
        if (a != null && !a.needsLogin) {
            a.setAside("the refresh token was rejected (invalid_grant, seen by another replica); log in again");
            reindex();
        }
    }

    /** The held state of {@code name}, added empty when the registry does not know it yet. */
    AuthFileState hold(String name) {
        return byName.computeIfAbsent(name, AuthFileState::new);
    }

    void remove(String name) {
        byName.remove(name);
    }

    /** Forgets every file not in {@code names}. */
    void retainOnly(Set<String> names) {
        byName.keySet().retainAll(names);
    }

    /** Rebuilds the {@code auth_index} lookup after a change and tells the gateway. */
    void reindex() {
        Map<String, AuthFileState> idx = new LinkedHashMap<>();
        for (AuthFileState a : byName.values()) {
            if (a.file != null) {
                idx.put(a.file.authIndex(authDir), a);
            }
        }
        byIndex = Map.copyOf(idx);
        onChange.run();
    }

    /** Every held auth file, sorted by name. */
    List<AuthFileState> all() {
        List<AuthFileState> all = new ArrayList<>(byName.values());
        all.sort((x, y) -> x.name.compareTo(y.name));
        return all;
    }

    Optional<AuthFileState> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The held file behind a credential's {@code auth_index}, or null when it is not an auth file. */
    AuthFileState byIndex(String authIndex) {
        AuthFileState a = byIndex.get(authIndex);
        return a == null || a.file == null ? null : a;
    }

    public Path authDir() {
        return authDir;
    }

    Clock clock() {
        return clock;
    }

    /** The credentials of enabled, usable auth files whose provider Spacegate calls. */
    public List<ModelRegistry.AuthFileEntry> entries() {
        List<ModelRegistry.AuthFileEntry> out = new ArrayList<>();
        for (AuthFileState a : all()) {
            AuthFile f = a.file;
            if (!a.usable()) {
                continue;
            }
            Optional<OAuthProvider> p = f.provider();
            if (p.isEmpty() || p.get().kind() == null) {
                continue;
            }
            OAuthProvider pr = p.get();
            String base = baseUrl(pr, f);
            Credential c = new Credential(f.authIndex(authDir), pr.kind(), pr.type(), base, f.label(), f.headers(),
                    f.proxyUrl(), f.priority(), f.weight(), f.disableCooling(), f.requestRetry(), f.scopedErrors(),
                    f.name(), Credential.Origin.authFile(usageSource(f), failed -> a.requests.count(clock.millis(), failed)));
            out.add(new ModelRegistry.AuthFileEntry(c, f.prefix(), f.excludedModels(), f.modelAliases(),
                    pr::accepts, pr.catalog()));
        }
        return out;
    }

    private String baseUrl(OAuthProvider p, AuthFile f) {
        String own = f.text("base_url");
        String configured = endpoints.of(p).baseUrl();
        if (p == OAuthProvider.VERTEX) {
            String location = Optional.ofNullable(f.text("location")).filter(s -> !s.isBlank()).orElse("us-central1");
            String host = !configured.equals(p.baseUrl()) || location.equals("global") ? configured
                    : "https://" + location + "-aiplatform.googleapis.com";
            return host + "/v1/projects/" + vertexProject(f) + "/locations/" + location + "/publishers/google";
        }
        if (own != null && !own.isBlank() && configured.equals(p.baseUrl())) {
            return own.endsWith("/") ? own.substring(0, own.length() - 1) : own;
        }
        return configured;
    }

    private static String vertexProject(AuthFile f) {
        String p = f.text("project_id");
        if (p == null || p.isBlank()) {
            p = f.json().path("service_account").path("project_id").asText("");
        }
        return p;
    }

    /**
     * The usage-record {@code source} of an auth-file credential (its email, else project id, else label), or empty
     * when {@code authIndex} is not an auth file.
     */
    public Optional<String> describe(String authIndex) {
        AuthFileState a = byIndex(authIndex);
        return a == null ? Optional.empty() : Optional.of(usageSource(a.file));
    }

    /** CLIProxyAPI's records name an auth file by its email (else its project, else its label). */
    private static String usageSource(AuthFile f) {
        String email = f.email();
        if (email != null && !email.isBlank()) {
            return email;
        }
        String project = f.text("project_id");
        return project != null && !project.isBlank() ? project : f.label();
    }
}
