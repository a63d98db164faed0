package dev.spacegate.server;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.server.routing.RouteOwner;
import dev.spacegate.server.routing.RouteRule;
import dev.spacegate.server.routing.RouteTable;
import dev.spacegate.server.testing.Servers;
import io.helidon.http.Method;
import dev.spacegate.server.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The route table tells the truth about the bundled server: every call a part has a handler for is routed to that
 * part, {@code routes explain} names it, and every rule of the table leads to a part that really serves its paths.
 */
class RouteTruthTest {
    private static LogCapture capture;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<Method> METHODS = List.of(Method.GET, Method.POST, Method.PUT, Method.PATCH,
            Method.DELETE);

    private static Path dir;
    private static Persistence persistence;
    private static Spacegate server;

    @BeforeAll
    static void start() throws Exception {
        capture = LogCapture.accessLog();
        dir = Files.createTempDirectory("sg-truth-");
        persistence = Persistence.open(PersistenceSettings.fromEnv(Map.of("DATA_DIR", dir.toString(),
                "DATA_KEY", TestPg.TEST_DATA_KEY)));
        Map<String, String> env = Map.of("MANAGEMENT_PASSWORD", "mgmt-truth-not-secret");
        server = Spacegate.start(Servers.config("api-keys: [\"sk-truth-not-secret\"]\n", env), persistence, env);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (persistence != null) {
            persistence.close();
        }
        TestPg.deleteTree(dir);
        capture.close();
    }

    @Test
    void everyEndpointOfEveryPartIsServedByThePartRoutesExplainNames() throws Exception {
        Map<String, RouteOwner> owners = server.owners();
        int n = 0;
        for (Map.Entry<String, RouteOwner> part : owners.entrySet()) {
            List<String> calls = part.getValue().endpoints();
            assertTrue(!calls.isEmpty(), part.getKey() + " lists its endpoints");
            for (String call : calls) {
                String method = call.substring(0, call.indexOf(' '));
                String path = concrete(call.substring(call.indexOf(' ') + 1));
                assertEquals(part.getKey(), explain(path), "routes explain " + path + " (" + call + ")");
                String id = "truth-" + (n++);
                HttpResponse<String> r = send(method, path, id);
                assertTrue(!refused(r), call + " was refused as unknown: " + r.statusCode() + " " + r.body());
                assertEquals(part.getKey(), loggedOwner(id), "the access log's owner of " + call);
            }
        }
        assertTrue(n > 60, "walked " + n + " endpoints");
    }

    @Test
    void everyRuleLeadsToAPartThatServesItsPaths() {
        Map<String, RouteOwner> owners = server.owners();
        RouteTable table = RouteTable.profile("bundled");
        for (RouteRule rule : table.rules()) {
            if (rule.action() != RouteRule.Action.SERVE || rule.match() == RouteRule.Match.FALLBACK) {
                continue;
            }
            RouteOwner owner = owners.get(rule.owner());
            if (rule.match() == RouteRule.Match.EXACT) {
                assertTrue(METHODS.stream().anyMatch(m -> owner.serves(m, rule.pattern())),
                        rule.describe() + ": " + rule.owner() + " has no handler there");
            } else {
                assertTrue(owner.endpoints().stream().anyMatch(c -> c.substring(c.indexOf(' ') + 1)
                        .startsWith(rule.pattern())), rule.describe() + ": " + rule.owner() + " serves nothing there");
            }
        }
    }

    /** A request path for an endpoint pattern. */
    private static String concrete(String pattern) {
        if (pattern.equals("/v1beta/models/{model}")) {
            return "/v1beta/models/some-model:generateContent";
        }
        return pattern.replaceAll("\\{[^}]+}", "x").replace("*", "x");
    }

    /** Whether the answer is a part's "no such path / method" refusal rather than a handler's answer. */
    private static boolean refused(HttpResponse<String> r) {
        return r.statusCode() == 405 || r.statusCode() == 404 && r.body().contains("no route for");
    }

    private static String explain(String path) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = Main.routes(new String[] {"routes", "explain", path}, Map.of(),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        return buf.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("owner:"))
                .map(l -> l.substring("owner:".length()).trim()).findFirst().orElseThrow();
    }

    private static HttpResponse<String> send(String method, String path, String id) throws Exception {
        boolean body = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).header("X-Request-Id", id).header("Content-Type", "application/json")
                .method(method, body ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
                .build();
        return CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** The owner the access log names for a request id (the line is written after the answer went out). */
    private static String loggedOwner(String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            List<String> lines = new ArrayList<>(capture.messages());
            for (String line : lines) {
                if (line.endsWith(" id=" + id) && line.contains(" owner=")) {
                    String rest = line.substring(line.indexOf(" owner=") + 7);
                    return rest.substring(0, rest.indexOf(' '));
                }
            }
            LockSupport.parkNanos(1_000_000);
        }
        throw new AssertionError("no access log line for " + id);
    }
}
