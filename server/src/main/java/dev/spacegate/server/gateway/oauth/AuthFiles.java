package dev.spacegate.server.gateway.oauth;

import java.nio.file.Path;
import java.time.Clock;

import dev.spacegate.persistence.auth.AuthStore;
import dev.spacegate.server.gateway.execute.UpstreamAuth;

/**
 * The auth files the server serves, as the parts that keep them: which exist ({@link AuthFileRegistry}), their
 * store ({@link AuthFileStore}), token refresh ({@link TokenRefresher}), live tokens on the request path
 * ({@link AuthFileTokens}) and logins ({@link LoginFlows}).
 */
public record AuthFiles(AuthFileRegistry registry, AuthFileStore store, TokenRefresher refresher,
                        UpstreamAuth tokens, LoginFlows logins) implements AutoCloseable {

    /**
     * Wires the parts over {@code store} (nothing is read yet: call {@code store().load()}).
     *
     * @param lock      exclusion of refreshes across replicas
     * @param endpoints provider URLs
     * @param authDir   the directory {@code auth_index} is computed against (CLIProxyAPI's {@code auth-dir})
     */
    public static AuthFiles open(AuthStore store, RefreshLock lock, OAuthEndpoints endpoints, Path authDir,
                                 Clock clock) {
        TokenClient http = new TokenClient();
        AuthFileRegistry registry = new AuthFileRegistry(endpoints, authDir, clock);
        AuthFileStore files = new AuthFileStore(store, registry);
        // the registry holds the provider URLs in use (oauth-endpoints applies live); the others read them there
        TokenRefresher refresher = new TokenRefresher(registry, files, lock, new TokenGrants(http, registry));
        UpstreamAuth tokens = new AuthFileTokens(registry, refresher, new VertexTokens(registry, http, clock));
        return new AuthFiles(registry, files, refresher, tokens, new LoginFlows(files, registry, http, clock));
    }

    /** Stops the refresh timer. */
    @Override
    public void close() {
        refresher.close();
    }
}
