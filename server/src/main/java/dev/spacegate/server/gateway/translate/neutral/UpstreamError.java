package dev.spacegate.server.gateway.translate.neutral;

/**
 * An error in neutral terms: HTTP status, a type from a small fixed vocabulary and a message for the user.
 * Types: {@code invalid_request_error, authentication_error, permission_error, not_found_error,
 * rate_limit_error, overloaded_error, api_error}.
 */
public record UpstreamError(int status, String type, String message) {
    public static UpstreamError badRequest(String message) {
        return new UpstreamError(400, "invalid_request_error", message);
    }
}
