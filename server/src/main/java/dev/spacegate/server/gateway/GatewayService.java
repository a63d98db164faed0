package dev.spacegate.server.gateway;

import dev.spacegate.server.gateway.config.GatewayConfig;

import dev.spacegate.server.gateway.auth.ManagementGuard;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.websocket.WsListener;

import dev.spacegate.server.config.EnvKeys;
import dev.spacegate.server.gateway.auth.ClientKeySourcesApi;
import dev.spacegate.server.gateway.auth.ClientKeys;
import dev.spacegate.server.gateway.execute.ClientCall;
import dev.spacegate.server.gateway.execute.Dispatcher;
import dev.spacegate.server.providers.Operation;
import dev.spacegate.server.gateway.execute.RequestBody;
import dev.spacegate.server.gateway.execute.TranslationLookup;
import dev.spacegate.server.gateway.execute.UpstreamAuth;
import dev.spacegate.server.gateway.execute.UsageRecorder;
import dev.spacegate.server.gateway.translate.Translators;
import dev.spacegate.persistence.auth.AuthStore;
import dev.spacegate.server.gateway.models.ModelRegistry;
import dev.spacegate.server.gateway.oauth.AuthFiles;
import dev.spacegate.server.gateway.oauth.AuthFilesApi;
import dev.spacegate.server.gateway.oauth.OAuthEndpoints;
import dev.spacegate.server.gateway.oauth.RefreshLock;
import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.pool.CredentialPool;
import dev.spacegate.server.gateway.pool.SessionAffinity;
import dev.spacegate.server.gateway.stream.ClientSink;
import dev.spacegate.server.gateway.stream.HttpSink;
import dev.spacegate.server.gateway.stream.ResponsesWebSocket;
import dev.spacegate.server.gateway.usage.UsageQueue;
import dev.spacegate.server.gateway.usage.UsageSink;
import dev.spacegate.server.gateway.usage.UsageWriter;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.outbound.OutboundClient;
import dev.spacegate.server.routing.RouteOwner;
import dev.spacegate.server.web.ClientAddress;
import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;

/**
 * The gateway: OpenAI, Claude, Gemini and Codex compatible API over pooled upstream credentials.
 *
 * <pre>
 * curl -H "Authorization: Bearer $KEY" localhost:7860/v1/models
 * curl -H "Authorization: Bearer $KEY" -d '{"model":"m","messages":[...]}' localhost:7860/v1/chat/completions
 * curl -H "x-api-key: $KEY" -H "anthropic-version: 2023-06-01" -d '{...}' localhost:7860/v1/messages
 * curl -H "x-goog-api-key: $KEY" -d '{...}' "localhost:7860/v1beta/models/m:streamGenerateContent?alt=sse"
 * curl -H "Authorization: Bearer $MANAGEMENT_KEY" "localhost:7860/v0/management/usage-queue?count=100"
 * curl localhost:7860/healthz
 * </pre>
 *
 * <p>Over 400 lines: it is the gateway owner (endpoint table, handlers, reload, auth store attachment, lifecycle);
 * the request path itself lives in {@code gateway.execute}, and {@link CallIntake}, {@link ModelLists} and
 * {@link GatewayReplies} hold the rest of its handlers' work.
 */
