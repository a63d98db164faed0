package dev.spacegate.server.gateway.oauth;

import dev.spacegate.server.providers.OAuthProvider;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.auth.AuthFileInfo;
import dev.spacegate.persistence.auth.AuthName;
import dev.spacegate.persistence.auth.AuthStore;
import dev.spacegate.server.gateway.execute.UpstreamAuth;
import dev.spacegate.server.gateway.models.ModelRegistry;
import dev.spacegate.server.gateway.pool.Credential;

/**
 * The auth files of the {@link AuthStore} as pool credentials: loads them, serves their live tokens to the
 * dispatcher, refreshes tokens ahead of expiry (single flight per credential, exclusive across replicas through a
 * {@link RefreshLock}), writes every change through to the store and counts requests per file.
 *
 * <p>Over 400 lines: it is still registry, token refresh, refresh scheduling and store synchronisation at once;
 * splitting it by job is open work (issue #14).
 */
public final class AuthAccounts implements UpstreamAuth, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuthAccounts.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FAILURE_BACKOFF = Duration.ofMinutes(5);
    private static final Duration INEFFECTIVE_BACKOFF = Duration.ofSeconds(30);
    private static final String CLAUDE_BETAS = "claude-code-20250219,oauth-2025-04-20";

    private final AuthStore store;
    private final RefreshLock lock;
    private final OAuthEndpoints endpoints;
    private final Path authDir;
    private final Clock clock;
    private final TokenClient http = new TokenClient();
    private final Map<String, Account> byName = new ConcurrentHashMap<>();
    private volatile Map<String, Account> byIndex = Map.of();
    private final Map<String, CompletableFuture<Boolean>> inflight = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("auth-refresh").factory());
    private volatile Runnable onChange = () -> { };
    private volatile Consumer<String> onNeedsLogin = name -> { };

    /**
     * @param store     where auth files live (sealed)
     * @param lock      exclusion of refreshes across replicas
     * @param endpoints provider URLs
     * @param authDir   the directory {@code auth_index} is computed against (CLIProxyAPI's {@code auth-dir})
     */
    public AuthAccounts(AuthStore store, RefreshLock lock, OAuthEndpoints endpoints, Path authDir, Clock clock) {
        this.store = store;
        this.lock = lock;
        this.endpoints = endpoints;
        this.authDir = authDir.toAbsolutePath().normalize();
        this.clock = clock;
    }

    /** Called after the set of usable credentials (or their settings) changed; the gateway rebuilds its registry. */
    public void onChange(Runnable r) {
        this.onChange = r;
    }

    /** Called with the file name when a refresh token is rejected, so other replicas stop using it too. */
    public void onNeedsLogin(Consumer<String> listener) {
        this.onNeedsLogin = listener;
    }

    /** Another replica had this file's refresh token rejected: stop using it until a new login replaces it. */
    public void adoptNeedsLogin(String name) {
        Account a = byName.get(name);
        if (a != null && !a.needsLogin) {
            a.needsLogin = true;
            a.status = "error";
            a.statusMessage = "the refresh token was rejected (invalid_grant, seen by another replica); log in again";
            reindex();
        }
    }

    public AuthStore store() {
        return store;
    }

    public OAuthEndpoints endpoints() {
        return endpoints;
    }

    TokenClient http() {
        return http;
    }

    Clock clock() {
        return clock;
    }

    // ---- loading ----

    /** Reads every auth file from the store (after picking up other writers' changes). */
    public void load() {
        store.refresh();
        Set<String> seen = new LinkedHashSet<>();
        for (AuthFileInfo info : store.list()) {
            seen.add(info.name());
            loadOne(info.name(), info);
        }
        byName.keySet().retainAll(seen);
        reindex();
    }

    private void loadOne(String name, AuthFileInfo info) {
        Account a = byName.computeIfAbsent(name, Account::new);
        try {
            Optional<byte[]> bytes = store.get(name);
            if (bytes.isEmpty()) {
                byName.remove(name);
                return;
            }
            a.size = bytes.get().length;
            a.modified = info != null ? info.updatedAt() : clock.instant();
            AuthFile before = a.file;
            a.file = AuthFile.parse(name, bytes.get());
            a.invalid = null;
            if (a.needsLogin && before != null && a.file.refreshToken() != null
                    && !a.file.refreshToken().equals(before.refreshToken())) {
                // a new login (another replica, or an upload) replaced the rejected refresh token
                a.needsLogin = false;
                markActive(a);
            }
        } catch (AuthFile.InvalidAuthFileException e) {
            a.invalid = e.getMessage();
            a.status = "error";
            a.statusMessage = e.getMessage();
        } catch (PersistenceException e) {
            a.invalid = "could not be read from the store";
            a.status = "error";
            a.statusMessage = a.invalid;
        }
    }

    private void reindex() {
        Map<String, Account> idx = new LinkedHashMap<>();
        for (Account a : byName.values()) {
            if (a.file != null) {
                idx.put(a.file.authIndex(authDir), a);
            }
        }
        byIndex = Map.copyOf(idx);
        onChange.run();
    }

    // ---- credentials for the registry ----

    /** The credentials of enabled, usable auth files whose provider Spacegate calls. */
    public List<ModelRegistry.AccountEntry> entries() {
        List<ModelRegistry.AccountEntry> out = new ArrayList<>();
        List<Account> sorted = new ArrayList<>(byName.values());
        sorted.sort((x, y) -> x.name.compareTo(y.name));
        for (Account a : sorted) {
            AuthFile f = a.file;
            if (f == null || a.invalid != null || f.disabled() || a.needsLogin) {
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
                    f.name(), Credential.Origin.account(usageSource(f), failed -> a.count(clock.millis(), failed)));
            out.add(new ModelRegistry.AccountEntry(c, f.prefix(), f.excludedModels(), f.modelAliases(),
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

    // ---- UpstreamAuth ----

    @Override
    public String apply(Credential c, Map<String, String> headers) {
        Account a = byIndex.get(c.authIndex());
        if (a == null || a.file == null) {
            return null;
        }
        AuthFile f = a.file;
        if (f.provider().orElse(null) == OAuthProvider.VERTEX) {
            String token = vertexToken(a, null);
            if (token != null) {
                headers.remove("x-goog-api-key");
                headers.put("authorization", "Bearer " + token);
            }
            return token;
        }
        Optional<Instant> exp = f.expiry();
        if (exp.isPresent() && !exp.get().isAfter(clock.instant())) {
            // already expired: refresh now rather than spend a request on a certain 401
            refresh(a, f.accessToken(), true);
            f = a.file;
        }
        String token = f.accessToken();
        if (token == null) {
            return null;
        }
        headers.remove("x-api-key");
        headers.put("authorization", "Bearer " + token);
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
        return token;
    }

    @Override
    public String upstreamUrl(Credential c, String url) {
        Account a = byIndex.get(c.authIndex());
        String gemini = c.baseUrl() + "/v1beta/models/";
        if (a != null && a.file != null && a.file.provider().orElse(null) == OAuthProvider.VERTEX
                && url.startsWith(gemini)) {
            // Vertex AI: {base}/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:{action}
            return c.baseUrl() + "/models/" + url.substring(gemini.length());
        }
        return url;
    }

    /**
     * The minted token of a vertex account, minting a new one when none is valid for 5 more minutes or when the
     * upstream rejected {@code rejected}; null when no token can be had.
     */
    private String vertexToken(Account a, String rejected) {
        synchronized (a) {
            ServiceAccountToken.Minted m = a.minted;
            Instant now = clock.instant();
            if (m != null && !m.token().equals(rejected) && m.expires().isAfter(now.plus(Duration.ofMinutes(5)))) {
                return m.token();
            }
            if (m != null && rejected != null && !m.token().equals(rejected)) {
                return m.token();
            }
            OAuthEndpoints.Urls u = endpoints.of(OAuthProvider.VERTEX);
            String override = u.tokenUrl().equals(OAuthProvider.VERTEX.tokenUrl()) ? null : u.tokenUrl();
            JsonNode sa = a.file.json().path("service_account");
            ServiceAccountToken.Minted fresh = ServiceAccountToken.mint(http, sa, override, a.file.proxyUrl(), now);
            if (fresh == null) {
                a.status = "error";
                a.statusMessage = "no access token could be minted from the service account";
                return null;
            }
            a.minted = fresh;
            markActive(a);
            return fresh.token();
        }
    }

    private static String vertexProject(AuthFile f) {
        String p = f.text("project_id");
        if (p == null || p.isBlank()) {
            p = f.json().path("service_account").path("project_id").asText("");
        }
        return p;
    }

    @Override
    public Optional<String> refreshAfterUnauthorized(Credential c, String usedToken) {
        Account a = byIndex.get(c.authIndex());
        if (a == null || a.file == null) {
            return Optional.empty();
        }
        if (a.file.provider().orElse(null) == OAuthProvider.VERTEX) {
            return Optional.ofNullable(vertexToken(a, usedToken));
        }
        if (!usedToken.equals(a.file.accessToken())) {
            return Optional.ofNullable(a.file.accessToken());
        }
        return refresh(a, usedToken, true) ? Optional.ofNullable(a.file.accessToken()) : Optional.empty();
    }

    // ---- refresh ----

    /** Whether a file's token should be refreshed now (its provider's lead time before expiry). */
    boolean due(AuthFile f) {
        Optional<OAuthProvider> p = f.provider();
        if (p.isEmpty() || f.refreshToken() == null || f.refreshToken().isBlank()) {
            return false;
        }
        Instant now = clock.instant();
        Optional<Instant> exp = f.expiry();
        if (exp.isPresent()) {
            return !exp.get().minus(p.get().lead()).isAfter(now);
        }
        return f.lastRefresh().map(t -> !t.plus(p.get().lead()).isAfter(now)).orElse(false);
    }

    /** Runs one pass of the scheduler: refreshes every enabled account that is due; waits for them. */
    public int refreshDue() {
        List<CompletableFuture<Boolean>> running = new ArrayList<>();
        Instant now = clock.instant();
        for (Account a : byName.values()) {
            AuthFile f = a.file;
            if (f == null || a.invalid != null || f.disabled() || a.needsLogin || now.isBefore(a.nextRefreshAttempt)
                    || !due(f)) {
                continue;
            }
            String used = f.accessToken();
            running.add(CompletableFuture.supplyAsync(() -> refresh(a, used, false), workers));
        }
        running.forEach(CompletableFuture::join);
        return running.size();
    }

    /**
     * Starts the periodic refresh check, and a periodic re-read of the store ({@code reloadEvery}) so replicas
     * pick up files another replica added, changed or deleted.
     */
    public void start(Duration every, Duration reloadEvery) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                load();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "auth store re-read failed: " + e.getClass().getSimpleName());
            }
        }, reloadEvery.toMillis(), reloadEvery.toMillis(), TimeUnit.MILLISECONDS);
        start(every);
    }

    /** Starts the periodic refresh check. */
    public void start(Duration every) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                refreshDue();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "auth refresh pass failed: " + e.getClass().getSimpleName());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Refreshes one account (single flight: concurrent callers share one attempt). {@code usedToken} is the token the
     * caller saw; when the store already holds another, that one is adopted instead of calling the provider.
     */
    boolean refresh(Account a, String usedToken, boolean force) {
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = inflight.putIfAbsent(a.name, mine);
        if (running != null) {
            return running.join();
        }
        try {
            String index = a.file.authIndex(authDir);
            boolean ok = lock.withLock(index, () -> refreshLocked(a, usedToken, force));
            mine.complete(ok);
            return ok;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "refresh of auth file " + a.name + " failed: "
                    + e.getClass().getSimpleName());
            mine.complete(false);
            return false;
        } finally {
            inflight.remove(a.name, mine);
        }
    }

    private boolean refreshLocked(Account a, String usedToken, boolean force) {
        AuthFile stored = reread(a);
        if (stored == null) {
            return false;
        }
        if (stored.accessToken() != null && !stored.accessToken().equals(usedToken)) {
            // another thread or replica refreshed while we waited for the lock
            markActive(a);
            return true;
        }
        if (!force && !due(stored)) {
            return true;
        }
        OAuthProvider p = stored.provider().orElse(null);
        if (p == null || stored.refreshToken() == null || stored.refreshToken().isBlank()) {
            return false;
        }
        a.status = "refreshing";
        TokenClient.Result r = callRefresh(p, stored);
        if (r.ok()) {
            AuthFile next = withTokens(stored, p, r.body());
            if (next == null) {
                return false;
            }
            store.put(a.name, next.bytes());
            a.file = next;
            markActive(a);
            if (due(next)) {
                a.nextRefreshAttempt = clock.instant().plus(INEFFECTIVE_BACKOFF);
            }
            LOG.log(System.Logger.Level.INFO, "refreshed the token of auth file " + a.name);
            return true;
        }
        if (r.invalidGrant()) {
            // another replica may have rotated the refresh token a moment ago: trust the store before giving up
            AuthFile again = reread(a);
            if (again != null && again.refreshToken() != null && !again.refreshToken().equals(stored.refreshToken())) {
                markActive(a);
                return true;
            }
            a.needsLogin = true;
            a.status = "error";
            a.statusMessage = "the refresh token was rejected (invalid_grant); log in again";
            LOG.log(System.Logger.Level.WARNING, "auth file " + a.name + " needs a new login (invalid_grant)");
            reindex();
            onNeedsLogin.accept(a.name);
            return false;
        }
        a.status = "error";
        a.statusMessage = r.status() == 0 ? "token endpoint not reachable" : "token refresh failed with HTTP "
                + r.status();
        a.nextRefreshAttempt = clock.instant().plus(FAILURE_BACKOFF);
        LOG.log(System.Logger.Level.WARNING, "refresh of auth file " + a.name + ": " + a.statusMessage);
        return false;
    }

    private void markActive(Account a) {
        a.status = "active";
        a.statusMessage = "";
        a.nextRefreshAttempt = Instant.EPOCH;
    }

    /** The file as the store has it now (other replicas write there); null when it is gone or unusable. */
    private AuthFile reread(Account a) {
        store.refresh();
        Optional<byte[]> bytes = store.get(a.name);
        if (bytes.isEmpty()) {
            return null;
        }
        try {
            AuthFile f = AuthFile.parse(a.name, bytes.get());
            a.file = f;
            a.size = bytes.get().length;
            return f;
        } catch (AuthFile.InvalidAuthFileException e) {
            return null;
        }
    }

    private TokenClient.Result callRefresh(OAuthProvider p, AuthFile f) {
        OAuthEndpoints.Urls u = endpoints.of(p);
        String proxy = f.proxyUrl();
        Map<String, String> form = new LinkedHashMap<>();
        switch (p) {
            case CODEX -> {
                form.put("grant_type", "refresh_token");
                form.put("client_id", p.clientId());
                form.put("refresh_token", f.refreshToken());
                form.put("scope", "openid profile email");
                return http.form(u.tokenUrl(), form, proxy);
            }
            case CLAUDE -> {
                form.put("client_id", p.clientId());
                form.put("grant_type", "refresh_token");
                form.put("refresh_token", f.refreshToken());
                return http.json(u.tokenUrl(), form, proxy);
            }
            case ANTIGRAVITY, VERTEX -> {
                if (p == OAuthProvider.VERTEX) {
                    return new TokenClient.Result(400, JSON.createObjectNode().put("error", "unsupported"));
                }
                form.put("grant_type", "refresh_token");
                form.put("client_id", p.clientId());
                form.put("client_secret", p.clientSecret());
                form.put("refresh_token", f.refreshToken());
                return http.form(u.tokenUrl(), form, proxy);
            }
            case KIMI, XAI -> {
                form.put("grant_type", "refresh_token");
                form.put("client_id", p.clientId());
                form.put("refresh_token", f.refreshToken());
                String url = u.tokenUrl();
                if (p == OAuthProvider.XAI && url == null) {
                    url = f.text("token_endpoint");
                }
                if (url == null) {
                    return new TokenClient.Result(0, JSON.createObjectNode());
                }
                return http.form(url, form, proxy);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** A copy of {@code f} with the tokens of a token response and fresh expiry / refresh times. */
    AuthFile withTokens(AuthFile f, OAuthProvider p, JsonNode t) {
        Instant now = clock.instant();
        long expiresIn = t.path("expires_in").asLong(3600);
        try {
            return f.with(o -> fillTokens(o, p, t, now, expiresIn));
        } catch (AuthFile.InvalidAuthFileException e) {
            return null;
        }
    }

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

    // ---- changes from management and login ----

    /** Stores a new or replaced file (checked first: an invalid file never overwrites a good one). */
    public AuthFile put(String name, byte[] bytes) throws AuthFile.InvalidAuthFileException {
        Optional<String> bad = AuthName.problem(name);
        if (bad.isPresent()) {
            throw new AuthFile.InvalidAuthFileException(bad.get());
        }
        AuthFile f = AuthFile.parse(name, bytes);
        store.put(name, f.bytes());
        Account a = byName.computeIfAbsent(name, Account::new);
        a.file = f;
        a.invalid = null;
        a.needsLogin = false;
        a.size = f.bytes().length;
        a.modified = clock.instant();
        markActive(a);
        reindex();
        return f;
    }

    public boolean delete(String name) {
        boolean gone = store.delete(name);
        byName.remove(name);
        reindex();
        return gone;
    }

    /** Every account, sorted by name. */
    List<Account> accounts() {
        List<Account> all = new ArrayList<>(byName.values());
        all.sort((x, y) -> x.name.compareTo(y.name));
        return all;
    }

    Optional<Account> account(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    Path authDir() {
        return authDir;
    }

    /**
     * The usage-record {@code source} of an auth-file credential (its email, else project id, else label), or empty
     * when {@code authIndex} is not an auth file.
     */
    public Optional<String> describe(String authIndex) {
        Account a = byIndex.get(authIndex);
        return a == null || a.file == null ? Optional.empty() : Optional.of(usageSource(a.file));
    }

    /** CLIProxyAPI's records name an account by its email (else its project, else its label). */
    private static String usageSource(AuthFile f) {
        String email = f.email();
        if (email != null && !email.isBlank()) {
            return email;
        }
        String project = f.text("project_id");
        return project != null && !project.isBlank() ? project : f.label();
    }

    // ---- import ----

    /**
     * Copies CLIProxyAPI auth files ({@code *.json}) from a folder into the store, once: a name the store already
     * has, or one imported before (listed in {@code done}), is left alone. Returns the names imported.
     */
    public List<String> importFrom(Path dir, Set<String> done) {
        List<String> imported = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return imported;
        }
        Set<String> present = new LinkedHashSet<>();
        store.list().forEach(i -> present.add(i.name()));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (present.contains(name) || done.contains(name) || AuthName.problem(name).isPresent()
                        || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try {
                    put(name, Files.readAllBytes(f));
                    imported.add(name);
                } catch (AuthFile.InvalidAuthFileException e) {
                    LOG.log(System.Logger.Level.WARNING, "not imported: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not read the auth import folder: " + e.getClass().getSimpleName());
        }
        if (!imported.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Imported " + imported.size() + " auth files from " + dir);
        }
        return imported;
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

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
