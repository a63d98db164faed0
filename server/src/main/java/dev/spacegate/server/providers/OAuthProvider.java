package dev.spacegate.server.providers;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The auth file types, as data: OAuth constants (CLIProxyAPI's, so existing files and logins keep working), the
 * refresh lead time, the upstream the credential calls and the models it serves. Every URL here is a default that
 * the gateway's {@code OAuthEndpoints} can replace.
 */
public enum OAuthProvider {
    CODEX("codex", "codex", Flow.PKCE,
            "https://auth.openai.com/oauth/authorize", "https://auth.openai.com/oauth/token",
            "app_EMoamEEZ73f0CkXaXp7hrann", null, "http://localhost:1455/auth/callback",
            "openid email profile offline_access", Duration.ofDays(5),
            ProviderKind.CODEX_API_KEY, "https://chatgpt.com/backend-api/codex",
            "^(gpt-|codex-|o\\d).*", List.of("gpt-5", "gpt-5-codex", "gpt-5-codex-mini", "gpt-5.1", "gpt-5.1-codex",
            "gpt-5.1-codex-max", "gpt-5.1-codex-mini", "gpt-5.2", "gpt-5.2-codex")),
    CLAUDE("claude", "anthropic", Flow.PKCE,
            "https://claude.ai/oauth/authorize", "https://platform.claude.com/v1/oauth/token",
            "9d1c250a-e61b-44d9-88ed-5944d1962f5e", null, "http://localhost:54545/callback",
            "user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload",
            Duration.ofHours(4), ProviderKind.CLAUDE_API_KEY, "https://api.anthropic.com",
            "^claude-.*", List.of("claude-opus-4-5-20251101", "claude-sonnet-4-5-20250929",
            "claude-haiku-4-5-20251001", "claude-opus-4-1-20250805", "claude-sonnet-4-20250514")),
    ANTIGRAVITY("antigravity", "antigravity", Flow.PKCE,
            "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
            "1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com",
            "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", "http://localhost:51121/oauth-callback",
            "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email"
                    + " https://www.googleapis.com/auth/userinfo.profile https://www.googleapis.com/auth/cclog"
                    + " https://www.googleapis.com/auth/experimentsandconfigs",
            Duration.ofMinutes(5), null, "https://cloudcode-pa.googleapis.com", "^$", List.of()),
    KIMI("kimi", "kimi", Flow.DEVICE,
            "https://auth.kimi.com/api/oauth/device_authorization", "https://auth.kimi.com/api/oauth/token",
            "17e5f671-d194-4dfb-9706-5516cb48c098", null, null, "", Duration.ofMinutes(5),
            ProviderKind.OPENAI_COMPATIBILITY, "https://api.kimi.com/coding/v1", "^kimi-.*",
            List.of("kimi-k2", "kimi-k2-thinking", "kimi-for-coding")),
    XAI("xai", "xai", Flow.DEVICE,
            "https://auth.x.ai/.well-known/openid-configuration", null,
            "b1a00492-073a-47ea-816f-4c329264a828", null, null,
            "openid profile email offline_access grok-cli:access api:access", Duration.ofMinutes(5),
            ProviderKind.OPENAI_COMPATIBILITY, "https://cli-chat-proxy.grok.com/v1", "^grok-.*",
            List.of("grok-4", "grok-4-fast", "grok-code-fast-1")),
    VERTEX("vertex", "vertex", Flow.NONE, null, "https://oauth2.googleapis.com/token", null, null, null,
            "https://www.googleapis.com/auth/cloud-platform", Duration.ofMinutes(5), ProviderKind.GEMINI_API_KEY,
            "https://aiplatform.googleapis.com", "^gemini-.*", List.of("gemini-2.5-pro", "gemini-2.5-flash",
            "gemini-2.5-flash-lite"));

    /**
     * The paths a provider's browser login comes back to on this server ({@code google} is Gemini CLI's, kept
     * as CLIProxyAPI serves it).
     */
    public static final List<String> CALLBACK_PATHS = List.of("/codex/callback", "/anthropic/callback",
            "/google/callback", "/antigravity/callback");

    /** How an auth file of this type is logged in from the server. */
    public enum Flow {
        /** Authorization code with PKCE: the browser comes back to a callback (or the user pastes the URL). */
        PKCE,
        /** Device authorization: the user enters a code on the provider's page while the server polls. */
        DEVICE,
        /** No login from the server (service account files are uploaded). */
        NONE
    }

    private final String type;
    private final String loginName;
    private final Flow flow;
    private final String authorizeUrl;
    private final String tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private final String redirectUri;
    private final String scope;
    private final Duration lead;
    private final ProviderKind kind;
    private final String baseUrl;
    private final Pattern accepts;
    private final List<String> catalog;

    OAuthProvider(String type, String loginName, Flow flow, String authorizeUrl, String tokenUrl, String clientId,
                  String clientSecret, String redirectUri, String scope, Duration lead, ProviderKind kind,
                  String baseUrl, String accepts, List<String> catalog) {
        this.type = type;
        this.loginName = loginName;
        this.flow = flow;
        this.authorizeUrl = authorizeUrl;
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.redirectUri = redirectUri;
        this.scope = scope;
        this.lead = lead;
        this.kind = kind;
        this.baseUrl = baseUrl;
        this.accepts = Pattern.compile(accepts);
        this.catalog = catalog;
    }

    /** The {@code type} of its auth files. */
    public String type() {
        return type;
    }

    /** The name in {@code /v0/management/<name>-auth-url} and {@code /<name>/callback}. */
    public String loginName() {
        return loginName;
    }

    /** The management path that starts a login ({@code /v0/management/<name>-auth-url}); flows other than NONE. */
    public String loginPath() {
        return "/v0/management/" + loginName + "-auth-url";
    }

    /** The name people know the provider by, as the panel shows it. */
    public String label() {
        return switch (this) {
            case CODEX -> "Codex (ChatGPT)";
            case CLAUDE -> "Claude (Anthropic)";
            case ANTIGRAVITY -> "Antigravity (Google)";
            case KIMI -> "Kimi (Moonshot)";
            case XAI -> "xAI (Grok)";
            case VERTEX -> "Vertex AI (Google)";
        };
    }

    public Flow flow() {
        return flow;
    }

    /** Authorize URL (PKCE) or device-authorization URL (device; for xAI the OIDC discovery document). */
    public String authorizeUrl() {
        return authorizeUrl;
    }

    public String tokenUrl() {
        return tokenUrl;
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    /** The redirect URI registered for the client id (a localhost URL the provider only accepts as is). */
    public String redirectUri() {
        return redirectUri;
    }

    public String scope() {
        return scope;
    }

    /** Refresh this long before the access token expires. */
    public Duration lead() {
        return lead;
    }

    /** The upstream kind its requests use, or null when Spacegate stores and refreshes it but does not call it. */
    public ProviderKind kind() {
        return kind;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Whether a model name is one this provider serves (catalog ids and the provider's name pattern). */
    public boolean accepts(String model) {
        return catalog.contains(model) || accepts.matcher(model.toLowerCase(Locale.ROOT)).matches();
    }

    /** The models listed for an auth file of this type. */
    public List<String> catalog() {
        return catalog;
    }

    /** The provider of an auth file {@code type} (case-insensitive). */
    public static Optional<OAuthProvider> ofType(String type) {
        if (type == null) {
            return Optional.empty();
        }
        String t = type.trim().toLowerCase(Locale.ROOT);
        for (OAuthProvider p : values()) {
            if (p.type.equals(t)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The provider of a login name ({@code anthropic} for claude, the type for the others). */
    public static Optional<OAuthProvider> ofLoginName(String name) {
        for (OAuthProvider p : values()) {
            if (p.flow != Flow.NONE && (p.loginName.equals(name) || p.type.equals(name))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
