package dev.spacegate.server.gateway.oauth;

import dev.spacegate.server.providers.OAuthProvider;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Logins to provider accounts from the server: PKCE authorization-code flows (codex, claude, antigravity) completed by a
 * callback on the main port or by the user pasting the redirect URL, and device flows (kimi, xai) polled in the
 * background. A finished login becomes an auth file in the store.
 *
 * <p>Over 400 lines on purpose: both kinds of flow share one table of pending sessions, their expiry and the
 * naming of the new file; split by flow, each half would repeat that bookkeeping.
 *
 * <p>Over 400 lines: the PKCE and device login flows of every provider share their state handling here.
 */
public final class LoginFlows {
    private static final System.Logger LOG = System.getLogger(LoginFlows.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration PENDING_TTL = Duration.ofMinutes(30);
    private static final Duration DONE_TTL = Duration.ofMinutes(1);

    /** One login in progress (or just finished). */
    static final class Session {
        final OAuthProvider provider;
        final String state;
        final String verifier;
        final Instant created;
        volatile String status = "wait";
        volatile String error;
        volatile String fileName;
        volatile Instant finished;
        volatile boolean cancelled;

        Session(OAuthProvider provider, String state, String verifier, Instant created) {
            this.provider = provider;
            this.state = state;
            this.verifier = verifier;
            this.created = created;
        }
    }

    /** Why a login step failed, for the user. */
    public static final class LoginException extends Exception {
        public LoginException(String message) {
            super(message, null, false, false);
        }
    }

    private final AuthFileStore files;
    private final AuthFileRegistry registry;
    private final TokenClient http;
    private final Clock clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** @param registry where the provider URLs in use are read, at each login */
    LoginFlows(AuthFileStore files, AuthFileRegistry registry, TokenClient http, Clock clock) {
        this.files = files;
        this.registry = registry;
        this.http = http;
        this.clock = clock;
    }

    /** Starts a login; answers {@code {status, url, state}} (+ {@code flow, user_code} for device flows). */
    public ObjectNode start(OAuthProvider p) throws LoginException {
        purge();
        OAuthEndpoints.Urls u = registry.endpoints().of(p);
        String state = random(16);
        if (p.flow() == OAuthProvider.Flow.DEVICE) {
            return startDevice(p, u, state);
        }
        String verifier = random(48);
        Session s = new Session(p, state, verifier, clock.instant());
        sessions.put(state, s);
        Map<String, String> q = new LinkedHashMap<>();
        q.put("client_id", p.clientId());
        q.put("response_type", "code");
        q.put("redirect_uri", u.redirectUri());
        q.put("scope", p.scope());
        q.put("code_challenge", challenge(verifier));
        q.put("code_challenge_method", "S256");
        q.put("state", state);
        switch (p) {
            case CODEX -> {
                q.put("prompt", "login");
                q.put("id_token_add_organizations", "true");
                q.put("codex_cli_simplified_flow", "true");
            }
            case CLAUDE -> q.put("code", "true");
            case ANTIGRAVITY -> {
                q.put("access_type", "offline");
                q.put("prompt", "consent");
            }
            default -> {
            }
        }
        StringBuilder url = new StringBuilder(u.authorizeUrl()).append(u.authorizeUrl().contains("?") ? '&' : '?');
        q.forEach((k, v) -> url.append(enc(k)).append('=').append(enc(v)).append('&'));
        url.setLength(url.length() - 1);
        ObjectNode out = JSON.createObjectNode().put("status", "ok").put("url", url.toString()).put("state", state);
        return out;
    }

    /**
     * Completes a PKCE login from a callback or a pasted redirect URL. {@code code} may be {@code code#state}
     * (Claude's page shows it that way).
     */
    public void complete(String state, String code, String error) throws LoginException {
        if (code != null && code.contains("#")) {
            String[] parts = code.split("#", 2);
            code = parts[0];
            if (state == null || state.isBlank()) {
                state = parts[1];
            }
        }
        Session s = state == null ? null : sessions.get(state);
        if (s == null || s.provider.flow() != OAuthProvider.Flow.PKCE) {
            throw new LoginException("unknown or expired login state");
        }
        if (!"wait".equals(s.status)) {
            throw new LoginException("this login has already finished");
        }
        if (error != null && !error.isBlank()) {
            fail(s, "the provider refused the login: " + error);
            return;
        }
        if (code == null || code.isBlank()) {
            throw new LoginException("the redirect has no code");
        }
        try {
            finishPkce(s, code);
        } catch (LoginException e) {
            fail(s, e.getMessage());
            throw e;
        }
    }

    /** Completes from a pasted redirect URL ({@code http://localhost:1455/auth/callback?code=...&state=...}). */
    public void completeFromUrl(String redirectUrl) throws LoginException {
        Map<String, String> q = new LinkedHashMap<>();
        String raw;
        try {
            URI u = URI.create(redirectUrl.trim());
            raw = u.getRawQuery();
            if ((raw == null || raw.isEmpty()) && u.getRawFragment() != null) {
                raw = u.getRawFragment();
            }
        } catch (IllegalArgumentException e) {
            throw new LoginException("redirect_url is not a URL");
        }
        if (raw == null) {
            throw new LoginException("redirect_url has no query");
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String err = q.get("error_description") != null ? q.get("error_description") : q.get("error");
        complete(q.get("state"), q.get("code"), err);
    }

    /** {@code {"status":"wait"|"ok"|"error"}}, or empty when the state is unknown. */
    public Optional<ObjectNode> status(String state) {
        purge();
        Session s = state == null ? null : sessions.get(state);
        if (s == null) {
            return Optional.empty();
        }
        ObjectNode o = JSON.createObjectNode().put("status", s.status);
        if ("error".equals(s.status)) {
            o.put("error", s.error);
        }
        if ("ok".equals(s.status) && s.fileName != null) {
            o.put("name", s.fileName);
        }
        return Optional.of(o);
    }

    /**
     * True when a browser login waits for a callback: with {@code state} that login, with null any login. Lets the
     * unauthenticated callback refuse before it reads a body.
     */
    public boolean awaitingCallback(String state) {
        purge();
        if (state != null) {
            Session s = sessions.get(state);
            return s != null && s.provider.flow() == OAuthProvider.Flow.PKCE && "wait".equals(s.status);
        }
        return sessions.values().stream()
                .anyMatch(s -> s.provider.flow() == OAuthProvider.Flow.PKCE && "wait".equals(s.status));
    }

    /** Cancels a pending login; true when one was pending. */
    public boolean cancel(String state) {
        Session s = state == null ? null : sessions.remove(state);
        if (s == null) {
            return false;
        }
        s.cancelled = true;
        return "wait".equals(s.status);
    }

    // ---- PKCE ----

    private void finishPkce(Session s, String code) throws LoginException {
        OAuthProvider p = s.provider;
        OAuthEndpoints.Urls u = registry.endpoints().of(p);
        TokenClient.Result r = exchangeCode(s, code, u);
        if (!r.ok()) {
            throw new LoginException(r.status() == 0 ? "the token endpoint could not be reached"
                    : "the code was not accepted (HTTP " + r.status() + (r.error().isEmpty() ? "" : ", " + r.error())
                    + ")");
        }
        JsonNode t = r.body();
        Instant now = clock.instant();
        ObjectNode file = JSON.createObjectNode().put("type", p.type());
        TokenGrants.fillTokens(file, p, t, now, t.path("expires_in").asLong(3600));
        store(s, identify(p, u, t, file, now), file);
    }

    /** Trades the authorization code for tokens (Claude's endpoint takes JSON with the state, the others a form). */
    private TokenClient.Result exchangeCode(Session s, String code, OAuthEndpoints.Urls u) {
        OAuthProvider p = s.provider;
        Map<String, String> f = new LinkedHashMap<>();
        if (p == OAuthProvider.CLAUDE) {
            f.put("grant_type", "authorization_code");
            f.put("code", code);
            f.put("redirect_uri", u.redirectUri());
            f.put("client_id", p.clientId());
            f.put("code_verifier", s.verifier);
            f.put("state", s.state);
            return http.json(u.tokenUrl(), f, null);
        }
        f.put("grant_type", "authorization_code");
        f.put("client_id", p.clientId());
        if (p.clientSecret() != null) {
            f.put("client_secret", p.clientSecret());
        }
        f.put("code", code);
        f.put("redirect_uri", u.redirectUri());
        f.put("code_verifier", s.verifier);
        return http.form(u.tokenUrl(), f, null);
    }

    /** Adds who logged in (e-mail, account ids) to the new file from the token response; returns the file's name. */
    private String identify(OAuthProvider p, OAuthEndpoints.Urls u, JsonNode t, ObjectNode file, Instant now) {
        switch (p) {
            case CODEX -> {
                JsonNode claims = TokenGrants.jwtClaims(t.path("id_token").asText(null));
                JsonNode auth = claims.path("https://api.openai.com/auth");
                String email = claims.path("email").asText("");
                String account = auth.path("chatgpt_account_id").asText("");
                String plan = auth.path("chatgpt_plan_type").asText("");
                file.put("account_id", account).put("email", email);
                return "codex-" + safe(email.isEmpty() ? account : email) + (plan.isEmpty() ? "" : "-" + safe(plan))
                        + ".json";
            }
            case CLAUDE -> {
                String email = t.path("account").path("email_address").asText("");
                file.put("email", email);
                putIfText(file, "account_uuid", t.path("account").path("uuid"));
                putIfText(file, "organization_uuid", t.path("organization").path("uuid"));
                putIfText(file, "organization_name", t.path("organization").path("name"));
                return "claude-" + safe(email.isEmpty() ? Long.toString(now.toEpochMilli()) : email) + ".json";
            }
            default -> {
                String email = "";
                if (u.profileUrl() != null) {
                    email = http.get(u.profileUrl(), t.path("access_token").asText(), null).body()
                            .path("email").asText("");
                }
                file.put("email", email);
                return p.type() + "-" + safe(email.isEmpty() ? Long.toString(now.toEpochMilli()) : email) + ".json";
            }
        }
    }

    private void store(Session s, String name, ObjectNode file) throws LoginException {
        try {
            files.put(name, JSON.writeValueAsBytes(file));
        } catch (AuthFile.InvalidAuthFileException | java.io.IOException e) {
            throw new LoginException("the login result could not be stored");
        }
        s.fileName = name;
        s.status = "ok";
        s.finished = clock.instant();
        LOG.log(System.Logger.Level.INFO, "login finished: stored auth file " + name);
    }

    private void fail(Session s, String message) {
        s.error = message;
        s.status = "error";
        s.finished = clock.instant();
    }

    // ---- device flow ----

    private ObjectNode startDevice(OAuthProvider p, OAuthEndpoints.Urls u, String state) throws LoginException {
        String deviceUrl = u.authorizeUrl();
        String tokenUrl = u.tokenUrl();
        if (p == OAuthProvider.XAI) {
            // xAI publishes its endpoints in an OIDC discovery document
            JsonNode d = http.get(u.authorizeUrl(), null, null).body();
            deviceUrl = d.path("device_authorization_endpoint").asText(null);
            if (tokenUrl == null) {
                tokenUrl = d.path("token_endpoint").asText(null);
            }
            if (deviceUrl == null || tokenUrl == null) {
                throw new LoginException("the xAI discovery document could not be read");
            }
            if (u.authorizeUrl().equals(p.authorizeUrl()) && !(xaiEndpoint(deviceUrl) && xaiEndpoint(tokenUrl))) {
                // the real discovery document must not send tokens anywhere but xAI over TLS
                throw new LoginException("the xAI discovery document names endpoints outside https://*.x.ai");
            }
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put("client_id", p.clientId());
        if (!p.scope().isEmpty()) {
            f.put("scope", p.scope());
        }
        TokenClient.Result r = http.form(deviceUrl, f, null);
        JsonNode d = r.body();
        if (r.status() < 200 || r.status() >= 300 || !d.path("device_code").isTextual()) {
            throw new LoginException("the device login could not be started (HTTP " + r.status() + ")");
        }
        Session s = new Session(p, state, null, clock.instant());
        sessions.put(state, s);
        String verify = d.path("verification_uri_complete").asText(d.path("verification_uri").asText(""));
        long interval = Math.max(1, d.path("interval").asLong(5));
        String finalTokenUrl = tokenUrl;
        Thread.ofVirtual().name("device-login-" + p.type()).start(() ->
                pollDevice(s, finalTokenUrl, d.path("device_code").asText(), interval));
        return JSON.createObjectNode().put("status", "ok").put("url", verify).put("state", state)
                .put("flow", "device").put("user_code", d.path("user_code").asText(""));
    }

    private void pollDevice(Session s, String tokenUrl, String deviceCode, long intervalSeconds) {
        OAuthProvider p = s.provider;
        Instant deadline = s.created.plus(p == OAuthProvider.XAI ? Duration.ofMinutes(30) : Duration.ofMinutes(15));
        long wait = intervalSeconds;
        while (!s.cancelled && clock.instant().isBefore(deadline)) {
            try {
                Thread.sleep(wait * 1000);
            } catch (InterruptedException e) {
                return;
            }
            Map<String, String> f = new LinkedHashMap<>();
            f.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
            f.put("device_code", deviceCode);
            f.put("client_id", p.clientId());
            TokenClient.Result r = http.form(tokenUrl, f, null);
            if (r.ok()) {
                Instant now = clock.instant();
                ObjectNode file = JSON.createObjectNode().put("type", p.type());
                TokenGrants.fillTokens(file, p, r.body(), now, r.body().path("expires_in").asLong(3600));
                putIfText(file, "token_type", r.body().path("token_type"));
                putIfText(file, "scope", r.body().path("scope"));
                String name;
                if (p == OAuthProvider.XAI) {
                    JsonNode claims = TokenGrants.jwtClaims(r.body().path("id_token").asText(null));
                    String email = claims.path("email").asText("");
                    file.put("email", email).put("sub", claims.path("sub").asText("")).put("auth_kind", "oauth")
                            .put("token_endpoint", tokenUrl);
                    name = "xai-" + safe(email.isEmpty() ? Long.toString(now.toEpochMilli()) : email) + ".json";
                } else {
                    file.put("device_id", random(16));
                    name = p.type() + "-" + now.toEpochMilli() + ".json";
                }
                try {
                    store(s, name, file);
                } catch (LoginException e) {
                    fail(s, e.getMessage());
                }
                return;
            }
            String err = r.error();
            if (err.equals("slow_down")) {
                wait += 5;
            } else if (!err.equals("authorization_pending") && r.status() != 0) {
                fail(s, "the device login failed" + (err.isEmpty() ? " (HTTP " + r.status() + ")" : ": " + err));
                return;
            }
        }
        if (!s.cancelled && "wait".equals(s.status)) {
            fail(s, "the device login timed out");
        }
    }

    // ---- helpers ----

    private static boolean xaiEndpoint(String url) {
        try {
            URI u = URI.create(url);
            return "https".equals(u.getScheme()) && u.getHost() != null
                    && (u.getHost().equals("x.ai") || u.getHost().endsWith(".x.ai"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void purge() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> s.finished != null ? s.finished.plus(DONE_TTL).isBefore(now)
                : s.created.plus(PENDING_TTL).isBefore(now));
    }

    private static void putIfText(ObjectNode o, String key, JsonNode v) {
        if (v.isTextual()) {
            o.put(key, v.asText());
        }
    }

    static String challenge(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A file-name-safe form of an email or plan. */
    static String safe(String s) {
        String out = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9@._+-]", "_").replace("..", "_");
        return out.isEmpty() ? HexFormat.of().formatHex(new byte[]{(byte) RANDOM.nextInt()}) : out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
