package dev.spacegate.server.gateway.translate.base;

import dev.spacegate.server.gateway.translate.neutral.Json;
import dev.spacegate.server.gateway.translate.neutral.UpstreamError;
import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Upstream error bodies in any format -> {@link UpstreamError} -> the client's error envelope ({@link ErrorFamily}),
 * and the stream event that ends a client's stream with an error.
 */
public final class Errors {
    private Errors() {
    }

    /** Reads an upstream error body; falls back to the status when the body is not a known envelope. */
    public static UpstreamError parse(ApiFormat upstream, int status, String body) {
        JsonNode root = Json.parse(body);
        String message = null;
        String type = null;
        if (root != null) {
            JsonNode err = root.path("error");
            if (err.isObject()) {
                message = Json.text(err, "message");
                // OpenAI: error.type; Claude: error.type; Gemini: error.status (e.g. RESOURCE_EXHAUSTED)
                type = Json.text(err, "type");
                if (type == null && Json.text(err, "status") != null) {
                    type = geminiType(Json.text(err, "status"));
                }
                if (status == 0 && err.path("code").isInt()) {
                    status = err.path("code").asInt();
                }
            } else if (err.isTextual()) {
                message = err.asText();
            } else if (root.isObject()) {
                message = Json.text(root, "message", Json.text(root, "detail"));
            }
        }
        if (status <= 0) {
            status = 502;
        }
        type = normalType(type, status);
        if (message == null || message.isBlank()) {
            message = body == null || body.isBlank() || root != null
                    ? "upstream returned HTTP " + status : truncate(body.strip());
        }
        return new UpstreamError(status, type, message);
    }

    /** The client's non-stream error body. */
    public static ObjectNode render(ApiFormat client, UpstreamError e) {
        return ErrorFamily.of(client).body(asClientError(e));
    }

    /** The SSE event that reports an upstream's error inside the client's stream. */
    public static SseEvent streamEvent(ApiFormat client, UpstreamError e) {
        return streamEvent(client, asClientError(e));
    }

    /**
     * The SSE event that ends the client's stream with an error, with or without a translator: the family's
     * envelope, except Responses' own {@code error} event (its {@code code}: the error's code, else its type).
     */
    public static SseEvent streamEvent(ApiFormat client, ClientError e) {
        return switch (client) {
            case CLAUDE -> new SseEvent("error", Json.write(ErrorFamily.CLAUDE.body(e.type() == null
                    && e.status() >= 500 ? ClientError.typed(e.status(), "api_error", null, e.message()) : e)));
            case OPENAI_RESPONSES -> {
                ObjectNode o = Json.object();
                o.put("type", "error");
                o.put("code", e.code() != null ? e.code() : e.type());
                o.put("message", e.message());
                o.putNull("param");
                yield new SseEvent("error", Json.write(o));
            }
            case OPENAI_CHAT, GEMINI -> new SseEvent(null, Json.write(ErrorFamily.of(client).body(e)));
        };
    }

    /** An upstream's error for the client: its neutral type, no code. */
    private static ClientError asClientError(UpstreamError e) {
        return ClientError.typed(e.status(), e.type(), null, e.message());
    }

    static String normalType(String type, int status) {
        // These statuses say more than the body's type (OpenAI answers a bad key with invalid_request_error).
        if (status == 401 || status == 403 || status == 404 || status == 429 || status == 529) {
            type = null;
        }
        if (type != null) {
            switch (type) {
                case "invalid_request_error", "authentication_error", "permission_error", "not_found_error",
                     "rate_limit_error", "overloaded_error", "api_error" -> {
                    return type;
                }
                case "insufficient_quota", "rate_limit_exceeded", "usage_limit_reached" -> {
                    return "rate_limit_error";
                }
                case "invalid_api_key" -> {
                    return "authentication_error";
                }
                case "server_error" -> {
                    return "api_error";
                }
                default -> {
                }
            }
        }
        return switch (status) {
            case 400, 413, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> "api_error";
        };
    }

    private static String geminiType(String status) {
        return switch (status) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> "invalid_request_error";
            case "UNAUTHENTICATED" -> "authentication_error";
            case "PERMISSION_DENIED" -> "permission_error";
            case "NOT_FOUND" -> "not_found_error";
            case "RESOURCE_EXHAUSTED" -> "rate_limit_error";
            case "UNAVAILABLE" -> "overloaded_error";
            default -> "api_error";
        };
    }

    private static String truncate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
