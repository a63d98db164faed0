package dev.spacegate.server.manager.compat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.manager.Requests;
import dev.spacegate.server.manager.config.LiveConfig;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.web.Json;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * CLIProxyAPI's scalar settings that ConfigApi does not carry: GET {@code {"<name>": value}}, PUT/PATCH
 * {@code {"value": x}} -> {@code {"status":"ok"}}. Values are kept in the config document; when Spacegate ignores
 * the value (see {@link ConfigKeys}) the answer says so in {@code "ignored"}.
 */
final class SettingsApi implements CompatApi.Part {
    private enum Type { BOOL, INT }

    /**
     * @param route   path under /v0/management
     * @param dotted  key in the document
     * @param field   field name of the GET answer
     */
    private record Setting(String route, String dotted, String field, Type type, JsonNode fallback) {
    }

    private static final List<Setting> SETTINGS = List.of(
            bool("logging-to-file", false), integer("logs-max-total-size-mb", 0), integer("error-logs-max-files", 10),
            bool("request-log", false), bool("ws-auth", true),
            new Setting("quota-exceeded/switch-project", "quota-exceeded.switch-project", "switch-project", Type.BOOL,
                    Json.MAPPER.getNodeFactory().booleanNode(false)),
            new Setting("quota-exceeded/switch-preview-model", "quota-exceeded.switch-preview-model",
                    "switch-preview-model", Type.BOOL, Json.MAPPER.getNodeFactory().booleanNode(false)));

    private static Setting bool(String name, boolean fallback) {
        return new Setting(name, name, name, Type.BOOL, Json.MAPPER.getNodeFactory().booleanNode(fallback));
    }

    private static Setting integer(String name, int fallback) {
        return new Setting(name, name, name, Type.INT, Json.MAPPER.getNodeFactory().numberNode(fallback));
    }

    private final LiveConfig config;

    SettingsApi(LiveConfig config) {
        this.config = config;
    }

    @Override
    public void routes(Endpoints.Builder b) {
        for (Setting s : SETTINGS) {
            String path = CompatApi.BASE + "/" + s.route();
            b.get(path, c -> get(c.res(), s)).put(path, c -> put(c.req(), c.res(), s))
                    .patch(path, c -> put(c.req(), c.res(), s));
        }
    }

    private void get(ServerResponse res, Setting s) {
        JsonNode v = LiveConfig.at(config.current(), s.dotted());
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set(s.field(), v.isMissingNode() || v.isNull() ? s.fallback() : v);
        Json.send(res, 200, out);
    }

    private void put(ServerRequest req, ServerResponse res, Setting s) {
        JsonNode body = Requests.json(req);
        JsonNode v = body.has("value") ? body.get("value") : body.get(s.field());
        boolean fits = v != null && (s.type() == Type.BOOL ? v.isBoolean() : v.isIntegralNumber() && v.asLong() >= 0);
        if (!fits) {
            throw new ApiError.Failure(400, "invalid_body", "body must be {\"value\": "
                    + (s.type() == Type.BOOL ? "true or false" : "a whole number >= 0") + "}");
        }
        String[] parts = s.dotted().split("\\.");
        config.update(doc -> {
            ObjectNode at = doc;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode n = at.get(parts[i]);
                at = n instanceof ObjectNode o ? o : at.putObject(parts[i]);
            }
            at.set(parts[parts.length - 1], v);
        });
        ObjectNode out = Json.MAPPER.createObjectNode().put("status", "ok");
        ObjectNode probe = Json.MAPPER.createObjectNode();
        probe.set(parts[0], parts.length == 1 ? v : Json.MAPPER.createObjectNode().set(parts[1], v));
        List<String> ignored = ConfigKeys.classify(probe).ignored();
        if (!ignored.isEmpty()) {
            ignored.forEach(out.putArray("ignored")::add);
        }
        Json.send(res, 200, out);
    }
}
