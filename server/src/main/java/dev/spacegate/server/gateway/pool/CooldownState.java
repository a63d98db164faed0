package dev.spacegate.server.gateway.pool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Cooldown of one credential for one upstream model.
 *
 * @param authIndex    the credential
 * @param model        upstream model name
 * @param nextRetryAt  when it may be used again
 * @param reason       rule that applied ({@code quota}, {@code unauthorized}, {@code not_found}, ...)
 * @param statusCode   upstream status that caused it
 * @param backoffLevel 429 backoff exponent (1 s * 2^level)
 */
public record CooldownState(String authIndex, String model, Instant nextRetryAt, String reason, int statusCode,
                            int backoffLevel) {
    public String key() {
        return authIndex + "|" + model;
    }

    /** The saved form shared by every {@link CooldownStore}: {@code {"version":1,"records":[...]}}. */
    public static ObjectNode toJson(List<CooldownState> states) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("version", 1);
        ArrayNode records = root.putArray("records");
        for (CooldownState s : states) {
            records.addObject().put("auth_index", s.authIndex()).put("model", s.model())
                    .put("next_retry_after", s.nextRetryAt().toString()).put("reason", s.reason())
                    .put("status_code", s.statusCode()).put("backoff_level", s.backoffLevel());
        }
        return root;
    }

    /** Reads what {@link #toJson} wrote. */
    public static List<CooldownState> fromJson(JsonNode root) {
        List<CooldownState> out = new ArrayList<>();
        for (JsonNode n : root.path("records")) {
            out.add(new CooldownState(n.path("auth_index").asText(), n.path("model").asText(),
                    Instant.parse(n.path("next_retry_after").asText()), n.path("reason").asText(),
                    n.path("status_code").asInt(), n.path("backoff_level").asInt()));
        }
        return out;
    }
}
