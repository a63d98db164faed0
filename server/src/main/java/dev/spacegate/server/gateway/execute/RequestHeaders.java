package dev.spacegate.server.gateway.execute;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.spacegate.server.gateway.pool.Credential;
import dev.spacegate.server.providers.ApiFormat;

/**
 * The headers of an upstream request: the client's headers that may travel, content negotiation, the
 * credential's key in the header its provider expects, and the credential's own headers.
 */
final class RequestHeaders {
    /** Client headers never forwarded upstream: hop-by-hop, our own auth, encodings we must be able to read. */
    private static final Set<String> DROPPED = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "upgrade", "te", "trailer", "proxy-authorization", "proxy-connection",
            "authorization", "x-api-key", "x-goog-api-key", "cookie", "accept-encoding", "expect", "forwarded",
            "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "origin", "referer",
            "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol",
            "content-type", "accept");

    private RequestHeaders() {
    }

    /** The headers for an attempt (lower-case names, a mutable map: the OAuth token is set later). */
    static Map<String, String> of(Attempt a) {
        Map<String, String> h = new LinkedHashMap<>();
        ApiFormat upstreamFormat = a.upstreamFormat();
        boolean sameFormat = upstreamFormat == a.clientFormat();
        Map<String, String> client = a.call().clientHeaders();
        client.forEach((k, v) -> {
            if (!DROPPED.contains(k) && (sameFormat || !k.startsWith("anthropic-"))) {
                h.put(k, v);
            }
        });
        h.put("x-request-id", a.call().requestId()); // the id of the response, access log and usage record
        h.put("content-type", "application/json");
        h.put("accept", a.upstreamStream() ? "text/event-stream" : "application/json");
        putKey(a.credential(), h);
        if (upstreamFormat == ApiFormat.CLAUDE) {
            h.putIfAbsent("anthropic-version", "2023-06-01");
        }
        a.credential().headers().forEach((k, v) -> {
            String value = v.startsWith("$") ? client.get(v.substring(1).toLowerCase(Locale.ROOT)) : v;
            if (value != null) {
                h.put(k.toLowerCase(Locale.ROOT), value);
            }
        });
        return h;
    }

    private static void putKey(Credential c, Map<String, String> h) {
        String key = c.apiKey();
        switch (c.kind().keyHeader()) {
            case BEARER -> h.put("authorization", "Bearer " + key);
            case GOOG -> h.put("x-goog-api-key", key);
            case ANTHROPIC -> {
                if (c.baseUrl().contains("://api.anthropic.com")) {
                    h.put("x-api-key", key);
                } else {
                    h.put("authorization", "Bearer " + key);
                }
            }
        }
    }
}
