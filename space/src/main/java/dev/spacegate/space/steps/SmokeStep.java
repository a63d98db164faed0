package dev.spacegate.space.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.space.PublishException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Checks the running Space from outside: {@code GET /health} must answer 200 with {@code "ok": true} (false when
 * an auth file cannot be opened) and {@code GET /healthz} 200 with {@code "status": "ok"}. Retries until
 * {@code --smoke-timeout}: the Space's front door may still be switching to the new container.
 *
 * <p>With {@code --client-key-env NAME}, every client key in that variable must get 200 from {@code /v1/models};
 * with {@code --management-key-env NAME}, that management key must get 200 from {@code /status}, and then
 * {@code /status} must report {@code seal.pendingTotal = 0} (nothing left sealed under an older data key) within
 * {@code --seal-timeout}. A rotation passes its new and its previous keys, so both are proven to work.
 */
public final class SmokeStep implements Step {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "smoke";
    }

    @Override
    public void run(PublishContext ctx) {
        Duration timeout = ctx.options().duration("smoke-timeout", Duration.ofMinutes(3));
        Duration poll = ctx.options().duration("poll", Duration.ofSeconds(5));
        Instant deadline = Instant.now().plus(timeout);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        check(ctx, http, "/health", n -> n.path("ok").asBoolean(false), deadline, poll);
        check(ctx, http, "/healthz", n -> "ok".equals(n.path("status").asText()), deadline, poll);
        for (String name : ctx.options().all("client-key-env")) {
            List<String> keys = ctx.env(name).map(v -> GenerateKeysStep.keysOf(v, true)).orElse(List.of());
            if (keys.isEmpty()) {
                ctx.reporter().info(name(), name + ": not set, no client key checked");
            }
            for (int i = 0; i < keys.size(); i++) {
                check(ctx, http, "/v1/models", keys.get(i), name + " key " + (i + 1), n -> n.has("data"),
                        deadline, poll);
            }
        }
        String sealKey = null;
        for (String name : ctx.options().all("management-key-env")) {
            Optional<String> key = ctx.env(name).map(v -> GenerateKeysStep.keysOf(v, false).getFirst());
            if (key.isEmpty()) {
                ctx.reporter().info(name(), name + ": not set, not checked");
                continue;
            }
            check(ctx, http, "/status", key.get(), name, n -> n.has("service"), deadline, poll);
            sealKey = sealKey == null ? key.get() : sealKey;
        }
        if (sealKey != null) {
            Instant sealDeadline = Instant.now().plus(ctx.options().duration("seal-timeout", Duration.ofMinutes(10)));
            check(ctx, http, "/status", sealKey, "seal", SmokeStep::sealDone, sealDeadline, poll);
        }
    }

    /** Re-sealing finished: nothing under an older data key, nothing unreadable. */
    static boolean sealDone(JsonNode status) {
        JsonNode seal = status.path("seal");
        return seal.path("state").asText().equals("done") && seal.path("pendingTotal").asInt(-1) == 0
                && seal.path("unreadable").isArray() && seal.path("unreadable").isEmpty();
    }

    private void check(PublishContext ctx, HttpClient http, String path, Predicate<JsonNode> healthy, Instant deadline,
            Duration poll) {
        check(ctx, http, path, null, null, healthy, deadline, poll);
    }

    private void check(PublishContext ctx, HttpClient http, String path, String key, String keyName,
            Predicate<JsonNode> healthy, Instant deadline, Duration poll) {
        String url = ctx.spaceUrl() + path;
        String last = "no answer";
        while (true) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
                if (URI.create(url).getHost().endsWith(".hf.space")) {
                    // A private Space's front door wants the owner's token; never sent to any other host.
                    ctx.env(ctx.options().get("token-env", "HF_TOKEN"))
                            .ifPresent(t -> request.header("authorization", "Bearer " + t));
                }
                if (key != null) {
                    // Spacegate reads the client key from x-api-key too; the front door keeps Authorization
                    request.header(path.equals("/v1/models") ? "x-api-key" : "x-management-key", key);
                }
                HttpResponse<String> r = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
                JsonNode body = parse(r.body());
                if (r.statusCode() == 200 && healthy.test(body)) {
                    ctx.reporter().info(name(), "GET " + path + (keyName == null ? "" : " with " + keyName)
                            + " -> 200 " + (keyName != null && keyName.equals("seal") ? "seal.pending = 0" : "healthy"));
                    return;
                }
                last = "HTTP " + r.statusCode() + describe(body);
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishException("interrupted", "interrupted during the smoke test");
            }
            if (Instant.now().plus(poll).isAfter(deadline)) {
                throw new PublishException("smoke_failed", "GET " + url + (keyName == null ? "" : " with " + keyName)
                        + " did not answer " + (keyName != null && keyName.equals("seal") ? "seal.pending = 0" : "healthy")
                        + " in time (last: " + last + ")");
            }
            WaitRunningStep.sleep(poll);
        }
    }

    /** What went wrong, from the answer's own words (error message, degraded store, seal progress); no values. */
    private static String describe(JsonNode body) {
        if (body.path("error").has("message")) {
            return ": " + body.path("error").path("message").asText();
        }
        if (body.path("status").asText().equals("degraded")) {
            return ": auth store degraded (" + body.path("unreadable").asInt() + " sealed values cannot be opened)";
        }
        if (body.has("seal")) {
            return ": seal " + body.path("seal").path("state").asText() + ", pending " + body.path("seal").path("pending")
                    + ", unreadable " + body.path("seal").path("unreadable").size();
        }
        return "";
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
