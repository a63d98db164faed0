package dev.spacegate.server.gateway.execute;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.spacegate.server.gateway.stream.ClientSink;
import dev.spacegate.server.gateway.stream.SseFramer;
import dev.spacegate.server.gateway.translate.base.Errors;
import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;

/**
 * Step "write client errors": the answer when a call fails, in the client's error envelope, or as the stream's
 * terminal error event when the stream has already begun.
 */
final class ClientErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientErrors() {
    }

    /** The last attempt's failure, as the retry loop gives up. */
    static void failure(ClientCall call, ClientSink sink, Outcome.Failed f) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(f.upstreamHeaders());
        if (f.retryAfter() != null) {
            headers.put("Retry-After", Long.toString(Math.max(1, f.retryAfter().toSeconds())));
        }
        if (streamBegun(call, sink, f.status(), errorMessage(f.body()))) {
            return;
        }
        sink.full(f.status(), f.contentType(), f.body(), headers, call.overheadMs());
    }

    /** An error of the gateway's own (no model, no credential available, ...). */
    static void error(ClientCall call, ClientSink sink, int status, String code, String message) throws IOException {
        ClientError error = ClientError.of(status, code, message);
        if (streamBegun(call, sink, status, message)) {
            return;
        }
        sink.full(status, "application/json", family(call).bytes(error), Map.of(), call.overheadMs());
    }

    /** 429: every credential of the model is cooling down until {@code next}. */
    static void cooldown(ClientCall call, ClientSink sink, Instant now, Instant next, String provider)
            throws IOException {
        long seconds = Math.max(1, (java.time.Duration.between(now, next).toMillis() + 999) / 1000);
        String message = "All credentials for model " + call.model() + " are cooling down via provider " + provider;
        // OpenAI's envelope carries the details (CLIProxyAPI's shape); the others have no room for them
        ClientError error = ClientError.of(429, "model_cooldown", message).with("model", call.model())
                .with("reset_time", humanDuration(seconds)).with("reset_seconds", seconds).with("provider", provider);
        if (streamBegun(call, sink, 429, message)) {
            return;
        }
        sink.full(429, "application/json", family(call).bytes(error),
                Map.of("Retry-After", Long.toString(seconds)), call.overheadMs());
    }

    /** When the client's stream has begun, ends it with the format's error event; returns whether it did. */
    private static boolean streamBegun(ClientCall call, ClientSink sink, int status, String message)
            throws IOException {
        if (!sink.committed() || !call.stream()) {
            return false;
        }
        byte[] ev = SseFramer.format(Errors.streamEvent(call.operation().format(),
                ClientError.of(status, "upstream_error", message)));
        sink.event(ev, 0, ev.length);
        sink.close();
        return true;
    }

    private static ErrorFamily family(ClientCall call) {
        return ErrorFamily.of(call.operation().format());
    }

    private static String humanDuration(long seconds) {
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long s = seconds % 60;
        return (h > 0 ? h + "h" : "") + (h > 0 || m > 0 ? m + "m" : "") + s + "s";
    }

    private static String errorMessage(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            String m = n.path("error").path("message").asText("");
            if (!m.isEmpty()) {
                return m;
            }
        } catch (IOException | RuntimeException ex) {
            // not JSON
        }
        return "upstream request failed";
    }
}