public final class GatewayService implements RouteOwner, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GatewayService.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String USAGE_QUEUE_PATH = "/v0/management/usage-queue";

    /** What a reload swaps in at once. */
    private record State(GatewayConfig config, ModelRegistry registry, ClientKeys keys) {
    }

    private final ManagementGuard guard;
    private final CredentialPool pool;
    private final SessionAffinity affinity;
    private final UsageSink sink;
    private final UsageQueue queue;
    private final UsageRecorder recorder;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("gateway-keepalive").factory());
    private final Endpoints endpoints;
    private final GatewayReplies replies = new GatewayReplies(() -> this.state.config().corsOrigins());
    private volatile State state;
    private volatile TranslationLookup translations = Translators::find;
    private volatile OutboundClient clients;
    private volatile Dispatcher dispatcher;
    private final Clock clock;
    private volatile JsonNode rawConfig;
    private volatile AuthFiles authFiles;
    private volatile EnvKeys envClientKeys = EnvKeys.none("CLIENT_API_KEYS");

    /**
     * @param config     the server's config document (CLIProxyAPI key names)
     * @param guard      management authentication for the usage queue
     * @param writer     where usage records are stored (the UsageStore)
     * @param cooldowns  where cooldown state survives restarts
     * @param journalDir local directory for usage records the store could not take yet
     */
    public GatewayService(JsonNode config, ManagementGuard guard, UsageWriter writer, CooldownStore cooldowns,
                          Path journalDir) throws IOException {
        this(config, guard, writer, cooldowns, journalDir, Clock.systemUTC());
    }

    public GatewayService(JsonNode config, ManagementGuard guard, UsageWriter writer, CooldownStore cooldowns,
                          Path journalDir, Clock clock) throws IOException {
        GatewayConfig cfg = GatewayConfig.from(config);
        this.guard = guard;
        this.pool = new CredentialPool(cooldowns, clock);
        this.affinity = new SessionAffinity(clock);
        this.sink = new UsageSink(writer, journalDir);
        this.queue = new UsageQueue(clock, cfg.usageQueueRetention());
        this.recorder = new UsageRecorder(sink, queue);
        this.clock = clock;
        this.rawConfig = config;
        this.state = new State(cfg, ModelRegistry.build(cfg), clientKeys(cfg));
        this.clients = new OutboundClient(Duration.ofSeconds(10), cfg.upstreamReadTimeout());
        this.dispatcher = new Dispatcher(clients, pool, recorder, translations, affinity);
        Endpoints.Builder routes = Endpoints.builder();
        for (Operation op : Operation.values()) {
            if (!op.modelInPath()) {
                routes.post(op.path(), c -> proxy(c, op));
            }
            if (op.webSocket()) {
                routes.get(op.path(), this::needsWebSocket);
            }
        }
        routes.post(Operation.GEMINI_GENERATE.path(), this::geminiAction)
                .get("/v1/models", this::listModels)
                .get("/v1beta/models", this::listGeminiModels)
                .get("/v1beta/models/{model}", this::geminiModel)
                .get(USAGE_QUEUE_PATH, this::usageQueue)
                .get("/healthz", c -> replies.json(c.req(), c.res(), 200, JSON.createObjectNode().put("status", "ok")));
        new AuthFilesApi(guard, () -> authFiles).routes(routes);
        new ClientKeySourcesApi(guard, () -> state.config().apiKeys(), () -> envClientKeys, clock).routes(routes);
        this.endpoints = routes.build();
    }

    /**
     * Swaps in a new config (the auth files' provider URLs and refresh periods too); in-flight requests finish on the
     * old one. Throws (and keeps the old) when invalid.
     */
    public void reload(JsonNode config) {
        GatewayConfig cfg = GatewayConfig.from(config);
        GatewayConfig old = state.config();
        if (!old.upstreamReadTimeout().equals(cfg.upstreamReadTimeout())) {
            OutboundClient previous = clients;
            clients = new OutboundClient(Duration.ofSeconds(10), cfg.upstreamReadTimeout());
            previous.closeIdle();
            dispatcher = new Dispatcher(clients, pool, recorder, translations, affinity).upstreamAuth(tokens());
        }
        queue.retention(cfg.usageQueueRetention());
        if (!cfg.usageQueueEnabled()) {
            queue.clear();
        }
        this.rawConfig = config;
        AuthFiles a = authFiles;
        if (a != null) {
            // before the registry below is built: the credentials' base URLs come from oauth-endpoints
            OAuthEndpoints endpoints = OAuthEndpoints.from(config);
            if (!endpoints.equals(a.registry().endpoints())) {
                a.registry().endpoints(endpoints);
            }
            scheduleRefresh(a, config);
        }
        state = new State(cfg, registry(cfg), clientKeys(cfg));
        warnIfOpen(cfg);
    }

    /**
     * Admits client keys from the environment ({@code CLIENT_API_KEYS} and its rotation companion) next to the
     * config's {@code api-keys}; call once at start.
     */
    public void clientKeysFromEnv(EnvKeys keys) {
        envClientKeys = keys;
        State st = state;
        state = new State(st.config(), st.registry(), clientKeys(st.config()));
        warnIfOpen(st.config());
    }

    /** The client keys that come from the environment (shown read-only in the panel). */
    public EnvKeys envClientKeys() {
        return envClientKeys;
    }

    private ClientKeys clientKeys(GatewayConfig cfg) {
        return new ClientKeys(cfg.apiKeys(), envClientKeys, clock, ClientKeys.allowsUnauthenticated(rawConfig));
    }

    /**
     * Serves the auth files of {@code store} as credentials (next to the config's API keys), with their management
     * API, logins and token refresh. Call once at start; {@code authDir} is the folder {@code auth_index} is computed
     * against (CLIProxyAPI's {@code auth-dir}, so usage history keeps matching after a migration).
     */
    public AuthFiles attachAuthStore(AuthStore store, RefreshLock lock, Path authDir) {
        AuthFiles a = AuthFiles.open(store, lock, OAuthEndpoints.from(rawConfig), authDir, clock);
        a.registry().onChange(() -> {
            State st = state;
            state = new State(st.config(), registry(st.config()), st.keys());
        });
        a.store().load();
        this.authFiles = a;
        this.dispatcher = dispatcher.upstreamAuth(a.tokens());
        State st = state;
        state = new State(st.config(), registry(st.config()), st.keys());
        scheduleRefresh(a, rawConfig);
        return a;
    }

    /** The token refresh check and the auth store re-read at the config's periods (again after every change). */
    private static void scheduleRefresh(AuthFiles a, JsonNode config) {
        long every = config.path("auth-refresh-check-seconds").asLong(5);
        long reload = config.path("auth-reload-seconds").asLong(60);
        a.refresher().schedule(Duration.ofSeconds(Math.max(1, every)), Duration.ofSeconds(Math.max(1, reload)));
    }

    /** The auth files, once {@link #attachAuthStore} ran (else null). */
    public AuthFiles authFiles() {
        return authFiles;
    }

    private UpstreamAuth tokens() {
        AuthFiles a = authFiles;
        return a == null ? null : a.tokens();
    }

    private ModelRegistry registry(GatewayConfig cfg) {
        AuthFiles a = authFiles;
        return a == null ? ModelRegistry.build(cfg) : ModelRegistry.build(cfg, a.registry().entries());
    }

    /** Replaces the translation table ({@link Translators#find} by default; {@link TranslationLookup#none()} turns translation off). */
    public void translations(TranslationLookup lookup) {
        this.translations = lookup;
        this.dispatcher = new Dispatcher(clients, pool, recorder, lookup, affinity)
                .upstreamAuth(tokens());
    }

    public GatewayConfig config() {
        return state.config();
    }

    public CredentialPool pool() {
        return pool;
    }

    /** {@code /status} usage block: records in the usage log not yet in the database, and the oldest one's age. */
    public ObjectNode usageStatus() {
        ObjectNode o = JSON.createObjectNode();
        o.put("pending", sink.pending());
        o.put("oldest_pending_age_s", sink.oldestPendingAgeSeconds());
        o.put("store_available", !sink.unavailable());
        o.put("written", sink.written());
        if (sink.lost() > 0) {
            o.put("lost", sink.lost());
        }
        return o;
    }

    public UsageSink usageSink() {
        return sink;
    }

    /**
     * One credential as the manager shows it: where it points, its masked key, and its current cooldowns.
     *
     * @param authIndex  CLIProxyAPI's {@code auth_index}
     * @param section    config section ({@code openai-compatibility}, {@code claude-api-key}, ...)
     * @param cooldowns  active cooldowns per upstream model (empty when ready)
     */
    public record CredentialStatus(String authIndex, String section, String provider, String label, String baseUrl,
                                   String maskedKey, int priority, int weight,
                                   List<dev.spacegate.server.gateway.pool.CooldownState> cooldowns) {
    }

    /** Every configured API-key credential with its cooldowns, for management views and {@code reset-quota}. */
    public List<CredentialStatus> credentials() {
        Instant now = pool.now();
        List<dev.spacegate.server.gateway.pool.CooldownState> states = pool.snapshot().stream()
                .filter(x -> x.nextRetryAt().isAfter(now)).toList();
        return state.registry().credentials().stream()
                .filter(c -> !c.origin().authType().equals("oauth")) // auth files: see /auth-files
                .map(c -> new CredentialStatus(c.authIndex(),
                c.kind().section(), c.provider(), c.label(), c.baseUrl(), c.maskedKey(), c.priority(), c.weight(),
                states.stream().filter(x -> x.authIndex().equals(c.authIndex())).toList())).toList();
    }

    @Override
    public List<String> endpoints() {
        return endpoints.describe();
    }

    /**
     * WebSocket endpoints for a bare {@code WsRouting} (test harnesses): Responses over WebSocket, bridged to HTTP +
     * SSE upstream ({@code GET /v1/responses}, {@code GET /backend-api/codex/responses}), with no client address.
     */
    public Map<String, Supplier<WsListener>> webSocketEndpoints() {
        Map<String, Supplier<WsListener>> out = new HashMap<>();
        for (Operation op : Operation.values()) {
            if (op.webSocket()) {
                out.put(op.path(), () -> socket(op, ""));
            }
        }
        return Map.copyOf(out);
    }

    private WsListener socket(Operation op, String clientAddress) {
        return new ResponsesWebSocket(this::webSocketCall, op, this::admitsWebSocket, clientAddress);
    }

    @Override
    public boolean serves(io.helidon.http.Method method, String path) {
        return endpoints.serves(method, path);
    }

    /**
     * The listener for one WebSocket upgrade on a normalised path, or empty when the gateway has no socket
     * there; the listener checks the client key on upgrade.
     */
    @Override
    public Optional<WsListener> websocket(String path, String rawQuery, Headers upgradeHeaders,
                                          ClientAddress.Upgrade client) {
        for (Operation op : Operation.values()) {
            if (op.webSocket() && op.path().equals(path)) {
                return Optional.of(socket(op, client.address()));
            }
        }
        return Optional.empty();
    }

    @Override
    public void serve(ServerRequest req, ServerResponse res, String path) throws Exception {
        long start = System.nanoTime();
        Method method = req.prologue().method();
        if (method == Method.OPTIONS) {
            replies.cors(req, res);
            res.header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
            res.header("Access-Control-Allow-Headers",
                    req.headers().first(HeaderNames.create("Access-Control-Request-Headers")).orElse("*"));
            res.header("Access-Control-Max-Age", "86400");
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        switch (endpoints.lookup(method, path)) {
            case Endpoints.Lookup.Found f -> {
                try {
                    f.handler().handle(new Endpoints.Call(req, res, path, f.params()));
                } catch (ClientSink.ClientGoneException | UncheckedIOException e) {
                    // the client went away; nothing left to answer
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.ERROR, "gateway error on " + method.text() + " " + path + ": "
                            + e.getClass().getName());
                    if (!res.isSent()) {
                        replies.error(req, res, start, family(req, path), 500, "internal_error", "internal gateway error");
                    }
                }
            }
            case Endpoints.Lookup.WrongMethod w -> {
                res.header(HeaderNames.ALLOW, String.join(", ", w.allowed().stream().map(Method::text).toList()));
                replies.error(req, res, start, family(req, path), 405, "method_not_allowed",
                        "method " + method.text() + " is not allowed on " + path);
            }
            case Endpoints.Lookup.NotFound n -> replies.error(req, res, start, family(req, path), 404, "not_found",
                    "no route for " + method.text() + " " + path);
        }
    }

    // ---- handlers ----

    private void proxy(Endpoints.Call c, Operation op) throws IOException {
        proxy(c, op, null, null);
    }

    private void proxy(Endpoints.Call c, Operation op, String pathModel, String alt) throws IOException {
        long start = System.nanoTime();
        ServerRequest req = c.req();
        ServerResponse res = c.res();
        State st = state;
        ErrorFamily fam = ErrorFamily.of(op.format());
        ClientKeys.Verdict v = st.keys().check(req);
        if (!v.admitted()) {
            CallIntake.drain(req);
            replies.error(req, res, start, fam, 401, "invalid_api_key", v.problem());
            return;
        }
        long limit = st.config().maxBodyBytes();
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > limit) {
            replies.error(req, res, start, fam, 413, "request_too_large",
                    "request body is larger than the limit of " + (limit / (1024 * 1024)) + " MiB");
            return;
        }
        byte[] bytes;
        try {
            bytes = CallIntake.readBody(req, limit);
        } catch (UncheckedIOException e) {
            throw e;
        } catch (RuntimeException e) {
            // the router's own body cap (or a body the server could not decode) stops the read: still a 4xx
            bytes = null;
        }
        if (bytes == null) {
            replies.error(req, res, start, fam, 413, "request_too_large",
                    "request body is larger than the limit of " + (limit / (1024 * 1024)) + " MiB");
            return;
        }
        RequestBody body;
        try {
            body = RequestBody.scan(bytes);
        } catch (RequestBody.MalformedException e) {
            replies.error(req, res, start, fam, 400, "invalid_json", e.getMessage());
            return;
        }
        String model = pathModel != null ? pathModel : body.model();
        if (model == null || model.isBlank()) {
            replies.error(req, res, start, fam, 400, "missing_model", "the request has no model");
            return;
        }
        boolean stream = op.alwaysStreams() || (!op.modelInPath() && body.stream());
        ClientCall call = CallIntake.httpCall(req, op, body, model, stream, alt, v.key(), start,
                st.config().sessionAffinity());
        res.header("X-Request-Id", call.requestId());
        HttpSink out = new HttpSink(res, timer, r -> replies.cors(req, r));
        try {
            dispatcher.dispatch(st.config(), st.registry(), call, out);
        } finally {
            out.release();
        }
    }

    private void geminiAction(Endpoints.Call c) throws IOException {
        String raw = c.param("model");
        int colon = raw.lastIndexOf(':');
        String action = colon < 0 ? "" : raw.substring(colon + 1);
        Operation op = switch (action) {
            case "generateContent" -> Operation.GEMINI_GENERATE;
            case "streamGenerateContent" -> Operation.GEMINI_STREAM;
            case "countTokens" -> Operation.GEMINI_COUNT;
            default -> null;
        };
        if (op == null) {
            CallIntake.drain(c.req());
            replies.error(c.req(), c.res(), System.nanoTime(), ErrorFamily.GEMINI, 404, "not_found",
                    "unknown model action '" + action + "' (generateContent, streamGenerateContent, countTokens)");
            return;
        }
        String alt = c.req().query().first("alt").asOptional()
                .or(() -> c.req().query().first("$alt").asOptional()).orElse("sse");
        proxy(c, op, raw.substring(0, colon), alt);
    }

    private void needsWebSocket(Endpoints.Call c) {
        if (!admitted(c, ErrorFamily.OPENAI)) {
            return;
        }
        replies.error(c.req(), c.res(), System.nanoTime(), ErrorFamily.OPENAI, 426, "websocket_required",
                "GET on this path is the Responses WebSocket; send a WebSocket upgrade or POST instead");
    }

    private void listModels(Endpoints.Call c) throws IOException {
        boolean claude = ModelLists.claudeClient(c.req());
        if (admitted(c, claude ? ErrorFamily.CLAUDE : ErrorFamily.OPENAI)) {
            replies.json(c.req(), c.res(), 200, ModelLists.list(state.registry().models(), claude));
        }
    }

    private void listGeminiModels(Endpoints.Call c) throws IOException {
        if (admitted(c, ErrorFamily.GEMINI)) {
            replies.json(c.req(), c.res(), 200, ModelLists.gemini(state.registry().models()));
        }
    }

    private void geminiModel(Endpoints.Call c) throws IOException {
        if (!admitted(c, ErrorFamily.GEMINI)) {
            return;
        }
        String id = c.param("model");
        if (state.registry().models().stream().noneMatch(m -> m.id().equals(id))) {
            replies.error(c.req(), c.res(), System.nanoTime(), ErrorFamily.GEMINI, 404, "model_not_found",
                    "model " + id + " is not served here");
            return;
        }
        replies.json(c.req(), c.res(), 200, ModelLists.geminiInfo(id));
    }

    private void usageQueue(Endpoints.Call c) throws IOException {
        if (!guard.admit(c.req(), c.res())) {
            return;
        }
        String countText = c.req().query().first("count").orElse("1");
        int count;
        try {
            count = Integer.parseInt(countText.trim());
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count <= 0) {
            ErrorFamily.MANAGEMENT.send(c.res(), ClientError.of(400, null, "count must be a positive integer"));
            return;
        }
        ArrayNode arr = JSON.createArrayNode();
        queue.pop(count).forEach(arr::add);
        c.res().status(Status.OK_200).header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(JSON.writeValueAsBytes(arr));
    }

    // ---- WebSocket bridge ----

    /** Runs one {@code response.create} from a WebSocket as a streamed Responses call. */
    private void webSocketCall(ResponsesWebSocket.Request r, ClientSink out) throws IOException {
        long start = System.nanoTime();
        State st = state;
        ClientKeys.Verdict v = st.keys().check(r.key(), r.keySource());
        RequestBody body;
        try {
            body = RequestBody.scan(r.body());
        } catch (RequestBody.MalformedException e) {
            refuse(out, ClientError.of(400, "invalid_json", e.getMessage()));
            return;
        }
        if (!v.admitted()) {
            refuse(out, ClientError.of(401, "invalid_api_key", v.problem()));
            return;
        }
        if (body.model() == null || body.model().isBlank()) {
            refuse(out, ClientError.of(400, "missing_model", "the request has no model"));
            return;
        }
        ClientCall call = CallIntake.socketCall(r, body, v.key(), start, st.config().sessionAffinity());
        dispatcher.dispatch(st.config(), st.registry(), call, out);
    }

    /** A {@code response.create} the gateway refuses before dispatch (the socket speaks OpenAI's envelope). */
    private static void refuse(ClientSink out, ClientError error) throws IOException {
        out.full(error.status(), "application/json", ErrorFamily.OPENAI.bytes(error), Map.of(), 0);
    }

    /** The admitted-or-not decision for a WebSocket upgrade. */
    public boolean admitsWebSocket(String key, String source) {
        return state.keys().check(key, source).admitted();
    }

    // ---- helpers ----

    private boolean admitted(Endpoints.Call c, ErrorFamily fam) {
        ClientKeys.Verdict v = state.keys().check(c.req());
        if (!v.admitted()) {
            replies.error(c.req(), c.res(), System.nanoTime(), fam, 401, "invalid_api_key", v.problem());
        }
        return v.admitted();
    }

    private ErrorFamily family(ServerRequest req, String path) {
        if (path.startsWith("/v1/messages") || req.headers().contains(HeaderNames.create("anthropic-version"))) {
            return ErrorFamily.CLAUDE;
        }
        return path.startsWith("/v1beta") ? ErrorFamily.GEMINI : ErrorFamily.OPENAI;
    }

    /** Logged at every start and reload, so an open gateway is never silent. */
    private void warnIfOpen(GatewayConfig cfg) {
        ClientKeys keys = clientKeys(cfg);
        if (keys.open()) {
            LOG.log(System.Logger.Level.WARNING, "allow-unauthenticated: true and no client key is configured:"
                    + " every client is admitted to the gateway and spends its upstream credentials");
        } else if (keys.none()) {
            LOG.log(System.Logger.Level.WARNING, "No client key is configured: the gateway answers 401 until one is"
                    + " added (panel Keys page, PUT /v0/management/api-keys or CLIENT_API_KEYS)");
        }
    }

    /** Stops timers, saves cooldowns and writes the usage records still in the log, within ten seconds. */
    @Override
    public void close() {
        close(System.nanoTime() + Duration.ofSeconds(10).toNanos());
    }

    /**
     * Stops timers, then saves cooldowns and writes the usage records still in the log until {@code deadlineNanos}
     * (a {@link System#nanoTime} value) whatever the database does. Returns the records left in the usage log.
     */
    public long close(long deadlineNanos) {
        timer.shutdownNow();
        AuthFiles a = authFiles;
        if (a != null) {
            a.close();
        }
        // cooldowns get at most half of what is left: usage records matter more
        pool.close(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()) / 2));
        return sink.close(deadlineNanos);
    }
}
