package dev.spacegate.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.server.testing.Servers;
import dev.spacegate.server.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One request id in the response, the access log, the upstream request and the usage record. */
class RequestIdEndToEndTest {
    private static LogCapture capture;
    private static final String CLIENT = "fake-request-id-client-not-secret";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The X-Request-Id each upstream request carried, by the prompt that identifies the test request. */
    private static final Map<String, String> UPSTREAM_IDS = new ConcurrentHashMap<>();

    private static HttpServer upstream;
    private static Persistence persistence;
    private static Spacegate server;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        capture = LogCapture.accessLog();
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/", ex -> {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String tag = body.replaceAll(".*\"content\":\"([^\"]*)\".*", "$1");
                UPSTREAM_IDS.put(tag, String.valueOf(ex.getRequestHeaders().getFirst("X-Request-Id")));
                byte[] answer = ("{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"up\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, answer.length);
                ex.getResponseBody().write(answer);
            }
        });
        upstream.start();
        dir = Files.createTempDirectory("sg-request-id-");
        persistence = Persistence.open(PersistenceSettings.fromEnv(Map.of("DATA_DIR", dir.toString())));
        Map<String, String> env = Map.of("MANAGEMENT_PASSWORD", "request-id-management-not-secret");
        String yaml = """
                api-keys: [%s]
                openai-compatibility:
                  - name: fake
                    base-url: http://127.0.0.1:%d/v1
                    api-key-entries: [{api-key: fake-upstream-not-secret}]
                    models: [{name: up, alias: chat}]
                """.formatted(CLIENT, upstream.getAddress().getPort());
        server = Spacegate.start(Servers.config(yaml, env), persistence, env);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (persistence != null) {
            persistence.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
        capture.close();
    }

    @Test
    void aSaneClientIdIsKeptEverywhere() throws Exception {
        String id = "client/id:42~!" + "x".repeat(100); // visible ASCII, 114 characters
        assertEquals(id, followed("sane", id));
    }

    @Test
    void anInsaneClientIdIsReplacedByOneIdUsedEverywhere() throws Exception {
        String generated = followed("spaced", "bad id");
        assertNotEquals("bad id", generated);
        String tooLong = followed("long", "y".repeat(129));
        assertTrue(tooLong.matches("[0-9a-f-]{36}"), tooLong);
        assertTrue(followed("none", null).matches("[0-9a-f-]{36}"));
    }

    /** Sends a request tagged {@code tag}; asserts the four places agree and returns the id they carry. */
    private static String followed(String tag, String clientId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + CLIENT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"" + tag + "\"}]}"));
        if (clientId != null) {
            b.header("X-Request-Id", clientId);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        assertEquals(id, UPSTREAM_IDS.get(tag), "the upstream request carries the id");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (capture.messages().stream().noneMatch(l -> l.endsWith(" id=" + id)) && System.nanoTime() < deadline) {
            Thread.sleep(10); // the line is written once the response has gone out
        }
        assertTrue(capture.messages().stream().anyMatch(l -> l.endsWith(" id=" + id)), "the access log names the id");
        assertTrue(server.gateway().orElseThrow().usageSink().flush(Duration.ofSeconds(10)));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Persistence.SQLITE_FILE));
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM usage_events WHERE request_id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertEquals(1, rs.getInt(1), "one usage record carries the id");
            }
        }
        return id;
    }
}
