package dev.spacegate.server.gateway.execute;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.spacegate.server.gateway.pool.Credential;
import dev.spacegate.server.providers.ApiFormat;

/**
 * Step "upstream headers": the client's headers that may travel, content negotiation, the credential's key in the
 * header its provider expects, and the credential's own headers.
 *
 * <p>Client headers travel by allowlist (docs/security.md, "Upstreams"): a few that every API reads (user agent,
 * SDK telemetry, idempotency) and the ones of the upstream's own API when the client speaks it. Anything else
 * (management keys, cookies, proxy and forwarding headers, a client's own secrets) stays with Spacegate.
 */
final class RequestHeaders {
    /** Client headers every upstream may see. */
    private static final Set<String> COMMON = Set.of("user-agent", "idempotency-key", "x-request-id");
    /** Prefixes every upstream may see: OpenAI and Anthropic SDK telemetry ({@code x-stainless-os}, ...). */
    private static final List<String> COMMON_PREFIXES = List.of("x-stainless-");
    /** Client headers of each upstream API, forwarded when the client speaks that API. */
    private static final Map<ApiFormat, Set<String>> BY_FORMAT = Map.of(
            ApiFormat.CLAUDE, Set.of("anthropic-version", "anthropic-beta", "anthropic-dangerous-direct-browser-access",
                    "x-app"),
            ApiFormat.OPENAI_CHAT, Set.of("openai-beta"),
            ApiFormat.OPENAI_RESPONSES, Set.of("openai-beta", "originator", "session_id", "conversation_id",
                    "version"),
            ApiFormat.GEMINI, Set.of("x-goog-api-client"));

    private RequestHeaders() {
    }

    /** The headers for an attempt (lower-case names, a mutable map: the OAuth token is set later). */
    static Map<String, String> of(Attempt a) {
        Map<String, String> h = new LinkedHashMap<>();
        ApiFormat upstreamFormat = a.upstreamFormat();
        boolean sameFormat = upstreamFormat == a.clientFormat();
        Map<String, String> client = a.call().clientHeaders();
        Set<String> own = sameFormat ? BY_FORMAT.getOrDefault(upstreamFormat, Set.of()) : Set.of();
        client.forEach((k, v) -> {
            if (COMMON.contains(k) || own.contains(k) || COMMON_PREFIXES.stream().anyMatch(k::startsWith)) {
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
