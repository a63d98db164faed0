package dev.spacegate.server.manager.compat;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.manager.Requests;
import dev.spacegate.server.manager.config.LiveConfig;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.web.Json;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code oauth-excluded-models} and {@code oauth-model-alias}, with CLIProxyAPI's request shapes: GET
 * {@code {"<key>": {channel: [...]}}}; PUT the whole map (or {@code {"items": map}}); PATCH one channel
 * ({@code {"provider","models"}} / {@code {"channel"|"provider","aliases"}}, an empty list removes it); DELETE
 * {@code ?provider=} / {@code ?channel=}. The gateway applies them to the auth files of each channel.
 *
 * <pre>
 * curl -X PATCH -H "Authorization: Bearer $KEY" -d '{"channel":"codex","aliases":[{"name":"gpt-5","alias":"g5"}]}' \
 *      http://localhost:7860/v0/management/oauth-model-alias
 * curl -X PATCH -H "Authorization: Bearer $KEY" -d '{"provider":"claude","models":["*-haiku-*"]}' \
 *      http://localhost:7860/v0/management/oauth-excluded-models
 * </pre>
 */
final class ChannelMapsApi implements CompatApi.Part {
    static final String EXCLUDED = "oauth-excluded-models";
    static final String ALIAS = "oauth-model-alias";

    private final LiveConfig config;

    ChannelMapsApi(LiveConfig config) {
        this.config = config;
    }

    @Override
    public void routes(Endpoints.Builder b) {
        for (String key : new String[] {EXCLUDED, ALIAS}) {
            String path = CompatApi.BASE + "/" + key;
            b.get(path, c -> get(c.res(), key))
                    .put(path, c -> put(c.req(), c.res(), key))
                    .patch(path, c -> patch(c.req(), c.res(), key))
                    .delete(path, c -> delete(c.req(), c.res(), key));
        }
    }

    private void get(ServerResponse res, String key) {
        JsonNode v = config.current().get(key);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set(key, v instanceof ObjectNode ? v : Json.MAPPER.createObjectNode());
        Json.send(res, 200, out);
    }

    private void put(ServerRequest req, ServerResponse res, String key) {
        JsonNode body = Requests.json(req);
        JsonNode map = body.has("items") ? body.get("items") : body.has("value") ? body.get("value") : body;
        if (!map.isObject()) {
            throw new ApiError.Failure(400, "invalid_body", "body must be {\"<channel>\": [...]} or {\"items\": {...}}");
        }
        ObjectNode clean = Json.MAPPER.createObjectNode();
        map.properties().forEach(e -> {
            String channel = e.getKey().trim().toLowerCase(Locale.ROOT);
            if (!channel.isEmpty() && e.getValue().isArray() && !e.getValue().isEmpty()) {
                clean.set(channel, e.getValue());
            }
        });
        config.update(doc -> {
            if (clean.isEmpty()) {
                doc.remove(key);
            } else {
                doc.set(key, clean);
            }
        });
        ok(res);
    }

    private void patch(ServerRequest req, ServerResponse res, String key) {
        JsonNode body = Requests.json(req);
        String listField = key.equals(ALIAS) ? "aliases" : "models";
        String channel = (key.equals(ALIAS) && body.hasNonNull("channel") ? body.get("channel")
                : body.path("provider")).asText("").trim().toLowerCase(Locale.ROOT);
        if (channel.isEmpty()) {
            throw new ApiError.Failure(400, "invalid_body", "say which channel: {\""
                    + (key.equals(ALIAS) ? "channel" : "provider") + "\": \"codex\", \"" + listField + "\": [...]}");
        }
        JsonNode list = body.path(listField);
        if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
            throw new ApiError.Failure(400, "invalid_body", listField + " must be a list");
        }
        if (list.isArray() && !list.isEmpty()) {
            ArrayNode copy = (ArrayNode) list.deepCopy();
            config.update(doc -> channels(doc, key).set(channel, copy));
        } else {
            removeChannel(key, channel);
        }
        ok(res);
    }

    private void delete(ServerRequest req, ServerResponse res, String key) {
        Optional<String> channel = Requests.param(req, "channel").or(() -> Requests.param(req, "provider"));
        if (channel.isEmpty()) {
            throw new ApiError.Failure(400, "invalid_request", "missing ?" + (key.equals(ALIAS) ? "channel" : "provider")
                    + "=");
        }
        removeChannel(key, channel.get().trim().toLowerCase(Locale.ROOT));
        ok(res);
    }

    private void removeChannel(String key, String channel) {
        config.update(doc -> {
            JsonNode m = doc.get(key);
            if (!(m instanceof ObjectNode o) || o.remove(channel) == null) {
                throw new ApiError.Failure(404, "not_found", "no channel " + channel + " in " + key);
            }
            if (o.isEmpty()) {
                doc.remove(key);
            }
        });
    }

    private static ObjectNode channels(ObjectNode doc, String key) {
        JsonNode m = doc.get(key);
        return m instanceof ObjectNode o ? o : doc.putObject(key);
    }

    static void ok(ServerResponse res) {
        Json.send(res, 200, Json.MAPPER.createObjectNode().put("status", "ok"));
    }
}
