package dev.spacegate.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.server.config.EnvKeys;
import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.gateway.config.GatewayConfig;
import dev.spacegate.server.gateway.GatewayService;
import dev.spacegate.server.gateway.AuthSetup;
import dev.spacegate.server.gateway.oauth.AuthFiles;
import dev.spacegate.server.gateway.pool.SettingsCooldownStore;
import dev.spacegate.server.gateway.usage.UsageWriter;
import dev.spacegate.server.manager.ManagerService;
import dev.spacegate.server.manager.ManagerSettings;
import dev.spacegate.server.manager.compat.CompatApi;
import dev.spacegate.server.manager.compat.RequestCounters;
import dev.spacegate.server.manager.compat.RequestLogs;
import dev.spacegate.server.manager.compat.VersionHeader;
import dev.spacegate.server.manager.config.ConfigSeed;
import dev.spacegate.server.manager.panel.PanelService;
import dev.spacegate.server.manager.setup.ManagementKeys;
import dev.spacegate.server.replica.ReplicaSettings;
import dev.spacegate.server.replica.Replicas;
import dev.spacegate.server.routing.Forwarder;
import dev.spacegate.server.routing.RouteOwner;
import dev.spacegate.server.routing.RouteTable;
import io.helidon.webserver.http.Filter;

/**
 * Builds the parts a route profile needs and wires them together: storage, the built-in manager and gateway
 * (or forwarders to external ones) and the panel. Every owner the route table names gets exactly one part.
 */
