package dev.spacegate.server.gateway.translate.base;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.server.providers.ApiFormat;

/**
 * The three error envelopes clients expect, and the terminal stream error event of each wire format.
 */
public enum ErrorFamily {
    /** {@code {"error":{"message","type","param","code"}}}. */
    OPENAI,
    /** {@code {"type":"error","error":{"type","message"}}}. */
    CLAUDE,
    /** {@code {"error":{"code","message","status"}}}. */
    GEMINI;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<Integer, String> OPENAI_TYPES = Map.of(400, "invalid_request_error",
            401, "authentication_error", 403, "permission_error", 404, "invalid_request_error",
            405, "invalid_request_error", 413, "invalid_request_error", 429, "rate_limit_error");
    private static final Map<Integer, String> CLAUDE_TYPES = Map.of(400, "invalid_request_error",
            401, "authentication_error", 403, "permission_error", 404, "not_found_error",
            405, "invalid_request_error", 413, "request_too_large", 429, "rate_limit_error", 529, "overloaded_error");
    private static final Map<Integer, String> GEMINI_STATUS = Map.of(400, "INVALID_ARGUMENT",
            401, "UNAUTHENTICATED", 403, "PERMISSION_DENIED", 404, "NOT_FOUND", 405, "INVALID_ARGUMENT",
            413, "INVALID_ARGUMENT", 429, "RESOURCE_EXHAUSTED", 500, "INTERNAL", 502, "UNAVAILABLE",
            503, "UNAVAILABLE");

    /** The family of a client wire format. */
    public static ErrorFamily of(ApiFormat format) {
        return switch (format) {
            case CLAUDE -> CLAUDE;
            case GEMINI -> GEMINI;
            default -> OPENAI;
        };
    }

    /** An error body; {@code code} is OpenAI's machine-readable code (ignored where the envelope has none). */
    public ObjectNode body(int status, String code, String message) {
        ObjectNode root = JSON.createObjectNode();
        switch (this) {
            case OPENAI -> root.putObject("error").put("message", message)
                    .put("type", OPENAI_TYPES.getOrDefault(status, status >= 500 ? "server_error"
                            : "invalid_request_error"))
                    .putNull("param").put("code", code);
            case CLAUDE -> {
                root.put("type", "error");
                root.putObject("error").put("type", CLAUDE_TYPES.getOrDefault(status, status >= 500 ? "api_error"
                        : "invalid_request_error")).put("message", message);
            }
            case GEMINI -> root.putObject("error").put("code", status).put("message", message)
                    .put("status", GEMINI_STATUS.getOrDefault(status, status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT"));
        }
        return root;
    }

    public byte[] bytes(int status, String code, String message) {
        try {
            return JSON.writeValueAsBytes(body(status, code, message));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The event that ends a stream which failed after its first byte, in the client's wire format. */
    public static byte[] streamError(ApiFormat format, int status, String message) {
        ObjectNode o = JSON.createObjectNode();
        String event;
        switch (format) {
            case OPENAI_CHAT -> {
                event = null;
                o = OPENAI.body(status, "upstream_error", message);
            }
            case OPENAI_RESPONSES -> {
                event = "error";
                o.put("type", "error").put("code", "upstream_error").put("message", message).putNull("param");
            }
            case CLAUDE -> {
                event = "error";
                o = CLAUDE.body(status >= 500 ? 500 : status, null, message);
            }
            default -> {
                event = "error";
                o = GEMINI.body(status, null, message);
            }
        }
        try {
            String data = JSON.writeValueAsString(o);
            return ((event == null ? "" : "event: " + event + "\n") + "data: " + data + "\n\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
