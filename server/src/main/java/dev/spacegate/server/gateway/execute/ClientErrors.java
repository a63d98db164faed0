package dev.spacegate.server.gateway.execute;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.server.gateway.translate.base.ErrorFamily;
import dev.spacegate.server.gateway.stream.ClientSink;

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
        if (streamBegun(call, sink, status, message)) {
            return;
        }
        ErrorFamily family = ErrorFamily.of(call.operation().format());
        sink.full(status, "application/json", family.bytes(status, code, message), Map.of(), call.overheadMs());
    }

    /** 429: every credential of the model is cooling down until {@code next}. */
    static void cooldown(ClientCall call, ClientSink sink, Instant now, Instant next, String provider)
            throws IOException {
        long seconds = Math.max(1, (java.time.Duration.between(now, next).toMillis() + 999) / 1000);
        String message = "All credentials for model " + call.model() + " are cooling down via provider " + provider;
        ErrorFamily family = ErrorFamily.of(call.operation().format());
        ObjectNode body = family.body(429, "model_cooldown", message);
        if (family == ErrorFamily.OPENAI) {
            ((ObjectNode) body.path("error")).put("model", call.model()).put("reset_time", humanDuration(seconds))
                    .put("reset_seconds", seconds).put("provider", provider);
        }
        if (streamBegun(call, sink, 429, message)) {
            return;
        }
        sink.full(429, "application/json", JSON.writeValueAsBytes(body),
                Map.of("Retry-After", Long.toString(seconds)), call.overheadMs());
    }

    /** When the client's stream has begun, ends it with the format's error event; returns whether it did. */
    private static boolean streamBegun(ClientCall call, ClientSink sink, int status, String message)
            throws IOException {
        if (!sink.committed() || !call.stream()) {
            return false;
        }
        byte[] ev = ErrorFamily.streamError(call.operation().format(), status, message);
        sink.event(ev, 0, ev.length);
        sink.close();
        return true;
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
