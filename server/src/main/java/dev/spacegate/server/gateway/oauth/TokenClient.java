package dev.spacegate.server.gateway.oauth;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * The HTTP calls of OAuth: token endpoint (code exchange, refresh, device polling), device authorization and
 * profile lookups, through the account's proxy when it has one. Never logs a request or response body.
 */
final class TokenClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A token endpoint's answer: HTTP status (0 = not reachable) and the parsed JSON body. */
    record Result(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300 && body.path("access_token").isTextual();
        }

        /** The OAuth error code ({@code invalid_grant}, {@code authorization_pending}, ...), or "" when none. */
        String error() {
            JsonNode e = body.path("error");
            if (e.isTextual()) {
                return e.asText();
            }
            return e.path("type").asText(e.path("code").asText(""));
        }

        boolean invalidGrant() {
            return error().equals("invalid_grant") || body.path("error_description").asText("").contains("invalid_grant");
        }
    }

    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    Result form(String url, Map<String, String> fields, String proxyUrl) {
        StringJoiner body = new StringJoiner("&");
        fields.forEach((k, v) -> body.add(enc(k) + "=" + enc(v)));
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), proxyUrl);
    }

    Result json(String url, Map<String, String> fields, String proxyUrl) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(fields);
        } catch (IOException e) {
            throw new IllegalStateException("token request could not be encoded");
        }
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), proxyUrl);
    }

    Result get(String url, String bearer, String proxyUrl) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("Accept", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b.GET().build(), proxyUrl);
    }

    private Result send(HttpRequest req, String proxyUrl) {
        try {
            HttpResponse<byte[]> r = client(proxyUrl).send(req, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body;
            try {
                body = r.body().length == 0 ? MissingNode.getInstance() : JSON.readTree(r.body());
            } catch (IOException e) {
                body = MissingNode.getInstance();
            }
            return new Result(r.statusCode(), body == null ? MissingNode.getInstance() : body);
        } catch (IOException e) {
            return new Result(0, MissingNode.getInstance());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(0, MissingNode.getInstance());
        }
    }

    private HttpClient client(String proxyUrl) {
        String key = proxyUrl == null || proxyUrl.equals("direct") ? "" : proxyUrl;
        return clients.computeIfAbsent(key, k -> {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
            if (!k.isEmpty()) {
                URI u = URI.create(k);
                b.proxy(ProxySelector.of(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 80 : u.getPort())));
            } else {
                b.proxy(HttpClient.Builder.NO_PROXY);
            }
            return b.build();
        });
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
