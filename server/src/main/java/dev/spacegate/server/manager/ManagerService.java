package dev.spacegate.server.manager;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.Health;
import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.seal.Resealer;
import dev.spacegate.persistence.store.SealedSettingField;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.persistence.usage.GroupBy;
import dev.spacegate.persistence.usage.UsageFilter;
import dev.spacegate.server.Version;
import dev.spacegate.server.manager.collector.UsageCollector;
import dev.spacegate.server.manager.compat.CompatApi;
import dev.spacegate.server.manager.compat.SecretKeyAdoption;
import dev.spacegate.server.manager.config.ConfigApi;
import dev.spacegate.server.manager.config.ConfigSeal;
import dev.spacegate.server.manager.config.ConfigSeed;
import dev.spacegate.server.manager.config.LiveConfig;
import dev.spacegate.server.manager.config.UpstreamCheck;
import dev.spacegate.server.manager.prices.ModelPrice;
import dev.spacegate.server.manager.prices.PriceSync;
import dev.spacegate.server.manager.prices.PriceTable;
import dev.spacegate.server.manager.setup.FirstClientKey;
import dev.spacegate.server.manager.setup.ManagementKeys;
import dev.spacegate.server.manager.usage.Aliases;
import dev.spacegate.server.manager.usage.Analytics;
import dev.spacegate.server.manager.usage.HourlyGroups;
import dev.spacegate.server.manager.usage.LiveTail;
import dev.spacegate.server.manager.usage.UsageTransfer;
import dev.spacegate.server.routing.EndpointOwner;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.routing.RouteOwner;
import dev.spacegate.server.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The manager: setup, status, usage analytics, prices and key aliases over the persistence stores. Every route but
 * {@code /health} and {@code /usage-service/info} needs the management key; errors are {@code {"error","code"}}.
 * It also serves the CLIProxyAPI config subset of the management API ({@link ConfigApi}) wherever the route table
 * hands those paths to the manager (the bundled profile).
 *
 * <p>Over 400 lines: it is the manager owner (endpoint table, the handlers of setup, status, usage, prices and
 * aliases, lifecycle); the work behind each handler lives in {@code setup}, {@code usage}, {@code prices} and
 * {@code config}.
 */
