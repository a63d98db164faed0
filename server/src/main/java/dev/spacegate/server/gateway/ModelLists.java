package dev.spacegate.server.gateway;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.server.gateway.models.ModelRegistry;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/** The model lists in each client's shape: OpenAI's and Claude's {@code /v1/models}, Gemini's {@code /v1beta/models}. */
final class ModelLists {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CREATED = 1_700_000_000L;

    private ModelLists() {
    }

    /** Whether {@code /v1/models} was asked by a Claude client (it gets Anthropic's list shape). */
    static boolean claudeClient(ServerRequest req) {
        return req.headers().contains(HeaderNames.create("anthropic-version"))
                || req.headers().first(HeaderNames.USER_AGENT).orElse("").startsWith("claude-cli");
    }

    /** {@code /v1/models} in OpenAI's shape, or Anthropic's for a Claude client. */
    static ObjectNode list(List<ModelRegistry.ModelInfo> models, boolean claude) {
        ObjectNode root = JSON.createObjectNode();
        if (claude) {
            ArrayNode data = root.putArray("data");
            for (ModelRegistry.ModelInfo m : models) {
                data.addObject().put("id", m.id()).put("object", "model").put("owned_by", m.ownedBy())
                        .put("type", "model").put("display_name", m.id()).put("max_input_tokens", 200000)
                        .put("max_tokens", 64000).put("created_at", Instant.ofEpochSecond(CREATED).toString());
            }
            root.put("has_more", false);
            root.put("first_id", models.isEmpty() ? null : models.get(0).id());
            root.put("last_id", models.isEmpty() ? null : models.get(models.size() - 1).id());
        } else {
            root.put("object", "list");
            ArrayNode data = root.putArray("data");
            for (ModelRegistry.ModelInfo m : models) {
                data.addObject().put("id", m.id()).put("object", "model").put("created", CREATED)
                        .put("owned_by", m.ownedBy());
            }
        }
        return root;
    }

    /** {@code /v1beta/models}. */
    static ObjectNode gemini(List<ModelRegistry.ModelInfo> models) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("models");
        models.forEach(m -> arr.add(geminiInfo(m.id())));
        return root;
    }

    /** One model in Gemini's shape. */
    static ObjectNode geminiInfo(String id) {
        ObjectNode o = JSON.createObjectNode().put("name", "models/" + id).put("displayName", id)
                .put("description", id);
        o.putArray("supportedGenerationMethods").add("generateContent").add("streamGenerateContent")
                .add("countTokens");
        return o;
    }
}
