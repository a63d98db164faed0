package dev.spacegate.server.manager.config;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.providers.ProviderKind;
import dev.spacegate.server.web.Json;

import io.helidon.common.LazyValue;

/**
 * {@code POST /v0/management/monitoring/upstream-check {"section":"gemini-api-key","index":0}}: asks one configured
 * API-key upstream for its model list with that entry's key and reports whether it answered, how fast and how many
 * models it lists. The key never appears in the answer (the upstream's message is cut short and the key replaced).
 */
public final class UpstreamCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MESSAGE_CHARS = 200;

    private final LiveConfig config;
    /** Built at the first check: the JDK client loads the TLS context and trust store, a fifth of a second of start. */
    private final LazyValue<HttpClient> http = LazyValue.create(() -> HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build());

    public UpstreamCheck(LiveConfig config) {
        this.config = config;
    }

    /** Checks the entry named by the body; 400 for an unknown section, 404 for a missing entry. */
    public ObjectNode check(JsonNode body) {
        String section = body.path("section").asText("");
        ProviderKind kind = Arrays.stream(ProviderKind.values()).filter(k -> k.section().equals(section)).findFirst()
                .orElseThrow(() -> new ApiError.Failure(400, "invalid_request", "section must be an API-key upstream list"));
        JsonNode list = config.current().path(section);
        int index = body.path("index").asInt(-1);
        if (!list.isArray() || index < 0 || index >= list.size()) {
            throw new ApiError.Failure(404, "not_found", "no entry " + index + " in " + section);
        }
        JsonNode entry = list.get(index);
        String key = kind == ProviderKind.OPENAI_COMPATIBILITY
                ? entry.path("api-key-entries").path(0).path("api-key").asText("") : entry.path("api-key").asText("");
        String base = entry.path("base-url").asText("");
        if (base.isBlank()) {
            base = kind.defaultBaseUrl();
        }
        if (base == null || !(base.startsWith("http://") || base.startsWith("https://"))) {
            throw new ApiError.Failure(422, "invalid_request", "the entry has no http(s) base-url");
        }
        return probe(kind, stripSlash(base), key);
    }

    private ObjectNode probe(ProviderKind kind, String base, String key) {
        HttpRequest.Builder req = HttpRequest.newBuilder().timeout(TIMEOUT).GET();
        switch (kind) {
            case GEMINI_API_KEY -> req.uri(URI.create(base + "/v1beta/models")).header("x-goog-api-key", key);
            case CLAUDE_API_KEY -> {
                req.uri(URI.create(base + "/v1/models")).header("anthropic-version", "2023-06-01");
                if (base.toLowerCase(Locale.ROOT).contains("api.anthropic.com")) {
                    req.header("x-api-key", key);
                } else {
                    req.header("Authorization", "Bearer " + key);
                }
            }
            default -> req.uri(URI.create(base + "/models")).header("Authorization", "Bearer " + key);
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = http.get().send(req.build(), HttpResponse.BodyHandlers.ofString());
            out.put("latency_ms", (System.nanoTime() - t0) / 1_000_000);
            out.put("status", r.statusCode());
            out.put("ok", r.statusCode() >= 200 && r.statusCode() < 300);
            if (r.statusCode() >= 200 && r.statusCode() < 300) {
                JsonNode doc = Json.MAPPER.readTree(r.body());
                JsonNode models = doc.has("data") ? doc.path("data") : doc.path("models");
                out.put("models", models.isArray() ? models.size() : 0);
            } else {
                out.put("message", redact(r.body(), key));
            }
        } catch (java.io.IOException e) {
            out.put("ok", false).put("status", 0).put("latency_ms", (System.nanoTime() - t0) / 1_000_000)
                    .put("message", e instanceof java.net.http.HttpTimeoutException ? "timed out" : "no answer ("
                            + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError.Failure(503, "interrupted", "the check was interrupted");
        }
        return out;
    }

    private static String redact(String body, String key) {
        String s = body == null ? "" : body;
        if (key != null && key.length() >= 4) {
            s = s.replace(key, "[redacted]");
        }
        s = s.replaceAll("\\s+", " ").trim();
        return s.length() > MESSAGE_CHARS ? s.substring(0, MESSAGE_CHARS) + "…" : s;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
