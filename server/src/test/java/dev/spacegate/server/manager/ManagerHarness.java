package dev.spacegate.server.manager;

import dev.spacegate.persistence.TestPg;
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
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.server.Spacegate;
import dev.spacegate.server.testing.Servers;
import org.junit.jupiter.api.Assumptions;

/** A real Spacegate with the built-in manager on loopback, over SQLite in a temp dir or PostgreSQL (PG_TEST_URL). */
final class ManagerHarness implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "test-management-key-not-secret";
    static final String DATA_KEY = TestPg.TEST_DATA_KEY;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Storage engine under test. */
    enum Engine { SQLITE, POSTGRES }

    final Path dir;
    final Persistence persistence;
    final Spacegate spacegate;
    private final String pgUrl;
    private final String schema;

    private ManagerHarness(Path dir, Persistence persistence, Spacegate spacegate, String pgUrl, String schema) {
        this.dir = dir;
        this.persistence = persistence;
        this.spacegate = spacegate;
        this.pgUrl = pgUrl;
        this.schema = schema;
    }

    /** Opens fresh storage of the engine and starts a server; skips (with a printed reason) when PostgreSQL is absent. */
    static ManagerHarness start(Engine engine, Map<String, String> env) {
        return start(engine, "", env);
    }

    static ManagerHarness start(Engine engine, String yaml, Map<String, String> env) {
        Path dir;
        try {
            dir = Files.createTempDirectory("sg-manager-");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Map<String, String> storage = new HashMap<>(Map.of("DATA_DIR", dir.toString(), "DATA_KEY", DATA_KEY));
        String url = null;
        String schema = null;
        if (engine == Engine.POSTGRES) {
            url = Optional.ofNullable(System.getenv("PG_TEST_URL")).filter(s -> !s.isBlank()).orElse(null);
            if (url == null) {
                String reason = "PostgreSQL variant skipped because PG_TEST_URL is not set"
                        + " (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres)";
                System.out.println(reason);
                Assumptions.abort(reason);
            }
            schema = "sg_mgr_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
            storage.put("PGSTORE_DSN", url);
            storage.put("PGSTORE_SCHEMA", schema);
            storage.put("PGSTORE_CONNECT_WAIT_SECONDS", "5");
        }
        Persistence p = Persistence.open(PersistenceSettings.fromEnv(storage));
        // the tests stand behind a proxy on loopback: the X-Forwarded-For they send names the client (security tests
        // check the default, where it is ignored), and may fail logins more often than the server-wide cap allows
        Map<String, String> all = new HashMap<>(Map.of("MANAGEMENT_PASSWORD", KEY, "TRUSTED_PROXIES", "127.0.0.1",
                "MANAGEMENT_LOGIN_FAILURES_PER_MINUTE", "1000"));
        all.putAll(env);
        Spacegate sg = Spacegate.start(Servers.config(yaml, all), p, all);
        return new ManagerHarness(dir, p, sg, url, schema);
    }

    ManagerService manager() {
        return spacegate.manager().orElseThrow();
    }

    String url(String path) {
        return "http://127.0.0.1:" + spacegate.port() + path;
    }

    HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A call with the management key. */
    HttpResponse<String> call(String method, String path, String body) throws Exception {
        return send(method, path, body, "Authorization", "Bearer " + KEY);
    }

    /** A call with the key that must answer 200; returns the JSON body. */
    JsonNode ok(String method, String path, String body) throws Exception {
        HttpResponse<String> r = call(method, path, body);
        if (r.statusCode() != 200) {
            throw new AssertionError(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    @Override
    public void close() {
        spacegate.stop();
        persistence.close();
        if (schema != null) {
            TestPg.dropSchema(pgUrl, schema);
        }
        TestPg.deleteTree(dir);
    }
}
