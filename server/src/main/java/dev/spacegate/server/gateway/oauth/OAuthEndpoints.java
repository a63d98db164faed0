package dev.spacegate.server.gateway.oauth;

import dev.spacegate.server.providers.OAuthProvider;

import java.util.EnumMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The URLs of each OAuth provider's logins, tokens and API, defaults from {@link OAuthProvider} with overrides from the config
 * section {@code oauth-endpoints} (Spacegate's own key), e.g. to point tests or a corporate relay elsewhere:
 *
 * <pre>
 * oauth-endpoints:
 *   codex: { authorize-url: ..., token-url: ..., base-url: ..., redirect-uri: ... }
 * </pre>
 */
public final class OAuthEndpoints {
    /** The resolved URLs of one provider. */
    public record Urls(String authorizeUrl, String tokenUrl, String baseUrl, String redirectUri, String profileUrl) {
    }

    private final Map<OAuthProvider, Urls> urls = new EnumMap<>(OAuthProvider.class);

    private OAuthEndpoints() {
    }

    /** Defaults, overridden by {@code config.oauth-endpoints}; a missing config means all defaults. */
    public static OAuthEndpoints from(JsonNode config) {
        OAuthEndpoints e = new OAuthEndpoints();
        JsonNode section = config == null ? null : config.path("oauth-endpoints");
        for (OAuthProvider p : OAuthProvider.values()) {
            JsonNode o = section == null ? null : section.path(p.type());
            e.urls.put(p, new Urls(text(o, "authorize-url", p.authorizeUrl()), text(o, "token-url", p.tokenUrl()),
                    strip(text(o, "base-url", p.baseUrl())), text(o, "redirect-uri", p.redirectUri()),
                    text(o, "profile-url", defaultProfile(p))));
        }
        return e;
    }

    public Urls of(OAuthProvider p) {
        return urls.get(p);
    }

    /** Same URLs for every provider (a config change that leaves them alone needs no rebuild). */
    @Override
    public boolean equals(Object o) {
        return o instanceof OAuthEndpoints other && urls.equals(other.urls);
    }

    @Override
    public int hashCode() {
        return urls.hashCode();
    }

    private static String defaultProfile(OAuthProvider p) {
        return p == OAuthProvider.ANTIGRAVITY ? "https://www.googleapis.com/oauth2/v2/userinfo?alt=json" : null;
    }

    private static String text(JsonNode o, String key, String fallback) {
        if (o == null || !o.path(key).isTextual() || o.path(key).asText().isBlank()) {
            return fallback;
        }
        return o.path(key).asText().trim();
    }

    private static String strip(String url) {
        return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
