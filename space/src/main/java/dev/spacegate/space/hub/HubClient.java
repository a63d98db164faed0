package dev.spacegate.space.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.space.PublishException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Hugging Face Hub API calls the publisher needs, with the request shapes huggingface_hub uses
 * ({@code authorization: Bearer <token>}, JSON bodies, {@code DELETE} with a JSON body). Failures become
 * {@link PublishException}s that say which call failed and why; request bodies (which may hold secret values)
 * never appear in them.
 */
public final class HubClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI endpoint;
    private final String token;
    private final HttpClient http;

    /** A client for {@code endpoint} (e.g. {@code https://huggingface.co}) acting with {@code token}. */
    public HubClient(URI endpoint, String token) {
        String base = endpoint.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** {@code GET /api/spaces/{id}}: the Space's info, or empty when it does not exist. */
    public Optional<JsonNode> spaceInfo(SpaceId id) {
        Response r = send("GET", "/api/spaces/" + id, null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(r.ok("read the Space " + id));
    }

    /**
     * {@code POST /api/repos/create} for a Docker Space. Returns false when it already existed (409).
     * 402 means the account has no plan that allows Docker Spaces.
     */
    public boolean createSpace(SpaceId id, boolean privateSpace) {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", id.name());
        body.put("organization", id.owner());
        body.put("type", "space");
        body.put("sdk", "docker");
        body.put("visibility", privateSpace ? "private" : "public");
        Response r = send("POST", "/api/repos/create", body);
        if (r.status() == 409) {
            return false;
        }
        if (r.status() == 402) {
            throw new PublishException("hf_payment_required", "Hugging Face refused to create the Space " + id
                    + " (HTTP 402 payment required): creating a Docker Space needs a paid plan (PRO for a personal "
                    + "account, Team or Enterprise for an organization). Upgrade, or create the Space once in the web "
                    + "UI, then run again." + r.detail());
        }
        r.ok("create the Space " + id);
        return true;
    }

    /** {@code GET /api/spaces/{id}/secrets}: secret name to description (values are never returned). */
    public Map<String, String> secretDescriptions(SpaceId id) {
        JsonNode node = send("GET", "/api/spaces/" + id + "/secrets", null).ok("list the Space's secrets");
        Map<String, String> out = new LinkedHashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().path("description").asText("")));
        return out;
    }

    /** {@code POST /api/spaces/{id}/secrets}: upserts one secret. */
    public void setSecret(SpaceId id, String key, String value, String description) {
        ObjectNode body = JSON.createObjectNode().put("key", key).put("value", value).put("description", description);
        send("POST", "/api/spaces/" + id + "/secrets", body).ok("set the secret " + key);
    }

    /** {@code DELETE /api/spaces/{id}/secrets} with body {@code {"key":K}}. */
    public void deleteSecret(SpaceId id, String key) {
        send("DELETE", "/api/spaces/" + id + "/secrets", JSON.createObjectNode().put("key", key))
                .ok("delete the secret " + key);
    }

    /** {@code GET /api/spaces/{id}/variables}: variable name to value. */
    public Map<String, String> variables(SpaceId id) {
        JsonNode node = send("GET", "/api/spaces/" + id + "/variables", null).ok("list the Space's variables");
        Map<String, String> out = new LinkedHashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().path("value").asText("")));
        return out;
    }

    /** {@code POST /api/spaces/{id}/variables}: upserts one variable. */
    public void setVariable(SpaceId id, String key, String value) {
        ObjectNode body = JSON.createObjectNode().put("key", key).put("value", value);
        send("POST", "/api/spaces/" + id + "/variables", body).ok("set the variable " + key);
    }

    /** {@code DELETE /api/spaces/{id}/variables} with body {@code {"key":K}}. */
    public void deleteVariable(SpaceId id, String key) {
        send("DELETE", "/api/spaces/" + id + "/variables", JSON.createObjectNode().put("key", key))
                .ok("delete the variable " + key);
    }

    /** {@code GET /api/spaces/{id}/runtime}. */
    public SpaceRuntime runtime(SpaceId id) {
        JsonNode node = send("GET", "/api/spaces/" + id + "/runtime", null).ok("read the Space's runtime");
        String error = node.path("errorMessage").asText("");
        return new SpaceRuntime(node.path("stage").asText("UNKNOWN"), error.isEmpty() ? null : error);
    }

    private Response send(String method, String path, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + path))
                .timeout(TIMEOUT)
                .header("authorization", "Bearer " + token)
                .header("user-agent", "spacegate-publisher");
        if (body != null) {
            b.header("content-type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(method, path, r.statusCode(), r.body());
        } catch (IOException e) {
            throw new PublishException("hf_unreachable", "cannot reach the Hugging Face API at " + endpoint + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted", "interrupted while calling the Hugging Face API");
        }
    }

    /** One HTTP answer; {@link #ok} turns a non-2xx status into a clear error. */
    private record Response(String method, String path, int status, String body) {
        JsonNode ok(String what) {
            if (status / 100 != 2) {
                String hint = switch (status) {
                    case 401 -> " The token is missing, wrong or expired.";
                    case 403 -> " The token lacks write permission on this Space.";
                    case 404 -> " The Space does not exist or the token cannot see it.";
                    case 429 -> " Rate limited; try again in a few minutes.";
                    default -> "";
                };
                throw new PublishException("hf_http_" + status, "Hugging Face API: could not " + what + ": "
                        + method + " " + path + " answered HTTP " + status + "." + hint + detail());
            }
            try {
                return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (IOException e) {
                return JSON.createObjectNode();
            }
        }

        /** The {@code error} text of an error body, shortened; HF error bodies carry no request data. */
        String detail() {
            try {
                String error = JSON.readTree(body == null ? "" : body).path("error").asText("");
                if (error.isBlank()) {
                    return "";
                }
                return " (" + (error.length() > 200 ? error.substring(0, 200) + "..." : error) + ")";
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }
    }
}
