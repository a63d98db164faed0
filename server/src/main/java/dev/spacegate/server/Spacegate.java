package dev.spacegate.server;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.spacegate.persistence.Persistence;
import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.gateway.GatewayService;
import dev.spacegate.server.manager.ManagerService;
import dev.spacegate.server.routing.Drain;
import dev.spacegate.server.routing.ManagementCors;
import dev.spacegate.server.routing.RequestLog;
import dev.spacegate.server.routing.RouteTable;
import dev.spacegate.server.routing.Router;
import dev.spacegate.server.routing.WsDispatch;
import dev.spacegate.server.routing.RouteOwner;
import dev.spacegate.server.web.ClientAddress;
import dev.spacegate.server.web.ServerLimits;
import dev.spacegate.server.web.TrustedProxies;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import sun.misc.Signal;

/** One running Spacegate: the parts of a route profile on one listening socket, stopped gracefully. */
public final class Spacegate {
    private static final System.Logger LOG = System.getLogger(Spacegate.class.getName());

    private final WebServer server;
    private final ServerConfig config;
    private final Drain drain;
    private final Assembly parts;
    /** What a stop may take beyond the grace period (closing sockets and stores, printing the last line). */
    private static final long LATE_MS = 600;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch signalled = new CountDownLatch(1);
    private volatile long signalledAt;
    private volatile long pendingUsage = -1;

    private Spacegate(WebServer server, ServerConfig config, Drain drain, Assembly parts) {
        this.server = server;
        this.config = config;
        this.drain = drain;
        this.parts = parts;
    }

    /** Starts the server with storage and settings from the process environment. */
    public static Spacegate start(ServerConfig config) {
        return start(config, null, System.getenv());
    }

