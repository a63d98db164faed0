package dev.spacegate.server.gateway.oauth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import dev.spacegate.server.outbound.OutboundClient;
import dev.spacegate.server.outbound.ProxySpec;
import dev.spacegate.server.outbound.Response;

/**
 * The HTTP calls of OAuth: token endpoint (code exchange, refresh, device polling), device authorization and
 * profile lookups, through the auth file's proxy when it has one. Never logs a request or response body.
 */
final class TokenClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Token answers are small; a larger body is cut here rather than held in memory. */
    private static final int MAX_BODY = 1024 * 1024;

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

    private final OutboundClient client = new OutboundClient(Duration.ofSeconds(10), TIMEOUT);

    Result form(String url, Map<String, String> fields, String proxyUrl) {
        StringJoiner body = new StringJoiner("&");
        fields.forEach((k, v) -> body.add(enc(k) + "=" + enc(v)));
        return send("POST", url, Map.of("content-type", "application/x-www-form-urlencoded",
                "accept", "application/json"), body.toString().getBytes(StandardCharsets.UTF_8), proxyUrl);
    }

    Result json(String url, Map<String, String> fields, String proxyUrl) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(fields);
        } catch (IOException e) {
            throw new IllegalStateException("token request could not be encoded");
        }
        return send("POST", url, Map.of("content-type", "application/json", "accept", "application/json"), body,
                proxyUrl);
    }

    Result get(String url, String bearer, String proxyUrl) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("accept", "application/json");
        if (bearer != null) {
            headers.put("authorization", "Bearer " + bearer);
        }
        return send("GET", url, headers, null, proxyUrl);
    }

    private Result send(String method, String url, Map<String, String> headers, byte[] body, String proxyUrl) {
        try (Response r = client.send(method, URI.create(url), headers, body, ProxySpec.of(proxyUrl))) {
            byte[] bytes = r.decodedBody().readNBytes(MAX_BODY);
            JsonNode parsed;
            try {
                parsed = bytes.length == 0 ? MissingNode.getInstance() : JSON.readTree(bytes);
            } catch (IOException e) {
                parsed = MissingNode.getInstance();
            }
            return new Result(r.status(), parsed == null ? MissingNode.getInstance() : parsed);
        } catch (IOException | IllegalArgumentException e) {
            return new Result(0, MissingNode.getInstance());
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
