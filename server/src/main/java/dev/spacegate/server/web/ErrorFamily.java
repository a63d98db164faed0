package dev.spacegate.server.web;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

import dev.spacegate.server.providers.ApiFormat;

/**
 * The error envelopes clients expect, one per API family: the one place a {@link ClientError} becomes a body
 * and an HTTP answer, for the gateway (with or without a translator), the router and the management API.
 */
public enum ErrorFamily {
    /** {@code {"error":{"message","type","param","code", extra...}}}. */
    OPENAI,
    /** {@code {"type":"error","error":{"type","message"}}}. */
    CLAUDE,
    /** {@code {"error":{"code","message","status"}}}. */
    GEMINI,
    /** {@code {"error":"<message>","code":"<code>", extra...}} (CPA-Manager-Plus; no code: CLIProxyAPI's own). */
    MANAGEMENT;

    private static final Map<Integer, String> OPENAI_TYPES = Map.of(400, "invalid_request_error",
            401, "authentication_error", 403, "permission_error", 404, "invalid_request_error",
            405, "invalid_request_error", 413, "invalid_request_error", 429, "rate_limit_error");
    private static final Map<Integer, String> CLAUDE_TYPES = Map.of(400, "invalid_request_error",
            401, "authentication_error", 403, "permission_error", 404, "not_found_error",
            405, "invalid_request_error", 413, "request_too_large", 429, "rate_limit_error", 529, "overloaded_error");
    private static final Map<Integer, String> GEMINI_STATUS = Map.of(400, "INVALID_ARGUMENT",
            401, "UNAUTHENTICATED", 403, "PERMISSION_DENIED", 404, "NOT_FOUND", 429, "RESOURCE_EXHAUSTED",
            503, "UNAVAILABLE", 504, "DEADLINE_EXCEEDED", 529, "UNAVAILABLE");

    /** The family of a client wire format. */
    public static ErrorFamily of(ApiFormat format) {
        return switch (format) {
            case CLAUDE -> CLAUDE;
            case GEMINI -> GEMINI;
            default -> OPENAI;
        };
    }

    /** The error's body in this family's envelope. */
    public ObjectNode body(ClientError e) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        switch (this) {
            case OPENAI -> {
                ObjectNode err = root.putObject("error").put("message", e.message()).put("type", type(e))
                        .putNull("param").put("code", e.code());
                putExtra(err, e);
            }
            case CLAUDE -> {
                root.put("type", "error");
                root.putObject("error").put("type", type(e)).put("message", e.message());
            }
            case GEMINI -> root.putObject("error").put("code", e.status()).put("message", e.message())
                    .put("status", type(e));
            case MANAGEMENT -> {
                root.put("error", e.message());
                if (e.code() != null) {
                    root.put("code", e.code());
                }
                putExtra(root, e);
            }
        }
        return root;
    }

    /** The error's body as bytes. */
    public byte[] bytes(ClientError e) {
        return body(e).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Answers the request with the error: its status, a JSON content type, its body. */
    public void send(ServerResponse res, ClientError e) {
        send(res, e.status(), body(e));
    }

    /** Answers with an error body built elsewhere (a contract with more fields than the envelope). */
    public static void send(ServerResponse res, int status, JsonNode body) {
        // an error replaces whatever the handler meant to send, encoding included
        res.headers().remove(HeaderNames.CONTENT_ENCODING);
        Json.send(res, status, body);
    }

    /** The error's type in this family: the given one, else the family's for the status. */
    private String type(ClientError e) {
        if (e.type() != null && this != GEMINI) {
            return e.type();
        }
        int s = e.status();
        return switch (this) {
            case OPENAI -> OPENAI_TYPES.getOrDefault(s, s >= 500 ? "server_error" : "invalid_request_error");
            case CLAUDE -> CLAUDE_TYPES.getOrDefault(s, s >= 500 ? "api_error" : "invalid_request_error");
            case GEMINI -> GEMINI_STATUS.getOrDefault(s, s >= 500 ? "INTERNAL" : "INVALID_ARGUMENT");
            case MANAGEMENT -> null;
        };
    }

    private static void putExtra(ObjectNode target, ClientError e) {
        e.extra().forEach((k, v) -> target.set(k, Json.MAPPER.valueToTree(v)));
    }
}
