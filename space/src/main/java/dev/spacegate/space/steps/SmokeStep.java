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
import java.util.function.Predicate;

/**
 * Checks the running Space from outside: {@code GET /health} must answer 200 with {@code "ok": true} and
 * {@code GET /healthz} 200 with {@code "status": "ok"}. Retries until {@code --smoke-timeout}: the Space's
 * front door may still be switching to the new container.
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
    }

    private void check(PublishContext ctx, HttpClient http, String path, Predicate<JsonNode> healthy, Instant deadline,
            Duration poll) {
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
                HttpResponse<String> r = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && healthy.test(parse(r.body()))) {
                    ctx.reporter().info(name(), "GET " + path + " -> 200 healthy");
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishException("interrupted", "interrupted during the smoke test");
            }
            if (Instant.now().plus(poll).isAfter(deadline)) {
                throw new PublishException("smoke_failed", "GET " + url + " did not answer healthy in time (last: "
                        + last + ")");
            }
            WaitRunningStep.sleep(poll);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
