package dev.spacegate.server.gateway.oauth;

import dev.spacegate.server.providers.OAuthProvider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** The access tokens of vertex auth files, minted from their service account and held in memory only. */
record VertexTokens(AuthFileRegistry registry, TokenClient http, Clock clock) {

    /**
     * The minted token of a vertex auth file, minting a new one when none is valid for 5 more minutes or when the
     * upstream rejected {@code rejected}; null when no token can be had.
     */
    String token(AuthFileState a, String rejected) {
        synchronized (a) {
            ServiceAccountToken.Minted m = a.minted;
            Instant now = clock.instant();
            if (m != null && !m.token().equals(rejected) && m.expires().isAfter(now.plus(Duration.ofMinutes(5)))) {
                return m.token();
            }
            if (m != null && rejected != null && !m.token().equals(rejected)) {
                return m.token();
            }
            OAuthEndpoints.Urls u = registry.endpoints().of(OAuthProvider.VERTEX);
            String override = u.tokenUrl().equals(OAuthProvider.VERTEX.tokenUrl()) ? null : u.tokenUrl();
            JsonNode sa = a.file.json().path("service_account");
            ServiceAccountToken.Minted fresh = ServiceAccountToken.mint(http, sa, override, a.file.proxyUrl(), now);
            if (fresh == null) {
                a.status = "error";
                a.statusMessage = "no access token could be minted from the service account";
                return null;
            }
            a.minted = fresh;
            a.markActive();
            return fresh.token();
        }
    }
}
