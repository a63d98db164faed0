package dev.spacegate.server.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.spacegate.server.gateway.execute.ClientCall;
import dev.spacegate.server.providers.Operation;
import dev.spacegate.server.gateway.execute.RequestBody;
import dev.spacegate.server.gateway.stream.ResponsesWebSocket;
import dev.spacegate.server.routing.RequestLog;
import dev.spacegate.server.web.Bodies;
import dev.spacegate.server.web.ClientAddress;
import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;

/**
 * Step "intake": what the gateway needs from a client request before dispatch: the body (bounded), and the
 * {@link ClientCall} of an HTTP request or of a WebSocket {@code response.create} (request id, client address,
 * session for affinity).
 */
final class CallIntake {
    /** Headers that name a client session, in CLIProxyAPI's order; the body's hints come after them. */
    private static final List<String> SESSION_HEADERS = List.of("x-claude-code-session-id", "session-id",
            "session_id", "x-session-id", "x-session-affinity", "x-client-request-id");

    private CallIntake() {
    }

    /** The call of an HTTP request. */
    static ClientCall httpCall(ServerRequest req, Operation op, RequestBody body, String model, boolean stream,
                               String alt, String key, long start, boolean affinity) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : req.headers()) {
            headers.putIfAbsent(h.name().toLowerCase(Locale.ROOT), h.get());
        }
        // the id the access log and the response carry (the client's when sane): one id end to end
        String id = req.context().get(RequestLog.REQUEST_ID_KEY, String.class).orElseGet(CallIntake::requestId);
        return new ClientCall(op, body, model, stream, alt, key, headers, id, start,
                ClientAddress.of(req), headers.getOrDefault("x-forwarded-for", ""),
                headers.getOrDefault("user-agent", ""), session(headers, body, affinity), new ClientCall.Timing());
    }

    /** The call of one {@code response.create} on a Responses WebSocket (always streamed). */
    static ClientCall socketCall(ResponsesWebSocket.Request r, RequestBody body, String key, long start,
                                 boolean affinity) {
        return new ClientCall(r.operation(), body, body.model(), true, null, key, r.headers(),
                requestId(), start, r.clientIp(), r.headers().getOrDefault("x-forwarded-for", ""),
                r.headers().getOrDefault("user-agent", ""), session(r.headers(), body, affinity),
                new ClientCall.Timing());
    }

    private static String session(Map<String, String> headers, RequestBody body, boolean affinity) {
        if (!affinity) {
            return null;
        }
        for (String h : SESSION_HEADERS) {
            String v = headers.get(h);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return body.sessionHint();
    }

    private static String requestId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    /** The request body, or null when it is larger than {@code limit}. */
    static byte[] readBody(ServerRequest req, long limit) throws IOException {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            return Bodies.read(in, req.headers().contentLength().orElse(-1), limit);
        }
    }

    /** Reads and drops a body that will not be used (so the connection can be reused). */
    static void drain(ServerRequest req) {
        try {
            if (req.content().hasEntity()) {
                req.content().consume();
            }
        } catch (RuntimeException e) {
            // nothing to drain
        }
    }
}
