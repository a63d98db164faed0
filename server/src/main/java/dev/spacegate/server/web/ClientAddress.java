package dev.spacegate.server.web;

import java.util.List;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * Resolves every request's client address once (see {@link TrustedProxies}) and keeps it in the request context, so
 * the management ban, usage records and the forwarders all count the same address. A WebSocket upgrade never
 * reaches the filters: {@link #peerRecorder()} notes each connection's socket peer as its request line arrives, and
 * {@link #ofUpgrade} resolves the upgrade's address from it by the same rules.
 */
public final class ClientAddress implements Filter {
    /** Context key holding the resolved address. */
    public static final String KEY = "spacegate.client-address";
    /** Context key: true when the socket peer is a trusted proxy (its X-Forwarded-Proto/Host are believed). */
    public static final String TRUSTED_PEER_KEY = "spacegate.trusted-peer";

    /** The socket peer of the connection this thread is reading a request from (one thread per connection). */
    private static final ThreadLocal<String> CONNECTION_PEER = new ThreadLocal<>();

    private final TrustedProxies proxies;

    public ClientAddress(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        req.context().register(KEY, resolve(req));
        req.context().register(TRUSTED_PEER_KEY, proxies.trustsPeer(req.remotePeer().host()));
        chain.proceed();
    }

    private String resolve(ServerRequest req) {
        return proxies.resolve(req.remotePeer().host(), forwardedFor(req.headers()));
    }

    private static List<String> forwardedFor(Headers headers) {
        return headers.contains(HeaderNames.X_FORWARDED_FOR)
                ? headers.get(HeaderNames.X_FORWARDED_FOR).allValues(false) : List.of();
    }

    /** An HTTP/1 listener for the server's config that records each request's socket peer for {@link #ofUpgrade}. */
    public static Http1ConnectionListener peerRecorder() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                CONNECTION_PEER.set(ctx.remotePeer().host());
            }
        };
    }

    /**
     * The resolved client address of the WebSocket upgrade this thread is handling (called from a listener's
     * {@code onHttpUpgrade}, which runs on the connection's thread right after its headers were read).
     */
    public Upgrade ofUpgrade(Headers upgradeHeaders) {
        String peer = CONNECTION_PEER.get();
        if (peer == null) {
            return new Upgrade("", false); // not recorded (server built without peerRecorder): claim nothing
        }
        return new Upgrade(proxies.resolve(peer, forwardedFor(upgradeHeaders)), proxies.trustsPeer(peer));
    }

    /**
     * The client of a WebSocket upgrade.
     *
     * @param address         the resolved client address
     * @param viaTrustedProxy true when the socket peer is a trusted proxy (its X-Forwarded-Proto/Host are believed)
     */
    public record Upgrade(String address, boolean viaTrustedProxy) {
    }

    /** True when the request came through a trusted proxy, so its X-Forwarded-Proto and -Host are believed. */
    public static boolean viaTrustedProxy(ServerRequest req) {
        return req.context().get(TRUSTED_PEER_KEY, Boolean.class).orElse(false);
    }

    /** The resolved client address of {@code req}; the socket peer when no filter resolved one. */
    public static String of(ServerRequest req) {
        return req.context().get(KEY, String.class).orElseGet(() -> req.remotePeer().host());
    }
}
