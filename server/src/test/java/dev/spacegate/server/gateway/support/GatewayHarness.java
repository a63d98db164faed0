package dev.spacegate.server.gateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.persistence.usage.UsageEvent;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;

import dev.spacegate.server.gateway.GatewayService;
import dev.spacegate.server.gateway.auth.ManagementGuard;
import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.testing.Servers;

/** A gateway on a real port (routed the way the lead's router hands it requests), plus an HTTP client. */
public final class GatewayHarness implements AutoCloseable {
    public static final String CLIENT_KEY = "test-key-not-secret";
    public static final String MANAGEMENT_KEY = "test-management-key-not-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final GatewayService gateway;
    public final WebServer server;
    public final ConcurrentLinkedQueue<UsageEvent> stored = new ConcurrentLinkedQueue<>();
    public final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    public final Path dir;

    public GatewayHarness(JsonNode config, CooldownStore cooldowns) throws Exception {
        dir = Files.createTempDirectory("gateway-test");
        ManagementGuard guard = (req, res) -> {
            String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
            if (auth.equals("Bearer " + MANAGEMENT_KEY)) {
                return true;
            }
            res.status(Status.UNAUTHORIZED_401).send("{\"error\":\"invalid management key\"}");
            return false;
        };
        // tests about something else need no client key; the security tests configure keys or set it to false
        JsonNode doc = config instanceof ObjectNode o ? Servers.openByDefault(o.deepCopy()) : config;
        gateway = new GatewayService(doc, guard, records -> stored.addAll(records), cooldowns,
                dir.resolve("journal"));
        WsRouting.Builder ws = WsRouting.builder();
        gateway.webSocketEndpoints().forEach(ws::endpoint);
        server = WebServer.builder().port(0).host("127.0.0.1")
                .routing(r -> r.any("/*", (req, res) -> gateway.serve(req, res, req.path().path()))
                        .error(java.io.UncheckedIOException.class, (req, res, e) -> { }))
                .addRouting(ws)
                .build().start();
    }

    public String base() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Records the usage sink has handed to the writer so far (flushes first). */
    public List<UsageEvent> usage() throws InterruptedException {
        gateway.usageSink().flush(Duration.ofSeconds(10));
        return new ArrayList<>(stored);
    }

    /** Records of requests for the client-visible model {@code alias}. */
    public List<UsageEvent> usageFor(String alias) throws InterruptedException {
        return usage().stream().filter(u -> alias.equals(u.requestedModel())).toList();
    }

    public HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> postWithKey(String path, String body) throws Exception {
        return post(path, body, Map.of("Authorization", "Bearer " + CLIENT_KEY));
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).GET();
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Override
    public void close() {
        server.stop();
        gateway.close();
    }
}
