package dev.spacegate.server.web;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error for a client, as a value: the HTTP status, a type ({@code null}: the one its {@link ErrorFamily} gives
 * the status), a machine-readable code ({@code null} where there is none), a message for the user, and extra
 * fields some answers carry (the router's {@code owner}, a cooldown's reset time). {@link ErrorFamily} turns it
 * into the envelope of the client's API.
 */
public record ClientError(int status, String type, String code, String message, Map<String, Object> extra) {
    public ClientError {
        extra = extra == null || extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** An error with the family's type for its status. */
    public static ClientError of(int status, String code, String message) {
        return new ClientError(status, null, code, message, Map.of());
    }

    /** An error whose type is given (an upstream's error read into the neutral vocabulary, the router's types). */
    public static ClientError typed(int status, String type, String code, String message) {
        return new ClientError(status, type, code, message, Map.of());
    }

    /** The same error with one more extra field ({@code null} values are left out). */
    public ClientError with(String field, Object value) {
        if (value == null) {
            return this;
        }
        Map<String, Object> more = new LinkedHashMap<>(extra);
        more.put(field, value);
        return new ClientError(status, type, code, message, more);
    }
}