public final class ManagerService implements RouteOwner, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ManagerService.class.getName());
    static final String SETUP_KEY = "manager.setup";
    private static final String SEAL_CONTEXT = "manager.cpa_management_key";

    private final Persistence persistence;
    private final ManagerSettings settings;
    private final ManagementKeys keys;
    private final FirstClientKey firstClientKey;
    private final LiveConfig config;
    private final ConfigApi configApi;
    private volatile CompatApi compat;
    private final PriceTable prices;
    private final PriceSync priceSync;
    private final Aliases aliases;
    private final HourlyGroups hourly;
    private final Analytics analytics;
    private final UsageTransfer transfer;
    private final LiveTail tail;
    private final UpstreamCheck upstreamCheck;
    private final ExecutorService pool = Analytics.newPool();
    private final EndpointOwner owner;
    private final long startedAt = System.currentTimeMillis();
    private final boolean externalGateway;
    private volatile UsageCollector collector;
    private volatile Supplier<ObjectNode> replicaStatus;
    private volatile Supplier<ObjectNode> usageStatus;
    private static final Duration STATUS_WAIT = Duration.ofSeconds(2);
    private static final java.util.concurrent.Executor STATUS_CALLS = r -> Thread.ofVirtual().name("status").start(r);

    /**
     * @param persistence     the opened stores
     * @param settings        the manager's environment settings
     * @param seed            the local config file's document (seeds an empty config store; CONFIG_RESEED)
     * @param validator       the gateway's config validation (problems, empty when fine)
     * @param externalGateway true when the gateway owner is an external CLIProxyAPI (its usage queue is collected)
     * @param listening       completes once the server listens: the management key's slow check begins then
     */
    public ManagerService(Persistence persistence, ManagerSettings settings, ConfigSeed seed,
                          Function<ObjectNode, List<String>> validator, boolean externalGateway,
                          CompletionStage<?> listening) {
        this.persistence = persistence;
        this.settings = settings;
        this.externalGateway = externalGateway;
        this.keys = ManagementKeys.open(persistence.settings(), settings.managementPassword(), Clock.systemUTC(),
                listening).previous(settings.previousPassword());
        persistence.resealer().register(new SealedSettingField(persistence.settings(), persistence.secretBox(),
                SETUP_KEY, "managementKey", SEAL_CONTEXT));
        // a plaintext secret-key is hashed before the seed is stored (an empty store, or CONFIG_RESEED, takes it)
        ConfigSeed first = seed.reseed() || persistence.config().load().isEmpty() ? new ConfigSeed(
                SecretKeyAdoption.prepare(seed.document().deepCopy(), keys), seed.file(), seed.reseed(), seed.unreadable())
                : seed;
        this.config = LiveConfig.open(persistence.config(), new ConfigSeal(persistence.secretBox()), first, validator);
        SecretKeyAdoption.follow(config, keys); // and before every later write, so no history version keeps it
        persistence.resealer().register(config.sealedValues());
        this.configApi = new ConfigApi(config, keys);
        this.firstClientKey = new FirstClientKey(persistence.settings(), config, Clock.systemUTC());
        this.prices = new PriceTable(persistence.settings());
        this.priceSync = new PriceSync(prices, settings.modelsDevUrl(), settings.litellmUrl(),
                settings.openRouterUrl(), settings.syncTimeout());
        this.aliases = new Aliases(persistence.settings());
        this.hourly = new HourlyGroups(persistence.usage(), persistence.database(), persistence.settings());
        this.analytics = new Analytics(persistence.usage(), hourly, prices, aliases);
        this.transfer = new UsageTransfer(persistence.usage());
        this.tail = new LiveTail(persistence.usage());
        this.upstreamCheck = new UpstreamCheck(config);
        this.owner = new EndpointOwner(routes(), ErrorFamily.MANAGEMENT::send);
        connection().ifPresent(this::startCollector);
        // bring the analytics hourly groups up to date in the background, so the first dashboard is fast
        pool.submit(() -> {
            try {
                hourly.catchUp(PriceTable.thresholds(prices.effective()));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Analytics warm-up failed: " + e.getClass().getSimpleName());
            }
        });
    }

    private Endpoints routes() {
        return Endpoints.builder()
                .get("/health", c -> health(c.res()))
                .get("/usage-service/info", c -> info(c.res()))
                .get("/status", guarded(this::status))
                .get("/usage-service/config", guarded(this::getServiceConfig))
                .put("/usage-service/config", guarded(this::putServiceConfig))
                .post("/setup", guarded(this::setup))
                .post("/v0/management/first-client-key", guarded(this::revealFirstClientKey))
                .get("/v0/management/usage", guarded(this::usage))
                .get("/v0/management/usage/export", guarded(this::export))
                .post("/v0/management/usage/import", guarded(this::importUsage))
                .get("/v0/management/dashboard/summary", guarded(this::dashboard))
                .post("/v0/management/monitoring/analytics", guarded(this::monitoring))
                .get("/v0/management/monitoring/stream", guarded(c -> tail.stream(c.res())))
                .post("/v0/management/monitoring/upstream-check",
                        guarded(c -> Json.send(c.res(), 200, upstreamCheck.check(Requests.json(c.req())))))
                .get("/v0/management/model-prices", guarded(this::getPrices))
                .put("/v0/management/model-prices", guarded(this::putPrices))
                .post("/v0/management/model-prices/sync", guarded(this::syncPrices))
                .get("/v0/management/api-key-aliases", guarded(this::getAliases))
                .put("/v0/management/api-key-aliases", guarded(this::putAliases))
                .delete("/v0/management/api-key-aliases/{hash}", guarded(this::deleteAlias))
                .build();
    }

    /** The handler behind the management key; refusals and bad input end as the error envelope. */
    private Endpoints.Handler guarded(Endpoints.Handler h) {
        return c -> {
            if (!keys.admit(c.req(), c.res())) {
                return;
            }
            try {
                h.handle(c);
            } catch (ApiError.Failure f) {
                f.send(c.res());
            } catch (PersistenceException e) {
                LOG.log(System.Logger.Level.WARNING, "Storage error on " + c.path() + ": " + e.code());
                ErrorFamily.MANAGEMENT.send(c.res(), ClientError.of(503, "storage_unavailable",
                        "storage is not available right now"));
            }
        };
    }

    @Override
    public void serve(ServerRequest req, ServerResponse res, String path) throws Exception {
        CompatApi c = compat;
        if (!configApi.serve(req, res, path) && (c == null || !c.serve(req, res, path))) {
            owner.serve(req, res, path);
        }
    }

    @Override
    public boolean serves(io.helidon.http.Method method, String path) {
        CompatApi c = compat;
        return owner.serves(method, path) || configApi.serves(method, path) || (c != null && c.serves(method, path));
    }

    @Override
    public List<String> endpoints() {
        List<String> all = new ArrayList<>(owner.endpoints());
        all.addAll(configApi.endpoints().describe());
        CompatApi c = compat;
        if (c != null) {
            all.addAll(c.endpoints());
        }
        return List.copyOf(all);
    }

    /** Adds the rest of CLIProxyAPI's management API (it needs the built-in gateway, so it comes later). */
    public void compat(CompatApi api) {
        this.compat = api;
    }

    /** The client key made on the first start (made by the assembly once the gateway's key sources are known). */
    public FirstClientKey firstClientKey() {
        return firstClientKey;
    }

    /** {@code POST /v0/management/first-client-key}: the generated client key, once ({@code "key": null} after). */
    private void revealFirstClientKey(Endpoints.Call c) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        firstClientKey.revealOnce().ifPresentOrElse(
                r -> out.put("key", r.key()).put("createdAt", r.createdAt().toString()), () -> out.putNull("key"));
        Json.send(c.res(), 200, out);
    }

    /** The key check, for the gateway's management routes and usage queue ({@code keys()::admit}). */
    public ManagementKeys keys() {
        return keys;
    }

    /** The CLIProxyAPI-compatible config API this manager serves. */
    public ConfigApi configApi() {
        return configApi;
    }

    /** The live config document (the lead registers {@code gateway.reload} with {@link LiveConfig#onChange}). */
    /** Adds the {@code replica} block (id, mode, view age, config version, last change) to {@code /status}. */
    public void replicaStatus(Supplier<ObjectNode> status) {
        this.replicaStatus = status;
    }

    /** Adds the {@code usage} block (records in the usage log not yet in the database) to {@code /status}. */
    public void usageStatus(Supplier<ObjectNode> status) {
        this.usageStatus = status;
    }

    public LiveConfig liveConfig() {
        return config;
    }

    // --- health, info, status -----------------------------------------------------------------------------

    /**
     * {@code curl http://localhost:7860/health}: {@code "ok": false, "status": "degraded"} when a sealed value (an
     * auth file, a sealed setting) cannot be opened with the configured data keys.
     */
    private void health(ServerResponse res) {
        Resealer seal = persistence.resealer(); // no store read here: anyone may call /health
        ObjectNode o = Json.MAPPER.createObjectNode().put("ok", seal.healthy()).put("service", "spacegate")
                .put("version", Version.current());
        if (!seal.healthy()) {
            o.put("status", "degraded").put("authStore", "degraded").put("unreadable", seal.unreadable().size());
        }
        Json.send(res, 200, o);
    }

    /** {@code curl http://localhost:7860/usage-service/info} (no key): mode and setup state. */
    private void info(ServerResponse res) {
        boolean initialized = projectInitialized();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("service", "cpa-manager-plus"); // the id the CPA-Manager-Plus panel looks for
        o.put("product", "spacegate");
        o.put("version", Version.current());
        o.put("mode", "embedded");
        o.put("gateway", externalGateway ? "external" : "builtin");
        o.put("startedAt", startedAt);
        o.put("configured", initialized);
        o.put("adminReady", true);
        o.put("projectInitialized", initialized);
        o.put("setupRequired", !initialized);
        o.put("migrationStatus", initialized ? "ready" : "needs_setup");
        o.put("dataKeyReady", true);
        o.put("hasHistoricalData", persistence.usage().count() > 0);
        Json.send(res, 200, o);
    }

    private boolean projectInitialized() {
        return !externalGateway || connection().isPresent();
    }

    /** {@code curl -H "Authorization: Bearer $KEY" http://localhost:7860/status} */
    private void status(Endpoints.Call c) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("service", "spacegate");
        o.put("version", Version.current());
        o.put("startedAt", startedAt);
        Supplier<ObjectNode> usage = usageStatus;
        if (usage != null) {
            o.set("usage", usage.get());
        }
        // during a database outage the pool waits 15 s per call; the status (usage backlog) matters most then
        java.util.concurrent.CompletableFuture<Long> events = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> persistence.usage().count(), STATUS_CALLS);
        java.util.concurrent.CompletableFuture<Health> health = java.util.concurrent.CompletableFuture.supplyAsync(
                persistence::health, STATUS_CALLS);
        java.util.concurrent.CompletableFuture<ObjectNode> seals = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> sealStatus(persistence.resealer().status()), STATUS_CALLS);
        Long count = within(events);
        if (count == null) {
            o.putNull("events");
        } else {
            o.put("events", count);
        }
        UsageCollector col = collector;
        o.put("deadLetters", col == null ? 0 : col.status().path("deadLetters").asLong());
        if (col != null) {
            o.set("collector", col.status());
        } else {
            o.putObject("collector").put("collector", externalGateway ? "stopped" : "builtin")
                    .put("mode", externalGateway ? "http" : "in-process");
        }
        Health h = within(health);
        if (h == null) {
            h = new Health(persistence.database().engine().label(), false, java.util.OptionalLong.empty(),
                    "unknown", "database not answering");
        }
        ObjectNode db = o.putObject("database");
        db.put("engine", h.engine()).put("ok", h.ok()).put("authStore", h.authStore());
        h.sizeBytes().ifPresent(n -> db.put("databaseBytes", n).put("totalBytes", n));
        ObjectNode seal = within(seals);
        if (seal == null) {
            o.putObject("seal").put("unknown", "database not answering");
        } else {
            o.set("seal", seal);
        }
        o.set("config", config.status());
        Supplier<ObjectNode> replica = replicaStatus;
        if (replica != null) {
            o.set("replica", replica.get());
        }
        Json.send(c.res(), 200, o);
    }

    private static <T> T within(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(STATUS_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    /** Re-sealing progress: values still sealed under older data keys, by key id, and values that cannot be opened. */
    static ObjectNode sealStatus(Resealer.Status s) {
        ObjectNode seal = Json.MAPPER.createObjectNode();
        seal.put("currentKeyId", s.currentKeyId()).put("state", s.state()).put("pendingTotal", s.pendingTotal());
        ObjectNode pending = seal.putObject("pending");
        s.pending().forEach(pending::put);
        seal.putArray("unreadable").addAll(s.unreadable().stream().map(Json.MAPPER.getNodeFactory()::textNode)
                .toList());
        return seal;
    }

    // --- setup and service config -------------------------------------------------------------------------

    /** An external CLIProxyAPI connection: its base URL and management key. */
    record Connection(URI baseUrl, String managementKey, String source) {
    }

    /** The connection from the environment (GATEWAY_UPSTREAM + CPA_MANAGEMENT_KEY), else the one saved by setup. */
    Optional<Connection> connection() {
        if (settings.gatewayUpstream().isPresent() && settings.upstreamKey().isPresent()) {
            return Optional.of(new Connection(settings.gatewayUpstream().get(), settings.upstreamKey().get(), "env"));
        }
        return persistence.settings().get(SETUP_KEY).map(Versioned::value)
                .filter(v -> v.path("cpaBaseUrl").asText("").startsWith("http"))
                .filter(v -> v.hasNonNull("managementKey"))
                .map(v -> new Connection(URI.create(v.get("cpaBaseUrl").asText()),
                        persistence.secretBox().openText(v.get("managementKey").asText(), SEAL_CONTEXT), "db"));
    }

    /**
     * {@code curl -X POST -H "Authorization: Bearer $KEY" -d '{"cpaBaseUrl":"http://cpa:8317","managementKey":"..."}'
     * http://localhost:7860/setup}: binds an external CLIProxyAPI (validated with its {@code /v0/management/config})
     * and starts collecting its usage queue; the key is sealed at rest.
     */
    private void setup(Endpoints.Call c) {
        JsonNode body = Requests.json(c.req());
        String url = normalizeUrl(body.path("cpaBaseUrl").asText(""));
        String key = body.path("managementKey").asText(body.path("cpaManagementKey").asText("")).trim();
        if (url.isEmpty() || key.isEmpty()) {
            throw new ApiError.Failure(400, "cpa_connection_required", "cpaBaseUrl and managementKey are required");
        }
        Optional<Connection> current = connection();
        if (current.isPresent() && current.get().source().equals("env")
                && !(current.get().baseUrl().toString().equals(url) && current.get().managementKey().equals(key))) {
            throw new ApiError.Failure(409, "setup_env_managed",
                    "the connection is set by the environment (GATEWAY_UPSTREAM, CPA_MANAGEMENT_KEY)");
        }
        validateUpstream(url, key);
        saveConnection(url, key);
        restartCollector();
        Json.send(c.res(), 200, Json.MAPPER.createObjectNode().put("ok", true).put("upstream", url));
    }

    static String normalizeUrl(String raw) {
        String u = raw.trim();
        if (u.isEmpty()) {
            return "";
        }
        if (!u.contains("://")) {
            u = "http://" + u;
        }
        for (String suffix : List.of("/", "/v0/management", "/v0")) {
            if (u.endsWith(suffix)) {
                u = u.substring(0, u.length() - suffix.length());
            }
        }
        return u;
    }

    private void validateUpstream(String url, String key) {
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(HttpRequest.newBuilder(URI.create(url + "/v0/management/config"))
                            .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 != 2) {
                throw new ApiError.Failure(502, "management_api_validation_failed",
                        "the CLIProxyAPI management API answered HTTP " + r.statusCode());
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new ApiError.Failure(502, "management_api_validation_failed",
                    "the CLIProxyAPI management API is not reachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError.Failure(502, "management_api_validation_failed", "interrupted");
        }
    }

    private void saveConnection(String url, String key) {
        SettingsStore s = persistence.settings();
        ObjectNode doc = Json.MAPPER.createObjectNode().put("cpaBaseUrl", url)
                .put("managementKey", persistence.secretBox().sealText(key, SEAL_CONTEXT))
                .put("updatedAtMs", System.currentTimeMillis());
        Optional<Versioned<JsonNode>> old = s.get(SETUP_KEY);
        old.ifPresent(v -> doc.set("collector", v.value().path("collector")));
        s.put(SETUP_KEY, doc, old.map(Versioned::version).orElse(SettingsStore.ABSENT));
    }

    /** {@code curl -H "Authorization: Bearer $KEY" http://localhost:7860/usage-service/config} (key never shown) */
    private void getServiceConfig(Endpoints.Call c) {
        Optional<Connection> conn = connection();
        ObjectNode out = Json.MAPPER.createObjectNode();
        ObjectNode cfg = out.putObject("config");
        ObjectNode cpa = cfg.putObject("cpaConnection");
        cpa.put("cpaBaseUrl", conn.map(x -> x.baseUrl().toString()).orElse(""));
        cpa.put("managementKeySet", conn.isPresent());
        cfg.putObject("collector").put("enabled", conn.isPresent()).put("collectorMode", "http")
                .put("queue", "usage").put("batchSize", settings.batchSize())
                .put("pollIntervalMs", settings.pollInterval().toMillis()).put("queryLimit", settings.queryLimit());
        cfg.putObject("externalUsageService").put("enabled", false);
        out.put("source", conn.map(Connection::source).orElse(""));
        Json.send(c.res(), 200, out);
    }

    /**
     * {@code curl -X PUT -H "Authorization: Bearer $KEY" -d '{"config":{"cpaConnection":{"cpaBaseUrl":"...",
     * "managementKey":"..."}}}' http://localhost:7860/usage-service/config}
     */
    private void putServiceConfig(Endpoints.Call c) {
        JsonNode cpa = Requests.json(c.req()).path("config").path("cpaConnection");
        String url = normalizeUrl(cpa.path("cpaBaseUrl").asText(""));
        String key = cpa.path("managementKey").asText("").trim();
        Optional<Connection> current = connection();
        if (!url.isEmpty() || !key.isEmpty()) {
            if (current.isPresent() && current.get().source().equals("env")) {
                throw new ApiError.Failure(409, "connection_env_managed",
                        "the connection is set by the environment (GATEWAY_UPSTREAM, CPA_MANAGEMENT_KEY)");
            }
            String u = url.isEmpty() ? current.map(x -> x.baseUrl().toString()).orElse("") : url;
            String k = key.isEmpty() ? current.map(Connection::managementKey).orElse("") : key;
            if (u.isEmpty() || k.isEmpty()) {
                throw new ApiError.Failure(400, "cpa_connection_required", "cpaBaseUrl and managementKey are required");
            }
            validateUpstream(u, k);
            saveConnection(u, k);
            restartCollector();
        }
        getServiceConfig(c);
    }

    private synchronized void restartCollector() {
        if (collector != null) {
            collector.close();
            collector = null;
        }
        connection().ifPresent(this::startCollector);
    }

    private synchronized void startCollector(Connection conn) {
        collector = UsageCollector.start(new UsageCollector.Settings(conn.baseUrl(), conn.managementKey(),
                settings.batchSize(), settings.pollInterval(), settings.backoffStart(), settings.backoffMax()),
                persistence.usage());
    }

    /** The running collector, if any (tests and status). */
    public Optional<UsageCollector> collector() {
        return Optional.ofNullable(collector);
    }

    // --- usage --------------------------------------------------------------------------------------------

    /** {@code curl -H "Authorization: Bearer $KEY" http://localhost:7860/v0/management/usage} */
    private void usage(Endpoints.Call c) {
        Json.send(c.res(), 200, transfer.flat(Math.min(settings.queryLimit(), ManagerSettings.USAGE_VIEW_CAP)));
    }

    /** {@code curl -H "Authorization: Bearer $KEY" -o usage.jsonl http://localhost:7860/v0/management/usage/export} */
    private void export(Endpoints.Call c) throws Exception {
        c.res().status(Status.OK_200);
        c.res().header(HeaderNames.CONTENT_TYPE, "application/x-ndjson");
        c.res().header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"usage-events.jsonl\"");
        // many short lines: batch them into large writes (the server's own output buffer is small, for streams)
        try (OutputStream out = new BufferedOutputStream(c.res().outputStream(), 16 * 1024)) {
            transfer.export(settings.queryLimit(), out);
        }
    }

    /**
     * {@code curl -X POST -H "Authorization: Bearer $KEY" --data-binary @usage.jsonl
     * http://localhost:7860/v0/management/usage/import} (JSONL, JSON array or legacy snapshot; at most 64 MiB)
     */
    private void importUsage(Endpoints.Call c) throws Exception {
        long declared = c.req().headers().contentLength().orElse(-1L);
        if (declared > UsageTransfer.MAX_IMPORT_BYTES) {
            throw new ApiError.Failure(413, "usage_import_too_large", "import bodies are limited to 64 MiB");
        }
        byte[] body;
        try (var in = c.req().content().inputStream()) {
            body = in.readNBytes((int) UsageTransfer.MAX_IMPORT_BYTES + 1);
        }
        if (body.length > UsageTransfer.MAX_IMPORT_BYTES) {
            throw new ApiError.Failure(413, "usage_import_too_large", "import bodies are limited to 64 MiB");
        }
        UsageTransfer.ImportResult r = transfer.importBody(body);
        if (r.total() - r.failed() == 0 && (r.failed() > 0 || r.unsupported() > 0)) {
            ObjectNode err = r.toJson().put("error", "nothing in the body could be imported")
                    .put("code", "usage_import_invalid");
            ErrorFamily.send(c.res(), 400, err);
            return;
        }
        Json.send(c.res(), 200, r.toJson());
    }

    /**
     * {@code curl -H "Authorization: Bearer $KEY"
     * "http://localhost:7860/v0/management/dashboard/summary?today_start_ms=1767225600000"}
     */
    private void dashboard(Endpoints.Call c) {
        long todayStart = Requests.longParam(c.req(), "today_start_ms").orElse(0L);
        long now = Requests.longParam(c.req(), "now_ms").orElse(System.currentTimeMillis());
        int top = Requests.longParam(c.req(), "top_models").orElse(5L).intValue();
        int failures = Requests.longParam(c.req(), "recent_failures").orElse(5L).intValue();
        Json.send(c.res(), 200, analytics.dashboard(todayStart, now, Math.max(0, top), Math.min(100, failures),
                pool));
    }

    /**
     * {@code curl -X POST -H "Authorization: Bearer $KEY" -d '{"from_ms":1767225600000,"to_ms":1767312000000}'
     * http://localhost:7860/v0/management/monitoring/analytics}
     */
    private void monitoring(Endpoints.Call c) {
        Json.send(c.res(), 200, analytics.analytics(Requests.json(c.req()), pool));
    }

    // --- prices and aliases -------------------------------------------------------------------------------

    /** {@code curl -H "Authorization: Bearer $KEY" http://localhost:7860/v0/management/model-prices} */
    private void getPrices(Endpoints.Call c) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ObjectNode p = out.putObject("prices");
        prices.effective().forEach((m, price) -> p.set(m, price.toJson()));
        Json.send(c.res(), 200, out);
    }

    /**
     * {@code curl -X PUT -H "Authorization: Bearer $KEY" -d '{"prices":{"my-model":{"prompt":1,"completion":2}}}'
     * http://localhost:7860/v0/management/model-prices}: replaces the operator's own prices (they win over bundled
     * and synced ones).
     */
    private void putPrices(Endpoints.Call c) {
        JsonNode body = Requests.json(c.req());
        if (!body.has("prices")) {
            throw new ApiError.Failure(400, "prices_required", "body must be {\"prices\":{model: price}}");
        }
        Map<String, ModelPrice> parsed;
        try {
            parsed = PriceTable.parse(body.get("prices"), "manual");
        } catch (IllegalArgumentException e) {
            throw new ApiError.Failure(400, "invalid_price", e.getMessage());
        }
        Map<String, ModelPrice> manual = new java.util.TreeMap<>();
        parsed.forEach((m, p) -> manual.put(m, p.withSource("manual")));
        prices.replaceOverrides(manual);
        getPrices(c);
    }

    /**
     * {@code curl -X POST -H "Authorization: Bearer $KEY" -d '{"models":["gpt-5"]}'
     * http://localhost:7860/v0/management/model-prices/sync}: without a list, the priced models plus those used in
     * the last 30 days.
     */
    private void syncPrices(Endpoints.Call c) {
        JsonNode body = Requests.json(c.req());
        TreeSet<String> models = new TreeSet<>();
        body.path("models").forEach(m -> models.add(m.asText()));
        if (models.isEmpty()) {
            models.addAll(prices.effective().keySet());
            Instant now = Instant.now();
            persistence.usage().rollups(UsageFilter.between(now.minus(Duration.ofDays(30)), now.plusSeconds(1)),
                    GroupBy.MODEL).forEach(r -> {
                        if (!r.key().isBlank() && !r.key().equals("-")) {
                            models.add(r.key());
                        }
                    });
        }
        Json.send(c.res(), 200, priceSync.sync(new ArrayList<>(models)));
    }

    /** {@code curl -H "Authorization: Bearer $KEY" http://localhost:7860/v0/management/api-key-aliases} */
    private void getAliases(Endpoints.Call c) {
        Json.send(c.res(), 200, Aliases.toJson(aliases.all()));
    }

    /**
     * {@code curl -X PUT -H "Authorization: Bearer $KEY" -d '{"items":[{"apiKeyHash":"<sha256>","alias":"laptop"}]}'
     * http://localhost:7860/v0/management/api-key-aliases} (an empty alias removes the entry)
     */
    private void putAliases(Endpoints.Call c) {
        JsonNode items = Requests.json(c.req()).path("items");
        if (!items.isArray()) {
            throw new ApiError.Failure(400, "items_required", "body must be {\"items\":[{apiKeyHash, alias}]}");
        }
        for (JsonNode i : items) {
            if (!i.path("apiKeyHash").asText("").matches("[0-9a-fA-F]{64}")) {
                throw new ApiError.Failure(400, "invalid_api_key_hash", "apiKeyHash must be a SHA-256 hex digest");
            }
        }
        long now = System.currentTimeMillis();
        var all = aliases.edit(map -> items.forEach(i -> {
            String hash = i.get("apiKeyHash").asText().toLowerCase(java.util.Locale.ROOT);
            String alias = i.path("alias").asText("").trim();
            if (alias.isEmpty()) {
                map.remove(hash);
            } else {
                map.put(hash, new Aliases.Alias(hash, alias, now));
            }
        }));
        Json.send(c.res(), 200, Aliases.toJson(all));
    }

    /** {@code curl -X DELETE -H "Authorization: Bearer $KEY" http://localhost:7860/v0/management/api-key-aliases/<sha256>} */
    private void deleteAlias(Endpoints.Call c) {
        String hash = c.param("hash").toLowerCase(java.util.Locale.ROOT);
        if (!aliases.all().containsKey(hash)) {
            throw new ApiError.Failure(404, "alias_not_found", "no alias for that key hash");
        }
        aliases.edit(map -> map.remove(hash));
        Json.send(c.res(), 200, Json.MAPPER.createObjectNode().put("ok", true));
    }

    /** Ends the open live-tail streams (called when a graceful stop begins). */
    public void endStreams() {
        tail.close();
    }

    @Override
    public void close() {
        tail.close();
        UsageCollector c = collector;
        if (c != null) {
            c.close();
        }
        pool.shutdownNow();
    }
}
