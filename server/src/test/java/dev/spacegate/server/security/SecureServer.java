package dev.spacegate.server.security;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.server.Spacegate;
import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.testing.Servers;

/**
 * The bundled server the way Main starts it (built-in manager and gateway, SQLite in a temp dir), configured as a
 * new user would: client keys are NOT opened by default here (the test YAML decides).
 */
final class SecureServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MANAGEMENT_KEY = "security-test-management-key-not-secret";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final Path dir;
    final Persistence persistence;
    final Map<String, String> env;
    Spacegate spacegate;
    private final String yaml;

    private SecureServer(Path dir, Persistence persistence, Map<String, String> env, String yaml) {
        this.dir = dir;
        this.persistence = persistence;
        this.env = env;
        this.yaml = yaml;
        this.spacegate = start();
    }

    /**
     * @param yaml config document; {@code allow-unauthenticated: false} is added unless it names the key itself
     * @param env  extra environment on top of the storage and management key settings
     */
    static SecureServer start(String yaml, Map<String, String> env) {
        try {
            Path dir = Files.createTempDirectory("sg-security-");
            Map<String, String> all = new HashMap<>(Map.of("DATA_DIR", dir.toString(), "DATA_KEY", TestPg.TEST_DATA_KEY,
                    "MANAGEMENT_PASSWORD", MANAGEMENT_KEY, "HOST", "127.0.0.1", "PORT", "0"));
            all.putAll(env);
            Persistence p = Persistence.open(PersistenceSettings.fromEnv(all));
            String doc = yaml.contains("allow-unauthenticated") ? yaml : yaml + "\nallow-unauthenticated: false\n";
            return new SecureServer(dir, p, all, doc);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Spacegate start() {
        ServerConfig config = Servers.config(yaml, env);
        return Spacegate.start(config, persistence, env);
    }

    /** Stops the server and starts it again on the same storage (a restart). */
    void restart() {
        spacegate.stop();
        spacegate = start();
    }

    int port() {
        return spacegate.port();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A management call. */
    HttpResponse<String> manage(String method, String path, String body) throws Exception {
        return send(method, path, body, "Authorization", "Bearer " + MANAGEMENT_KEY, "Content-Type",
                "application/json");
    }

    /** A management call that must answer 200; its JSON body. */
    JsonNode ok(String method, String path, String body) throws Exception {
        HttpResponse<String> r = manage(method, path, body);
        if (r.statusCode() != 200) {
            throw new AssertionError(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    @Override
    public void close() {
        spacegate.stop();
        persistence.close();
        TestPg.deleteTree(dir);
    }
}
