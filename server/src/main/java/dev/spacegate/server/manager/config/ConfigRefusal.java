package dev.spacegate.server.manager.config;

import dev.spacegate.server.web.ErrorFamily;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.web.Json;

/**
 * A refused config write whose body follows the config versioning contract ({@code {"error":"config_conflict",
 * "message":...,"current_version":N}}, {@code {"error":"confirm_required",...}}); {@code code} is kept beside it
 * for clients of the manager's usual envelope.
 */
public final class ConfigRefusal extends ApiError.Failure {
    private final transient ObjectNode body;

    private ConfigRefusal(int status, String code, String message, ObjectNode body) {
        super(status, code, message);
        this.body = body;
    }

    /** 409: the document changed since the writer read it. */
    static ConfigRefusal conflict(long current) {
        String message = "the config changed since you read it (now version " + current
                + "); reload and apply your change again";
        return new ConfigRefusal(409, "config_conflict", message, Json.MAPPER.createObjectNode()
                .put("error", "config_conflict").put("code", "config_conflict").put("message", message)
                .put("current_version", current));
    }

    /** 409: the write removes every provider or every client key without {@code ?confirm=remove-all}. */
    static ConfigRefusal confirmRequired(String what) {
        String message = "this change removes every " + what + "; send it again with ?confirm=remove-all if that"
                + " is what you want";
        return new ConfigRefusal(409, "confirm_required", message, Json.MAPPER.createObjectNode()
                .put("error", "confirm_required").put("code", "confirm_required").put("message", message)
                .put("removes", what));
    }

    @Override
    public void send(io.helidon.webserver.http.ServerResponse res) {
        ErrorFamily.send(res, status(), body);
    }

    /** The JSON body to answer with. */
    public ObjectNode body() {
        return body.deepCopy();
    }
}