    /**
     * Starts the server and prints the one start-up line.
     *
     * @param persistence open stores to use (tests); null opens them from {@code env} when a built-in part needs
     *                    them, and closes them on {@link #stop()}
     * @param env         environment for storage and the manager's settings
     */
    public static Spacegate start(ServerConfig config, Persistence persistence, Map<String, String> env) {
        long t0 = System.nanoTime();
        RouteTable table = RouteTable.profile(config.routeProfile(), config.gatewayUpstream().isPresent());
        Assembly parts = Assembly.build(table, config, persistence, env);
        try {
            Map<String, RouteOwner> owners = Map.copyOf(parts.owners());
            ServerLimits limits = ServerLimits.fromEnv(env);
            TrustedProxies proxies = TrustedProxies.fromEnv(env);
            ClientAddress clientAddress = new ClientAddress(proxies);
            Router router = new Router(table, owners, config.maxBodyBytes(), limits.requestReadTimeout());
            Drain drain = new Drain();
            WebServer server = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .shutdownHook(false)
                    // Requests in flight are awaited by Drain; this only bounds closing idle connections.
                    .shutdownGracePeriod(Duration.ofSeconds(1))
                    // The router enforces the body limit itself (413 in JSON); this is only a backstop.
                    .maxPayloadSize(config.maxBodyBytes() + 1024 * 1024)
                    // Streams are flushed event by event; with Nagle's algorithm on, a flush waits for the
                    // client's delayed ACK (up to 40 ms) whenever the previous event is still unacknowledged.
                    .connectionOptions(o -> o.tcpNoDelay(true))
                    // The buffer of a response's output stream, held by every open stream for as long as it lasts
                    // (Helidon's default 4 KiB: 4 MB at 1,000 streams). Streams flush each event, so a larger event
                    // goes past it in one write either way; the usage export buffers its many lines itself.
                    .writeBufferSize(512)
                    // limits that hold before any key is checked (docs/security.md)
                    .maxTcpConnections(limits.maxConnections())
                    .idleConnectionTimeout(limits.idleTimeout())
                    .idleConnectionPeriod(Duration.ofSeconds(Math.max(1, Math.min(30, limits.idleTimeout().toSeconds()))))
                    // a WebSocket upgrade skips the filters: its client address is resolved from this record
                    .addProtocol(Http1Config.builder().addReceiveListener(ClientAddress.peerRecorder()).build())
                    .addProtocol(WsConfig.create())
                    // only the protocols above: a second, discovered HTTP/1 config would make each connection wait
                    // for bytes to pick one, and a connection that sends nothing would escape the idle timeout
                    .protocolsDiscoverServices(false)
                    .routing(r -> {
                        r.addFilter(clientAddress).addFilter(drain).addFilter(new RequestLog())
                                .addFilter(new ManagementCors(ManagementCors.origins(env)));
                        parts.filters().forEach(r::addFilter);
                        r.any(router);
                    })
                    .addRouting(WsRouting.builder().endpoint("/*", () -> new WsDispatch(table, owners, clientAddress)))
                    .build()
                    .start();
            if (!proxies.describe().equals("none")) {
                LOG.log(System.Logger.Level.INFO, "Client addresses: X-Forwarded-For is believed from trusted proxies "
                        + proxies.describe());
            }
            parts.listening();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("Spacegate API gateway listening on " + config.listenUrl(server.port())
                    + " (profile " + table.name() + ", started in " + ms + " ms)");
            return new Spacegate(server, config, drain, parts);
        } catch (RuntimeException e) {
            parts.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public ServerConfig config() {
        return config;
    }

    /** The parts of this server by owner name, as the route table hands them requests. */
    Map<String, RouteOwner> owners() {
        return Map.copyOf(parts.owners());
    }

    /** The built-in manager of this server, when it has one. */
    public Optional<ManagerService> manager() {
        return parts.manager();
    }

    /** The built-in gateway of this server, when it has one. */
    public Optional<GatewayService> gateway() {
        return parts.gateway();
    }

    /**
     * Refuses new requests, lets those in flight (streams too) finish within the grace period, then stops; the
     * usage writer keeps draining its log until the grace period (counted from this call) is over.
     */
    public void stop() {
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        if (server.isRunning()) {
            parts.beginShutdown();
            if (!drain.drain(config.shutdownGrace())) {
                LOG.log(System.Logger.Level.WARNING, drain.inFlight() + " request(s) still running after the "
                        + config.shutdownGrace().toSeconds() + " s grace period; stopping anyway");
            }
            server.stop();
            pendingUsage = parts.close(deadline);
        }
        stopped.countDown();
    }

    /** The last line a stopping server prints: whether every usage record reached the database. */
    String stoppedLine() {
        long pending = parts.gateway().map(g -> g.usageSink().pending()).orElse(0L);
        if (pendingUsage >= 0) {
            pending = pendingUsage;
        }
        return pending == 0 ? "Spacegate stopped; usage log drained"
                : "Spacegate stopped; " + pending + " usage records not written to the database yet (kept in"
                + " DATA_DIR/usage-journal, written at the next start on the same data directory)";
    }

    /** Blocks until SIGTERM or SIGINT, stops gracefully and exits the JVM with status 0. */
    void awaitTermination() {
        sun.misc.SignalHandler onSignal = sig -> {
            if (signalled.getCount() == 0) {
                return; // a second signal: the first stop is already bounded
            }
            signalledAt = System.nanoTime();
            signalled.countDown();
            LOG.log(System.Logger.Level.INFO, "SIG" + sig.getName() + ": stopping, grace "
                    + config.shutdownGrace().toSeconds() + " s");
            Thread.ofPlatform().daemon().name("spacegate-stop").start(this::stop);
        };
        Signal.handle(new Signal("TERM"), onSignal);
        Signal.handle(new Signal("INT"), onSignal);
        boolean finished = false;
        try {
            signalled.await();
            // a bound whatever the database does: the grace period, then a moment for the rest
            finished = stopped.await(config.shutdownGrace().toMillis() + LATE_MS
                    - (System.nanoTime() - signalledAt) / 1_000_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!finished) {
            LOG.log(System.Logger.Level.WARNING, "stop did not finish within the grace period; exiting anyway");
        }
        // the access log is written from a background thread: out first (briefly), so the line below is the last one
        Thread flush = Thread.ofPlatform().daemon().start(() -> {
            for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("spacegate.access").getHandlers()) {
                h.flush();
            }
        });
        try {
            flush.join(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.println(stoppedLine());
        System.out.flush();
        System.err.flush();
        // everything was closed by stop() (or is abandoned after the grace period); shutdown hooks (JUL's handler
        // reset among them) only add time a Space restart does not have
        Runtime.getRuntime().halt(0);
    }
}
