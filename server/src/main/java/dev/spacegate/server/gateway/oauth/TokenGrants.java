package dev.spacegate.server.gateway.oauth;

import dev.spacegate.server.providers.OAuthProvider;

import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The provider's refresh-token grant, and how a token response (refresh or login) fills an auth file. */
record TokenGrants(TokenClient http, AuthFileRegistry registry) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Asks the provider's token endpoint for new tokens with the file's refresh token. */
    TokenClient.Result refresh(OAuthProvider p, AuthFile f) {
        if (p == OAuthProvider.VERTEX) {
            // service-account tokens are minted, never refreshed
            return new TokenClient.Result(400, JSON.createObjectNode().put("error", "unsupported"));
        }
        String url = registry.endpoints().of(p).tokenUrl();
        if (p == OAuthProvider.XAI && url == null) {
            url = f.text("token_endpoint");
        }
        if (url == null) {
            return new TokenClient.Result(0, JSON.createObjectNode());
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", p.clientId());
        if (p == OAuthProvider.ANTIGRAVITY) {
            form.put("client_secret", p.clientSecret());
        }
        form.put("refresh_token", f.refreshToken());
        if (p == OAuthProvider.CODEX) {
            form.put("scope", "openid profile email");
        }
        // Claude's token endpoint takes JSON, the others a form
        return p == OAuthProvider.CLAUDE ? http.json(url, form, f.proxyUrl()) : http.form(url, form, f.proxyUrl());
    }

    /** A copy of {@code f} with the tokens of a token response and fresh expiry / refresh times; null if unusable. */
    static AuthFile withTokens(AuthFile f, OAuthProvider p, JsonNode t, Instant now) {
        long expiresIn = t.path("expires_in").asLong(3600);
        try {
            return f.with(o -> fillTokens(o, p, t, now, expiresIn));
        } catch (AuthFile.InvalidAuthFileException e) {
            return null;
        }
    }

    /** Writes the tokens of a token response into an auth file's JSON, in the provider's CLIProxyAPI layout. */
    static void fillTokens(ObjectNode o, OAuthProvider p, JsonNode t, Instant now, long expiresIn) {
        o.put("access_token", t.path("access_token").asText());
        if (t.path("refresh_token").isTextual() && !t.path("refresh_token").asText().isBlank()) {
            o.put("refresh_token", t.path("refresh_token").asText());
        }
        if (t.path("id_token").isTextual()) {
            o.put("id_token", t.path("id_token").asText());
        }
        o.put("expired", now.plusSeconds(expiresIn).toString());
        switch (p) {
            case ANTIGRAVITY, XAI -> {
                o.put("expires_in", expiresIn);
                o.put("timestamp", now.toEpochMilli());
            }
            case KIMI -> o.put("timestamp", now.toEpochMilli());
            default -> {
            }
        }
        if (p != OAuthProvider.ANTIGRAVITY && p != OAuthProvider.KIMI) {
            o.put("last_refresh", now.toString());
        }
        for (String k : List.of("expire", "expires_at", "expiresAt", "expiry", "expires")) {
            o.remove(k);
        }
        o.remove("disabled_reason");
    }

    /** The claims of a JWT's payload (not verified: the token came straight from the provider over TLS). */
    static JsonNode jwtClaims(String jwt) {
        if (jwt == null) {
            return JSON.createObjectNode();
        }
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            return JSON.createObjectNode();
        }
    }
}
