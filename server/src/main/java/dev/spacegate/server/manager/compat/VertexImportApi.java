package dev.spacegate.server.manager.compat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.gateway.GatewayService;
import dev.spacegate.server.gateway.oauth.AuthFiles;
import dev.spacegate.server.gateway.oauth.AuthFile;
import dev.spacegate.server.gateway.oauth.Multipart;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.manager.Requests;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v0/management/vertex/import}: a Google service-account JSON (multipart field {@code file}, with
 * optional fields {@code location} and {@code prefix}; or the raw JSON with {@code ?location=&prefix=}) becomes the
 * auth file {@code vertex-<project>.json}, sealed in the auth store like any other, as CLIProxyAPI writes it.
 *
 * <pre>
 * curl -H "Authorization: Bearer $KEY" -F file=@sa.json -F location=us-central1 \
 *      http://localhost:7860/v0/management/vertex/import
 * </pre>
 */
final class VertexImportApi implements CompatApi.Part {
    static final int MAX_BYTES = 1024 * 1024;
    private final GatewayService gateway;

    VertexImportApi(GatewayService gateway) {
        this.gateway = gateway;
    }

    @Override
    public void routes(Endpoints.Builder b) {
        b.post(CompatApi.BASE + "/vertex/import", c -> importFile(c.req(), c.res()));
    }

    private void importFile(ServerRequest req, ServerResponse res) throws IOException {
        AuthFiles files = gateway.authFiles();
        if (files == null) {
            throw new ApiError.Failure(503, "auth_store_unavailable", "the auth store is not attached");
        }
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(MAX_BYTES + 1);
        }
        if (body.length > MAX_BYTES) {
            throw new ApiError.Failure(413, "too_large", "the service-account file is larger than 1 MiB");
        }
        Upload up = upload(req, body);
        JsonNode sa = serviceAccount(up.file());
        String project = sa.path("project_id").asText("").trim();
        String email = sa.path("client_email").asText().trim();
        String loc = up.location().isEmpty() ? "us-central1" : up.location();
        String name = "vertex-" + project.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-") + ".json";
        ObjectNode file = Json.MAPPER.createObjectNode().put("type", "vertex");
        file.set("service_account", sa);
        file.put("project_id", project).put("email", email).put("location", loc)
                .put("label", email + " (" + project + ")");
        if (!up.prefix().isEmpty()) {
            file.put("prefix", up.prefix());
        }
        try {
            files.store().put(name, Json.MAPPER.writeValueAsBytes(file));
        } catch (AuthFile.InvalidAuthFileException e) {
            throw new ApiError.Failure(400, "invalid_auth_file", e.getMessage());
        }
        Json.send(res, 200, Json.MAPPER.createObjectNode().put("status", "ok").put("auth-file", name)
                .put("project_id", project).put("email", email).put("location", loc));
    }

    /** The uploaded key file (as ISO-8859-1 text) with the location and prefix given beside it. */
    private record Upload(String file, String location, String prefix) {
    }

    /** A multipart form ({@code file}, {@code location}, {@code prefix}) or the raw file with query parameters. */
    private static Upload upload(ServerRequest req, byte[] body) {
        String ct = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        String saText;
        String location = Requests.param(req, "location").orElse("");
        String prefix = Requests.param(req, "prefix").orElse("");
        if (ct.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            Map<String, String> form;
            try {
                form = Multipart.fields(ct, body);
            } catch (IllegalArgumentException e) {
                throw new ApiError.Failure(400, "invalid_body", e.getMessage());
            }
            saText = form.get("file");
            location = form.getOrDefault("location", location).trim();
            prefix = form.getOrDefault("prefix", prefix).trim();
        } else {
            saText = new String(body, StandardCharsets.ISO_8859_1);
        }
        if (saText == null || saText.isBlank()) {
            throw new ApiError.Failure(400, "file_required", "file required (multipart field \"file\")");
        }
        return new Upload(saText, location, prefix);
    }

    /** The service-account key, checked for the fields a Vertex account needs. */
    private static JsonNode serviceAccount(String saText) {
        JsonNode sa;
        try {
            sa = Json.MAPPER.readTree(new String(saText.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ApiError.Failure(400, "invalid_json", "the file is not valid JSON");
        }
        String project = sa.path("project_id").asText("").trim();
        if (!sa.isObject() || !"service_account".equals(sa.path("type").asText())
                || sa.path("private_key").asText("").isBlank() || sa.path("client_email").asText("").isBlank()) {
            throw new ApiError.Failure(400, "invalid_service_account",
                    "not a service-account key (type service_account, client_email, private_key)");
        }
        if (project.isEmpty()) {
            throw new ApiError.Failure(400, "invalid_service_account", "project_id missing");
        }
        return sa;
    }
}
