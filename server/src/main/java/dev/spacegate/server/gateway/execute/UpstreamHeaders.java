package dev.spacegate.server.gateway.execute;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.spacegate.server.gateway.config.GatewayConfig;
import dev.spacegate.server.outbound.Response;

/**
 * The upstream response headers {@code passthrough-headers: true} hands on to the client (rate-limit and
 * processing headers, the upstream's request id, ...): everything but connection handling, body framing, what
 * Spacegate sets itself and what would let the upstream act on the client (cookies, HSTS, auth challenges).
 */
final class UpstreamHeaders {
    private static final Set<String> DROPPED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
            "content-length", "content-encoding", "content-type", "date", "server", "via", "x-request-id",
            "cache-control", "x-accel-buffering", "set-cookie", "set-cookie2", "www-authenticate",
            "strict-transport-security", "alt-svc", "nel", "report-to", "retry-after");
    private static final List<String> DROPPED_PREFIXES = List.of("access-control-", "x-spacegate-", "cf-");

    private UpstreamHeaders() {
    }

    /** The headers to forward (first value of each, in the upstream's order); none unless the config asks. */
    static Map<String, String> forClient(GatewayConfig cfg, Response upstream) {
        if (!cfg.passthroughHeaders()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        upstream.headers().forEach((name, values) -> {
            if (!values.isEmpty() && !DROPPED.contains(name)
                    && DROPPED_PREFIXES.stream().noneMatch(name::startsWith)) {
                out.put(name, values.get(0));
            }
        });
        return out;
    }
}
