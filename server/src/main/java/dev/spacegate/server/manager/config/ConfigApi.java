package dev.spacegate.server.manager.config;

import dev.spacegate.server.providers.ProviderKind;
import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.manager.ManagementEndpoints;
import dev.spacegate.server.manager.Requests;
import dev.spacegate.server.manager.compat.ConfigKeys;
import dev.spacegate.server.manager.setup.ManagementKeys;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The CLIProxyAPI-compatible config subset of the management API, over {@link LiveConfig}. The manager serves it:
 * the bundled route table hands {@code /v0/management/*} to the manager, except the manager's other paths and the
 * gateway's own management paths (usage queue, auth files, logins). Conventions (CLIProxyAPI): scalar GET {@code {"<key>": value}}; PUT/PATCH {@code {"value": x}};
 * success {@code {"status":"ok"}}; list PUT replaces (array or {@code {"items":[...]}}), PATCH edits one entry,
 * DELETE removes by {@code ?index=}, {@code ?value=}, {@code ?api-key=} or {@code ?name=}; a list edit names exactly
 * one entry or fails (404 none, 409 several, 400 malformed). Reads answer {@code ETag: "<version>"}; every write
 * accepts {@code If-Match} (409 {@code config_conflict} when stale), answers the new {@code ETag}, and needs
 * {@code ?confirm=remove-all} to remove every provider or every client key. The history of the last 50 versions and
 * restore are {@link ConfigHistoryApi}.
 *
 * <pre>
 * curl -H "Authorization: Bearer $KEY" http://localhost:7860/v0/management/config
 * curl -H "Authorization: Bearer $KEY" http://localhost:7860/v0/management/config.yaml
 * curl -X PUT -H "Authorization: Bearer $KEY" --data-binary @config.yaml http://localhost:7860/v0/management/config.yaml
 * curl -X PUT -H "Authorization: Bearer $KEY" -d '{"value":true}' http://localhost:7860/v0/management/debug
 * curl -X PUT -H "Authorization: Bearer $KEY" -d '["sk-client-1"]' http://localhost:7860/v0/management/api-keys
 * curl -X DELETE -H "Authorization: Bearer $KEY" "http://localhost:7860/v0/management/api-keys?index=0"
 * curl -X PUT -H "Authorization: Bearer $KEY" -d '{"value":"fill-first"}' http://localhost:7860/v0/management/routing/strategy
 * </pre>
 */
public final class ConfigApi {
    private static final String BASE = "/v0/management";
    /** Keys {@code GET /config} leaves out (listen address and management secrets). */
    private static final List<String> HIDDEN = List.of("host", "port", "auth-dir", "remote-management");
    private static final List<String> SCALARS = List.of("debug", "usage-statistics-enabled", "request-retry",
            "max-retry-interval", "max-retry-credentials", "force-model-prefix", "passthrough-headers", "proxy-url");
    /** Maps keyed by OAuth channel ({@code codex}, {@code claude}, ...). */
    private static final List<String> CHANNEL_MAPS = List.of("oauth-request-scoped-errors");
    /** The client keys, and one list per API-key kind of the provider catalogue. */
    private static final List<String> LISTS = Stream.concat(Stream.of("api-keys"),
            Arrays.stream(ProviderKind.values()).map(ProviderKind::section)).toList();

    private final LiveConfig config;
    private final ManagementKeys keys;
    private final ConfigHistoryApi history;
    private final Endpoints endpoints;

    public ConfigApi(LiveConfig config, ManagementKeys keys) {
        this.config = config;
        this.keys = keys;
        this.history = new ConfigHistoryApi(config);
        Endpoints.Builder b = Endpoints.builder()
                .get(BASE + "/config", c -> getConfig(c.res()))
                .get(BASE + "/config.yaml", c -> getYaml(c.res()))
                .put(BASE + "/config.yaml", c -> putYaml(c.req(), c.res()))
                .get(BASE + "/config/history", c -> history.list(c.res()))
                .get(BASE + "/config/history/{version}", c -> history.show(c.res(), c.param("version")))
                .post(BASE + "/config/restore", c -> history.restore(c.req(), c.res(), write(c.req())))
                .get(BASE + "/routing/strategy", c -> getStrategy(c.res()))
                .put(BASE + "/routing/strategy", c -> putStrategy(c.req(), c.res()))
                .patch(BASE + "/routing/strategy", c -> putStrategy(c.req(), c.res()));
        for (String key : SCALARS) {
            b.get(BASE + "/" + key, c -> getScalar(c.res(), key))
                    .put(BASE + "/" + key, c -> putScalar(c.req(), c.res(), key))
                    .patch(BASE + "/" + key, c -> putScalar(c.req(), c.res(), key));
        }
        b.delete(BASE + "/proxy-url", c -> deleteKey(c.req(), c.res(), "proxy-url"));
        for (String key : CHANNEL_MAPS) {
            b.get(BASE + "/" + key, c -> getScalar(c.res(), key))
                    .put(BASE + "/" + key, c -> putChannels(c.req(), c.res(), key))
                    .patch(BASE + "/" + key, c -> patchChannel(c.req(), c.res(), key))
                    .delete(BASE + "/" + key, c -> deleteChannel(c.req(), c.res(), key));
        }
        for (String key : LISTS) {
            b.get(BASE + "/" + key, c -> getList(c.res(), key))
                    .put(BASE + "/" + key, c -> putList(c.req(), c.res(), key))
                    .patch(BASE + "/" + key, c -> patchList(c.req(), c.res(), key))
                    .delete(BASE + "/" + key, c -> deleteFromList(c.req(), c.res(), key));
        }
        this.endpoints = b.build();
    }

    /** The routes, for documentation and tests. */
    /** Whether this API has a handler for the call (the panel asks before showing a page). */
    public boolean serves(Method method, String path) {
        return endpoints.serves(method, path);
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    /**
     * Serves one of the config paths (checking the management key first).
     *
     * @param path the normalised request path, e.g. {@code /v0/management/debug}
     * @return false when the path is not one of the config paths (the caller answers it), true when answered
     */
    public boolean serve(ServerRequest req, ServerResponse res, String path) throws Exception {
        try {
            return ManagementEndpoints.serve(endpoints, keys, req, res, path);
        } catch (PersistenceException e) {
            ErrorFamily.MANAGEMENT.send(res, ClientError.of(503, "storage_unavailable",
                    "storage is not available right now (" + e.code() + ")"));
            return true;
        }
    }

    /**
     * The write a request asks for: {@code If-Match: "<version>"} (from the {@code ETag} of a read; {@code *} or
     * none accepts any version) and {@code ?confirm=remove-all}.
     */
    static ConfigWrite write(ServerRequest req) {
        OptionalLong ifMatch = OptionalLong.empty();
        Optional<String> header = req.headers().first(HeaderNames.IF_MATCH).map(String::trim);
        if (header.isPresent() && !header.get().equals("*") && !header.get().isEmpty()) {
            String tag = header.get().startsWith("W/") ? header.get().substring(2) : header.get();
            tag = tag.replace("\"", "").trim();
            try {
                ifMatch = OptionalLong.of(Long.parseLong(tag));
            } catch (NumberFormatException e) {
                throw new ApiError.Failure(400, "invalid_request",
                        "If-Match must be the ETag of GET /v0/management/config, e.g. \"12\"");
            }
        }
        boolean confirm = Requests.param(req, "confirm").map("remove-all"::equals).orElse(false);
        return new ConfigWrite("api", "management API", ifMatch, confirm);
    }

    /** Sends {@code ETag: "<version>"}: the version a later write quotes in {@code If-Match}. */
    static void etag(ServerResponse res, long version) {
        res.header(HeaderNames.ETAG, "\"" + version + "\"");
    }

    /** {@code GET /v0/management/config}: the document as JSON, listen address and management secrets left out. */
    private void getConfig(ServerResponse res) {
        Versioned<ObjectNode> snap = config.snapshot();
        ObjectNode doc = snap.value();
        HIDDEN.forEach(doc::remove);
        etag(res, snap.version());
        Json.send(res, 200, doc);
    }

    /** {@code GET /v0/management/config.yaml}: the document as YAML. */
    private void getYaml(ServerResponse res) {
        Versioned<ObjectNode> snap = config.snapshot();
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/yaml; charset=utf-8");
        etag(res, snap.version());
        res.send(LiveConfig.toYaml(snap.value()).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code PUT /v0/management/config.yaml}: replaces the document; 422 {@code invalid_config} when unusable. */
    private void putYaml(ServerRequest req, ServerResponse res) {
        String text = req.content().hasEntity() ? req.content().as(String.class) : "";
        ObjectNode doc;
        try {
            doc = ServerConfig.parseYaml(text);
        } catch (ServerConfig.InvalidConfigException e) {
            throw new ApiError.Failure(422, "invalid_config", e.getMessage());
        }
        ConfigKeys.Report keysReport = ConfigKeys.classify(doc);
        if (!keysReport.unknown().isEmpty()) {
            ErrorFamily.MANAGEMENT.send(res, ConfigKeys.unknownKeysError(keysReport.unknown()));
            return;
        }
        etag(res, config.replace(write(req), doc)); // a plaintext secret-key is hashed on the way (SecretKeyAdoption)
        ConfigKeys.logReport(doc, "config.yaml replaced");
        ObjectNode ok = Json.MAPPER.createObjectNode().put("ok", true);
        ok.putArray("changed").add("config");
        keysReport.ignored().forEach(ok.putArray("ignored")::add);
        Json.send(res, 200, ok);
    }

    /** {@code GET /v0/management/<key>}: {@code {"<key>": value}}. */
    private void getScalar(ServerResponse res, String key) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        JsonNode v = config.current().get(key);
        out.set(key, v == null ? defaultOf(key) : v);
        Json.send(res, 200, out);
    }

    private static JsonNode defaultOf(String key) {
        return switch (ConfigShape.KEYS.get(key)) {
            case BOOL -> Json.MAPPER.getNodeFactory().booleanNode(false);
            case INT -> Json.MAPPER.getNodeFactory().numberNode(0);
            case MAP -> Json.MAPPER.createObjectNode();
            default -> Json.MAPPER.getNodeFactory().textNode("");
        };
    }

    /** {@code PUT|PATCH /v0/management/<key>} with {@code {"value": x}}. */
    private void putScalar(ServerRequest req, ServerResponse res, String key) {
        JsonNode value = valueOf(Requests.json(req));
        ok(res, config.update(write(req), doc -> doc.set(key, value)));
    }

    /** {@code DELETE /v0/management/<key>}: removes the key (back to the default). */
    private void deleteKey(ServerRequest req, ServerResponse res, String key) {
        ok(res, config.update(write(req), doc -> doc.remove(key)));
    }

    /** {@code PUT /v0/management/<map>} with {@code {"value": {channel: ...}}} (or the map itself): replaces it. */
    private void putChannels(ServerRequest req, ServerResponse res, String key) {
        JsonNode body = Requests.json(req);
        JsonNode value = body.has("value") ? body.get("value") : body;
        if (!value.isObject()) {
            throw new ApiError.Failure(400, "invalid_request", "body must be {\"value\": {\"<channel>\": ...}}");
        }
        ok(res, config.update(write(req), doc -> doc.set(key, value)));
    }

    /** {@code PATCH /v0/management/<map>} with {@code {"channel": "codex", "value": ...}}: sets one channel. */
    private void patchChannel(ServerRequest req, ServerResponse res, String key) {
        JsonNode body = Requests.json(req);
        String channel = body.path("channel").asText("").trim().toLowerCase(Locale.ROOT);
        if (channel.isEmpty() || !body.has("value")) {
            throw new ApiError.Failure(400, "invalid_request", "body must be {\"channel\": \"codex\", \"value\": ...}");
        }
        ok(res, config.update(write(req), doc -> channels(doc, key).set(channel, body.get("value"))));
    }

    /** {@code DELETE /v0/management/<map>?channel=codex} removes one channel; without it, the whole map. */
    private void deleteChannel(ServerRequest req, ServerResponse res, String key) {
        Optional<String> channel = Requests.param(req, "channel");
        long version = config.update(write(req), doc -> {
            if (channel.isEmpty()) {
                doc.remove(key);
            } else if (channels(doc, key).remove(channel.get().trim().toLowerCase(Locale.ROOT)) == null) {
                throw new ApiError.Failure(404, "not_found", "no channel " + channel.get() + " in " + key);
            }
        });
        ok(res, version);
    }

    private static ObjectNode channels(ObjectNode doc, String key) {
        JsonNode m = doc.get(key);
        return m instanceof ObjectNode o ? o : doc.putObject(key);
    }

    /** {@code GET /v0/management/routing/strategy}: {@code {"strategy": "round-robin"}}. */
    private void getStrategy(ServerResponse res) {
        JsonNode v = LiveConfig.at(config.current(), "routing.strategy");
        Json.send(res, 200, Json.MAPPER.createObjectNode().put("strategy",
                ConfigShape.normalizeStrategy(v.isTextual() ? v.asText() : "")));
    }

    /** {@code PUT|PATCH /v0/management/routing/strategy} with {@code {"value": "fill-first"}} (aliases accepted). */
    private void putStrategy(ServerRequest req, ServerResponse res) {
        JsonNode body = Requests.json(req);
        JsonNode v = body.has("strategy") ? body.get("strategy") : valueOf(body);
        String strategy = ConfigShape.normalizeStrategy(v.asText(""));
        if (!ConfigShape.STRATEGIES.contains(strategy)) {
            throw new ApiError.Failure(422, "invalid_config", "routing.strategy must be one of "
                    + String.join(", ", ConfigShape.STRATEGIES));
        }
        etag(res, config.update(write(req), doc -> {
            JsonNode routing = doc.get("routing");
            ObjectNode r = routing instanceof ObjectNode o ? o : doc.putObject("routing");
            r.put("strategy", strategy);
        }));
        Json.send(res, 200, Json.MAPPER.createObjectNode().put("status", "ok").put("strategy", strategy));
    }

    /** {@code GET /v0/management/<list>}: {@code {"<list>": [...]}}. */
    private void getList(ServerResponse res, String key) {
        Versioned<ObjectNode> snap = config.snapshot();
        ObjectNode out = Json.MAPPER.createObjectNode();
        JsonNode v = snap.value().get(key);
        out.set(key, v instanceof ArrayNode ? v : Json.MAPPER.createArrayNode());
        etag(res, snap.version());
        Json.send(res, 200, out);
    }

    /** {@code PUT /v0/management/<list>}: replaces the list (a JSON array or {@code {"items":[...]}}). */
    private void putList(ServerRequest req, ServerResponse res, String key) {
        JsonNode body = Requests.json(req);
        JsonNode items = body.isArray() ? body : body.get("items");
        if (!(items instanceof ArrayNode array)) {
            throw new ApiError.Failure(400, "invalid_request", "body must be a JSON array or {\"items\":[...]}");
        }
        ok(res, config.update(write(req), doc -> doc.set(key, ListEdits.normalize(key, array))));
    }

    /** {@code PATCH /v0/management/<list>}: edits exactly the one entry the selector names ({@link ListEdits}). */
    private void patchList(ServerRequest req, ServerResponse res, String key) {
        JsonNode body = Requests.json(req);
        ListEdits.Changed[] changed = new ListEdits.Changed[1];
        long version = config.update(write(req), doc -> changed[0] = ListEdits.patch(doc, key, body));
        changed(res, version, changed[0]);
    }

    /** {@code DELETE /v0/management/<list>?index=n|value=v|api-key=k[&base-url=u]|name=n}: exactly one entry. */
    private void deleteFromList(ServerRequest req, ServerResponse res, String key) {
        ListEdits.Query query = new ListEdits.Query(Requests.longParam(req, "index"), Requests.param(req, "value"),
                Requests.param(req, "api-key"), Requests.param(req, "base-url"), Requests.param(req, "name"));
        ListEdits.Changed[] changed = new ListEdits.Changed[1];
        long version = config.update(write(req), doc -> changed[0] = ListEdits.delete(doc, key, query));
        changed(res, version, changed[0]);
    }

    private static void changed(ServerResponse res, long version, ListEdits.Changed changed) {
        etag(res, version);
        ObjectNode out = Json.MAPPER.createObjectNode().put("status", "ok");
        out.putObject("changed").put("index", changed.index()).put("entry", changed.label());
        Json.send(res, 200, out);
    }

    private static JsonNode valueOf(JsonNode body) {
        if (!body.has("value")) {
            throw new ApiError.Failure(400, "invalid_request", "body must be {\"value\": ...}");
        }
        return body.get("value");
    }

    private static void ok(ServerResponse res, long version) {
        etag(res, version);
        Json.send(res, 200, Json.MAPPER.createObjectNode().put("status", "ok"));
    }
}
