package dev.spacegate.server.manager.compat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.gateway.GatewayService;
import dev.spacegate.server.gateway.models.ModelRegistry;
import dev.spacegate.server.gateway.oauth.AuthFiles;
import dev.spacegate.server.gateway.pool.Credential;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.manager.Requests;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.web.Json;
import io.helidon.common.LazyValue;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v0/management/api-call}: one HTTP call made with a credential's own token or key, as CLIProxyAPI's
 * quota pages use it ({@code {auth_index, method, url, header, data}}; a header value {@code $TOKEN$} becomes the
 * credential's access token or API key) -> {@code {status_code, header, body}}. Unlike CLIProxyAPI it only reaches
 * the credential's own upstream (same scheme, host and port as its base URL), follows no redirects, ignores
 * {@code proxy_url}, waits at most 30 s and returns at most 1 MiB, so the management key cannot turn it into a
 * way to reach arbitrary addresses.
 */
final class ApiCallApi implements CompatApi.Part {
    static final int MAX_BODY = 1024 * 1024;
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD");
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "upgrade",
            "expect", "transfer-encoding", "te", "trailer", "keep-alive");

    private final GatewayService gateway;
    /** Built at the first call: the JDK client loads the TLS context and trust store, a fifth of a second of start. */
    private final LazyValue<HttpClient> http = LazyValue.create(() -> HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build());

    ApiCallApi(GatewayService gateway) {
        this.gateway = gateway;
    }

    @Override
    public void routes(Endpoints.Builder b) {
        b.post(CompatApi.BASE + "/api-call", c -> call(Requests.json(c.req()), c.res()));
    }

    private void call(JsonNode body, ServerResponse res) throws IOException, InterruptedException {
        String index = firstText(body, "auth_index", "authIndex", "AuthIndex");
        String method = body.path("method").asText("").trim().toUpperCase(Locale.ROOT);
        String url = body.path("url").asText("").trim();
        if (index.isEmpty()) {
            throw new ApiError.Failure(400, "invalid_body", "auth_index is required");
        }
        if (!METHODS.contains(method)) {
            throw new ApiError.Failure(400, "invalid_body", "method must be one of " + String.join(", ", METHODS));
        }
        URI target = parse(url);
        AuthFiles files = gateway.authFiles();
        Credential c = ModelRegistry.build(gateway.config(), files == null ? List.of() : files.registry().entries())
                .credentials().stream().filter(x -> x.authIndex().equals(index)).findFirst()
                .orElseThrow(() -> new ApiError.Failure(404, "not_found", "auth not found"));
        URI own = parse(c.baseUrl());
        if (!sameOrigin(own, target)) {
            throw new ApiError.Failure(403, "forbidden_target", "api-call only reaches the credential's own upstream "
                    + own.getScheme() + "://" + own.getHost() + (own.getPort() < 0 ? "" : ":" + own.getPort()));
        }
        String token = token(c, files);
        HttpRequest.Builder rb = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30));
        body.path("header").properties().forEach(h -> {
            String name = h.getKey().trim();
            if (!name.isEmpty() && !RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                String v = h.getValue().asText("");
                rb.header(name, token == null ? v : v.replace("$TOKEN$", token));
            }
        });
        String data = body.path("data").asText("");
        rb.method(method, data.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(data, StandardCharsets.UTF_8));
        HttpResponse<InputStream> r;
        try {
            r = http.get().send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ApiError.Failure(502, "request_failed", "request failed: " + e.getClass().getSimpleName());
        }
        byte[] bytes;
        try (InputStream in = r.body()) {
            bytes = in.readNBytes(MAX_BODY);
        }
        ObjectNode out = Json.MAPPER.createObjectNode().put("status_code", r.statusCode());
        ObjectNode headers = out.putObject("header");
        r.headers().map().forEach((k, vs) -> {
            if (!k.startsWith(":")) {
                com.fasterxml.jackson.databind.node.ArrayNode values = headers.putArray(k);
                vs.forEach(values::add);
            }
        });
        out.put("body", new String(bytes, StandardCharsets.UTF_8));
        Json.send(res, 200, out);
    }

    /** The credential's access token (auth files, refreshed when expired) or API key. */
    private static String token(Credential c, AuthFiles files) {
        if (files != null && files.registry().describe(c.authIndex()).isPresent()) {
            Map<String, String> scratch = new HashMap<>();
            return files.tokens().apply(c, scratch);
        }
        return c.apiKey();
    }

    private static URI parse(String url) {
        try {
            URI u = URI.create(url);
            String scheme = Optional.ofNullable(u.getScheme()).orElse("").toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || u.getRawUserInfo() != null) {
                throw new IllegalArgumentException();
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new ApiError.Failure(400, "invalid_body", "url must be an absolute http(s) URL");
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static String firstText(JsonNode body, String... names) {
        for (String n : names) {
            String v = body.path(n).asText("").trim();
            if (!v.isEmpty()) {
                return v;
            }
        }
        return "";
    }
}
