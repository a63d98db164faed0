package dev.spacegate.server.gateway.oauth;

import dev.spacegate.server.providers.OAuthProvider;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.spacegate.server.gateway.execute.UpstreamAuth;
import dev.spacegate.server.gateway.pool.Credential;

/**
 * Auth-file credentials on the request path: their live token and provider headers, the Vertex URL layout, and a
 * refresh when the token expired or the upstream answered 401.
 */
record AuthFileTokens(AuthFileRegistry registry, TokenRefresher refresher, VertexTokens vertex)
        implements UpstreamAuth {
    private static final String CLAUDE_BETAS = "claude-code-20250219,oauth-2025-04-20";

    @Override
    public String apply(Credential c, Map<String, String> headers) {
        AuthFileState a = registry.byIndex(c.authIndex());
        if (a == null) {
            return null;
        }
        AuthFile f = a.file;
        if (f.provider().orElse(null) == OAuthProvider.VERTEX) {
            String token = vertex.token(a, null);
            if (token != null) {
                headers.remove("x-goog-api-key");
                headers.put("authorization", "Bearer " + token);
            }
            return token;
        }
        Optional<Instant> exp = f.expiry();
        if (exp.isPresent() && !exp.get().isAfter(registry.clock().instant())) {
            // already expired: refresh now rather than spend a request on a certain 401
            refresher.refresh(a, f.accessToken(), true);
            f = a.file;
        }
        String token = f.accessToken();
        if (token == null) {
            return null;
        }
        headers.remove("x-api-key");
        headers.put("authorization", "Bearer " + token);
        providerHeaders(f, headers);
        return token;
    }

    private static void providerHeaders(AuthFile f, Map<String, String> headers) {
        switch (f.provider().orElseThrow()) {
            case CODEX -> {
                String account = f.text("account_id");
                if (account != null && !account.isBlank()) {
                    headers.put("chatgpt-account-id", account);
                }
                headers.putIfAbsent("originator", "codex_cli_rs");
                if (!headers.containsKey("session_id") && !headers.containsKey("session-id")) {
                    headers.put("session_id", UUID.randomUUID().toString());
                }
            }
            case CLAUDE -> {
                Set<String> betas = new LinkedHashSet<>();
                for (String s : headers.getOrDefault("anthropic-beta", "").split(",")) {
                    if (!s.isBlank()) {
                        betas.add(s.trim());
                    }
                }
                betas.addAll(Arrays.asList(CLAUDE_BETAS.split(",")));
                headers.put("anthropic-beta", String.join(",", betas));
                headers.putIfAbsent("anthropic-version", "2023-06-01");
                headers.putIfAbsent("x-app", "cli");
            }
            default -> {
            }
        }
    }

    @Override
    public String upstreamUrl(Credential c, String url) {
        AuthFileState a = registry.byIndex(c.authIndex());
        String gemini = c.baseUrl() + "/v1beta/models/";
        if (a != null && a.file.provider().orElse(null) == OAuthProvider.VERTEX && url.startsWith(gemini)) {
            // Vertex AI: {base}/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:{action}
            return c.baseUrl() + "/models/" + url.substring(gemini.length());
        }
        return url;
    }

    @Override
    public Optional<String> refreshAfterUnauthorized(Credential c, String usedToken) {
        AuthFileState a = registry.byIndex(c.authIndex());
        if (a == null) {
            return Optional.empty();
        }
        if (a.file.provider().orElse(null) == OAuthProvider.VERTEX) {
            return Optional.ofNullable(vertex.token(a, usedToken));
        }
        if (!usedToken.equals(a.file.accessToken())) {
            return Optional.ofNullable(a.file.accessToken());
        }
        return refresher.refresh(a, usedToken, true) ? Optional.ofNullable(a.file.accessToken()) : Optional.empty();
    }
}
