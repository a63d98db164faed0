package dev.spacegate.server;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.routing.Drain;
import dev.spacegate.server.routing.EndpointOwner;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.routing.ErrorReply;
import dev.spacegate.server.routing.Forwarder;
import dev.spacegate.server.routing.RequestLog;
import dev.spacegate.server.routing.RouteOwner;
import dev.spacegate.server.routing.RouteTable;
import dev.spacegate.server.routing.Router;
import dev.spacegate.server.routing.WsDispatch;
import dev.spacegate.server.routing.WsOwner;
import dev.spacegate.server.web.Json;
import dev.spacegate.server.web.LandingPage;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import sun.misc.Signal;

/** One running Spacegate: the owners wired to the route table on one listening socket. */
public final class Spacegate {
    private static final System.Logger LOG = System.getLogger(Spacegate.class.getName());
    static final String DEFAULT_GATEWAY_UPSTREAM = "http://127.0.0.1:8317";
    static final String DEFAULT_MANAGER_UPSTREAM = "http://127.0.0.1:18317";

    private final WebServer server;
    private final ServerConfig config;
    private final Drain drain;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Spacegate(WebServer server, ServerConfig config, Drain drain) {
        this.server = server;
        this.config = config;
        this.drain = drain;
    }

    /** Starts the server and prints the one start-up line. */
    public static Spacegate start(ServerConfig config) {
        long t0 = System.nanoTime();
        RouteTable table = RouteTable.profile(config.routeProfile());
        Map<String, RouteOwner> owners = owners(table, config);
        Map<String, WsOwner> wsOwners = new HashMap<>();
        owners.forEach((name, owner) -> {
            if (owner instanceof WsOwner ws) {
                wsOwners.put(name, ws);
            }
        });
        Router router = new Router(table, owners, config.maxBodyBytes());
        Drain drain = new Drain();
        WebServer server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                // Requests in flight are awaited by Drain; this only bounds closing idle connections and sockets.
                .shutdownGracePeriod(Duration.ofSeconds(1))
                // The router enforces the body limit itself (413 in JSON); this is only a backstop.
                .maxPayloadSize(config.maxBodyBytes() + 1024 * 1024)
                // Streams are flushed event by event; with Nagle's algorithm on, a flush waits for the client's
                // delayed ACK (up to 40 ms) whenever the previous event is still unacknowledged.
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.addFilter(drain).addFilter(new RequestLog()).any(router))
                .addRouting(WsRouting.builder().endpoint("/*", () -> new WsDispatch(table, wsOwners)))
                .build()
                .start();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("Spacegate API gateway listening on " + config.listenUrl(server.port())
                + " (profile " + table.name() + ", started in " + ms + " ms)");
        return new Spacegate(server, config, drain);
    }

    static Map<String, RouteOwner> owners(RouteTable table, ServerConfig config) {
        Map<String, RouteOwner> owners = new HashMap<>();
        boolean bundled = table.name().equals("bundled");
        if (bundled) {
            owners.put(RouteTable.GATEWAY, config.gatewayUpstream()
                    .<RouteOwner>map(u -> forwarder(RouteTable.GATEWAY, u, config))
                    .orElseGet(Spacegate::builtinGateway));
            owners.put(RouteTable.MANAGER, config.managerUpstream()
                    .<RouteOwner>map(u -> forwarder(RouteTable.MANAGER, u, config))
                    .orElseGet(Spacegate::builtinManager));
            owners.put(RouteTable.PANEL, builtinPanel());
        } else {
            owners.put(RouteTable.GATEWAY, forwarder(RouteTable.GATEWAY,
                    config.gatewayUpstream().orElse(DEFAULT_GATEWAY_UPSTREAM), config));
            owners.put(RouteTable.MANAGER, forwarder(RouteTable.MANAGER,
                    config.managerUpstream().orElse(DEFAULT_MANAGER_UPSTREAM), config));
        }
        return owners;
    }

    private static Forwarder forwarder(String owner, String url, ServerConfig config) {
        LOG.log(System.Logger.Level.INFO, owner + " paths go to the external upstream " + url);
        return new Forwarder(owner, url, config.upstreamReadTimeout());
    }

    private static RouteOwner builtinGateway() {
        return new EndpointOwner(Endpoints.builder()
                .get("/healthz", c -> Json.send(c.res(), 200, Json.MAPPER.createObjectNode().put("status", "ok")))
                .build(),
                (res, status, msg) -> ErrorReply.send(res, status, "invalid_request_error",
                        status == 404 ? "not_found" : "method_not_allowed", msg, null));
    }

    private static RouteOwner builtinManager() {
        return new EndpointOwner(Endpoints.builder()
                .get("/health", c -> Json.send(c.res(), 200, Json.MAPPER.createObjectNode()
                        .put("ok", true).put("service", "spacegate").put("version", Version.current())))
                .build(),
                (res, status, msg) -> Json.send(res, status, Json.MAPPER.createObjectNode()
                        .put("error", msg).put("code", status == 404 ? "not_found" : "method_not_allowed")));
    }

    private static RouteOwner builtinPanel() {
        return new EndpointOwner(Endpoints.builder()
                .get("/", c -> LandingPage.send(c.res()))
                .build(),
                (res, status, msg) -> Json.send(res, status, Json.MAPPER.createObjectNode()
                        .put("error", msg).put("code", status == 404 ? "not_found" : "method_not_allowed")));
    }

    public int port() {
        return server.port();
    }

    public ServerConfig config() {
        return config;
    }

    /** Refuses new requests, lets those in flight (streams too) finish within the grace period, then stops. */
    public void stop() {
        if (server.isRunning()) {
            if (!drain.drain(config.shutdownGrace())) {
                LOG.log(System.Logger.Level.WARNING, drain.inFlight() + " request(s) still running after the "
                        + config.shutdownGrace().toSeconds() + " s grace period; stopping anyway");
            }
            server.stop();
        }
        stopped.countDown();
    }

    /** Blocks until SIGTERM or SIGINT, stops gracefully and exits the JVM with status 0. */
    void awaitTermination() {
        sun.misc.SignalHandler onSignal = sig -> {
            LOG.log(System.Logger.Level.INFO, "SIG" + sig.getName() + ": stopping, grace "
                    + config.shutdownGrace().toSeconds() + " s");
            Thread.ofPlatform().name("spacegate-stop").start(this::stop);
        };
        Signal.handle(new Signal("TERM"), onSignal);
        Signal.handle(new Signal("INT"), onSignal);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println("Spacegate stopped");
        System.exit(0);
    }
}
