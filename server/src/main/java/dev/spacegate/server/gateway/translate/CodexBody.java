package dev.spacegate.server.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Codex backend's request invariants, applied to a Responses body that is otherwise passed through
 * (Responses client -> Codex upstream): always stream, never store, ask for encrypted reasoning, no
 * sampling or length parameters, instructions present, default effort medium.
 */
public final class CodexBody {
    private CodexBody() {
    }

    /** Adjusts the body in place and returns it. */
    public static ObjectNode normalize(ObjectNode body) {
        body.put("stream", true);
        body.put("store", false);
        body.remove("max_output_tokens");
        body.remove("max_completion_tokens");
        body.remove("temperature");
        body.remove("top_p");
        body.remove("user");
        if (!body.has("instructions")) {
            body.put("instructions", "");
        }
        if (!body.has("parallel_tool_calls")) {
            body.put("parallel_tool_calls", true);
        }
        JsonNode include = body.get("include");
        ArrayNode inc = include instanceof ArrayNode a ? a : body.putArray("include");
        boolean has = false;
        for (JsonNode n : inc) {
            has |= "reasoning.encrypted_content".equals(n.asText());
        }
        if (!has) {
            inc.add("reasoning.encrypted_content");
        }
        ObjectNode reasoning = body.get("reasoning") instanceof ObjectNode r ? r : body.putObject("reasoning");
        if (!reasoning.has("effort")) {
            reasoning.put("effort", "medium");
        }
        return body;
    }
}