final class Assembly implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Assembly.class.getName());
    static final String DEFAULT_GATEWAY_UPSTREAM = "http://127.0.0.1:8317";
    static final String DEFAULT_MANAGER_UPSTREAM = "http://127.0.0.1:18317";

    private final Map<String, RouteOwner> owners = new HashMap<>();
    private final List<Filter> filters = new ArrayList<>();
    private final RequestCounters counters = new RequestCounters();
    private final RequestLogs requestLogs = new RequestLogs();
    private Persistence ownedPersistence;
    private ManagerService manager;
    private GatewayService gateway;
    private Replicas replicas;
    /** Completed by {@link Spacegate#start} once the server listens: work the first requests need not wait for. */
    private final CompletableFuture<Void> listening = new CompletableFuture<>();

    private Assembly() {
    }

    /**
     * @param persistence open stores to use (tests); null opens them from {@code env} when a built-in part
     *                    needs them, and {@link #close()} closes them
     */
    static Assembly build(RouteTable table, ServerConfig config, Persistence persistence, Map<String, String> env) {
        Assembly a = new Assembly();
        try {
            a.wire(table, config, persistence, env);
            return a;
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    private void wire(RouteTable table, ServerConfig config, Persistence given, Map<String, String> env) {
        boolean bundled = table.name().equals("bundled");
        Optional<String> gatewayUrl = bundled ? config.gatewayUpstream()
                : Optional.of(config.gatewayUpstream().orElse(DEFAULT_GATEWAY_UPSTREAM));
        // The built-in manager also replaces CPA-Manager in front of an external CLIProxyAPI (cpa-manager).
        Optional<String> managerUrl = table.name().equals("cpamp")
                ? Optional.of(config.managerUpstream().orElse(DEFAULT_MANAGER_UPSTREAM)) : config.managerUpstream();
        boolean builtinGateway = gatewayUrl.isEmpty();
        boolean builtinManager = managerUrl.isEmpty();

        Persistence storage = null;
        long startId = 0;
        if (builtinGateway || builtinManager) {
            storage = given != null ? given : open(env);
            // read before any state is loaded, so no change made meanwhile is missed
            startId = storage.changes().shared() ? storage.changes().latestId() : 0;
        }
        if (builtinManager) {
            manager = new ManagerService(storage, ManagerSettings.fromEnv(env), ConfigSeed.of(config, env),
                    Assembly::gatewayProblems, !builtinGateway, listening);
            manager.keys().limitFailures(env);
            owners.put(RouteTable.MANAGER, manager);
            filters.add(new VersionHeader()); // an external manager or CLIProxyAPI sends its own
        } else {
            owners.put(RouteTable.MANAGER, forwarder(RouteTable.MANAGER, managerUrl.get(), config));
        }
        ManagementKeys keys = manager != null ? manager.keys() : null;
        if (builtinGateway) {
            keys = wireGateway(config, storage, env);
            owners.put(RouteTable.GATEWAY, gateway);
        } else {
            owners.put(RouteTable.GATEWAY, forwarder(RouteTable.GATEWAY, gatewayUrl.get(), config));
        }
        if (storage != null) {
            storage.resealer().start(); // every sealed value is registered by now
            replicas = Replicas.start(storage.changes(), ReplicaSettings.fromEnv(env), startId,
                    manager == null ? null : manager.liveConfig(), keys, gateway);
            if (manager != null) {
                manager.replicaStatus(replicas::status);
            }
        }
        if (table.owners().contains(RouteTable.PANEL)) {
            owners.put(RouteTable.PANEL, new PanelService(table, (method, path) -> {
                RouteTable.Decision d = table.decide(path);
                return owners.get(d.owner()).serves(method, d.targetPath());
            }));
        }
    }

    /** The built-in gateway with its auth files, fed by the built-in manager's live config when there is one. */
    private ManagementKeys wireGateway(ServerConfig config, Persistence storage, Map<String, String> env) {
        ManagerSettings fromEnv = ManagerSettings.fromEnv(env);
        ManagementKeys keys = manager != null ? manager.keys()
                : ManagementKeys.open(storage.settings(), fromEnv.managementPassword(), Clock.systemUTC(), listening)
                        .previous(fromEnv.previousPassword()).limitFailures(env);
        EnvKeys clientEnv = EnvKeys.fromEnv(env, "CLIENT_API_KEYS", true);
        if (manager != null) {
            manager.firstClientKey().ensure(clientEnv, System.out);
        }
        JsonNode document = manager != null ? manager.liveConfig().current() : config.document();
        Path journal = storage.options().dataDir().resolve("usage-journal");
        try {
            gateway = new GatewayService(document, keys::admit, usageWriter(storage, stored -> {
                counters.accept(stored);
                requestLogs.usage(stored);
            }),
                    new SettingsCooldownStore(storage.settings()), journal);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the usage journal directory " + journal, e);
        }
        gateway.clientKeysFromEnv(clientEnv);
        AuthFiles authFiles = AuthSetup.attach(gateway, storage, document, env);
        if (manager != null) {
            // every saved change, and every change another replica saved (Replicas reloads the LiveConfig)
            manager.liveConfig().onChange(gateway::reload);
            SettingsStore settings = storage.settings();
            manager.liveConfig().onChange(doc -> AuthSetup.follow(authFiles, settings, doc, env));
            manager.compat(CompatApi.bundled(manager.liveConfig(), manager.keys(), gateway, counters,
                    requestLogs));
            filters.add(requestLogs);
            manager.usageStatus(gateway::usageStatus);
        }
        return keys;
    }

    private Persistence open(Map<String, String> env) {
        ownedPersistence = Persistence.open(PersistenceSettings.fromEnv(env));
        return ownedPersistence;
    }

    /** The gateway's validation of a whole config document, as the manager's config API reports it (422). */
    static List<String> gatewayProblems(ObjectNode doc) {
        try {
            GatewayConfig.from(doc);
            return List.of();
        } catch (GatewayConfig.InvalidConfigException e) {
            return e.problems();
        }
    }

    /** The usage store's writer; {@code stored} sees each batch once it is stored (counts for the management API). */
    private static UsageWriter usageWriter(Persistence storage, Consumer<List<UsageEvent>> stored) {
        return records -> {
            storage.usage().appendBatch(records);
            stored.accept(records);
        };
    }

    /** The server listens: starts what was deferred until then. */
    void listening() {
        listening.complete(null);
    }

    /** Request filters the parts add (management version header, request log), in order. */
    List<Filter> filters() {
        return filters;
    }

    private static Forwarder forwarder(String owner, String url, ServerConfig config) {
        LOG.log(System.Logger.Level.INFO, owner + " paths go to the external upstream " + url);
        return new Forwarder(owner, url, config.upstreamReadTimeout());
    }

    Map<String, RouteOwner> owners() {
        return owners;
    }

    Optional<ManagerService> manager() {
        return Optional.ofNullable(manager);
    }

    Optional<GatewayService> gateway() {
        return Optional.ofNullable(gateway);
    }

    /** Ends long-lived streams (the panel's live tail) so they do not hold a graceful stop until its grace ends. */
    void beginShutdown() {
        if (manager != null) {
            manager.endStreams();
        }
    }

    @Override
    public void close() {
        close(System.nanoTime() + Duration.ofSeconds(10).toNanos());
    }

    /**
     * Closes every part, the gateway's usage writer trying until {@code deadlineNanos} (a {@link System#nanoTime}
     * value); returns the usage records left in the usage log (0 without a built-in gateway).
     */
    long close(long deadlineNanos) {
        long pending = 0;
        if (replicas != null) {
            replicas.close();
        }
        if (gateway != null) {
            pending = gateway.close(deadlineNanos);
        }
        if (manager != null) {
            manager.close();
        }
        if (ownedPersistence != null) {
            ownedPersistence.close();
        }
        return pending;
    }
}
