package dev.spacegate.server.manager.config;

import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.manager.compat.ConfigKeys;
import dev.spacegate.server.web.Json;

/**
 * A refused config write whose body follows the config versioning contract ({@code {"error":"config_conflict",
 * "message":...,"current_version":N}}, {@code {"error":"confirm_required",...}},
 * {@code {"error":"restart_required",...,"keys":[...]}}); {@code code} is kept beside it for clients of the manager's
 * usual envelope.
 */
public final class ConfigRefusal extends ApiError.Failure {
    private ConfigRefusal(int status, String code, String message, ObjectNode body) {
        super(status, code, message, body);
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

    /**
     * 409: the write changes keys read only at start ({@link ConfigKeys.Apply#RESTART}); saving them would change
     * nothing now and, since the server reads them from the environment or the config file, nothing after a restart
     * either, so the message says where to set them.
     */
    static ConfigRefusal restartRequired(List<ConfigKeys.Key> keys) {
        String names = keys.stream().map(k -> "'" + k.name() + "'").collect(Collectors.joining(", "));
        String envs = keys.stream().map(ConfigKeys.Key::env).collect(Collectors.joining(", "));
        String message = "a restart is needed to change " + names + ": read only at start, from the environment or"
                + " the config file, never from this API. Set " + envs + " in the environment (on a Hugging Face"
                + " Space: Settings, Variables; saving one restarts the Space), or the key in the config file when the"
                + " variable is unset, and restart the server. The config was not changed.";
        ObjectNode body = Json.MAPPER.createObjectNode().put("error", "restart_required")
                .put("code", "restart_required").put("message", message);
        ArrayNode listed = body.putArray("keys");
        keys.forEach(k -> listed.add(k.name()));
        return new ConfigRefusal(409, "restart_required", message, body);
    }
}
