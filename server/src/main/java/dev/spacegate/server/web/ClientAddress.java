package dev.spacegate.server.web;

import java.util.List;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * Resolves every request's client address once (see {@link TrustedProxies}) and keeps it in the request context, so
 * the management ban, usage records and the forwarders all count the same address.
 */
public final class ClientAddress implements Filter {
    /** Context key holding the resolved address. */
    public static final String KEY = "spacegate.client-address";
    /** Context key: true when the socket peer is a trusted proxy (its X-Forwarded-Proto/Host are believed). */
    public static final String TRUSTED_PEER_KEY = "spacegate.trusted-peer";

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
        List<String> xff = req.headers().contains(HeaderNames.X_FORWARDED_FOR)
                ? req.headers().get(HeaderNames.X_FORWARDED_FOR).allValues(false) : List.of();
        return proxies.resolve(req.remotePeer().host(), xff);
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
