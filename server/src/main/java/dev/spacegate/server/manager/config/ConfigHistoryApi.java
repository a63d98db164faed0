package dev.spacegate.server.manager.config;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.store.ConfigVersion;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.manager.Requests;
import dev.spacegate.server.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The config history of the management API: the last 50 accepted versions and a restore that makes one of them
 * current again (as a new version, validated like any write).
 *
 * <pre>
 * curl -H "Authorization: Bearer $KEY" http://localhost:7860/v0/management/config/history
 * curl -H "Authorization: Bearer $KEY" http://localhost:7860/v0/management/config/history/12
 * curl -X POST -H "Authorization: Bearer $KEY" -d '{"version":12}' http://localhost:7860/v0/management/config/restore
 * </pre>
 */
final class ConfigHistoryApi {
    private final LiveConfig config;

    ConfigHistoryApi(LiveConfig config) {
        this.config = config;
    }

    /** {@code GET /v0/management/config/history}: {@code {"versions":[{"version","saved_at","source","by"}]}}. */
    void list(ServerResponse res) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode versions = out.putArray("versions");
        for (ConfigVersion v : config.history()) {
            versions.addObject().put("version", v.version())
                    .put("saved_at", Instant.ofEpochMilli(v.savedAtMs()).toString())
                    .put("source", v.source()).put("by", v.by());
        }
        out.put("current_version", config.version());
        ConfigApi.etag(res, config.version());
        Json.send(res, 200, out);
    }

    /** {@code GET /v0/management/config/history/N}: that version as YAML, secrets masked. */
    void show(ServerResponse res, String versionText) {
        long version = parse(versionText);
        String yaml = config.maskedVersion(version).orElseThrow(() -> new ApiError.Failure(404, "not_found",
                "version " + version + " is not in the config history"));
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/yaml; charset=utf-8");
        res.send(yaml.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code POST /v0/management/config/restore {"version":N}}: a new version whose content equals N. */
    void restore(ServerRequest req, ServerResponse res, ConfigWrite write) {
        JsonNode body = Requests.json(req);
        JsonNode v = body.path("version");
        if (!v.isIntegralNumber() || v.asLong() <= 0) {
            throw new ApiError.Failure(400, "invalid_request", "body must be {\"version\": N} with N from the history");
        }
        long version = config.restore(write, v.asLong());
        ConfigApi.etag(res, version);
        Json.send(res, 200, Json.MAPPER.createObjectNode().put("status", "ok").put("restored", v.asLong())
                .put("version", version));
    }

    private static long parse(String text) {
        try {
            long v = Long.parseLong(text);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiError.Failure(400, "invalid_parameter", "the version must be a whole number from the history");
    }
}
