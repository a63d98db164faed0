package dev.spacegate.server.manager;

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
import dev.spacegate.persistence.Versioned;
import dev.spacegate.server.Spacegate;
import dev.spacegate.server.config.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A config never stops the server (#23): a bad seed is not stored, a stored document that a stricter release rejects
 * is set aside for the last version that passes, CONFIG_RESEED=1 replaces the stored document by a valid file, a file
 * that differs from the store is reported; secret fields are sealed in the stored row (#15). Each test restarts a
 * real server (same Assembly as Main, bundled profile) on the same storage, as an operator would.
 */
abstract class ConfigStartupSuite {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "test-management-key-not-secret";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static final String VALID = """
            api-keys:
              - fake-client-key-one
            claude-api-key:
              - api-key: fake-ant-upstream-secret-00000001
                base-url: http://127.0.0.1:9
            """;
    /** Rejected by the gateway's validation: openai-compatibility serves only listed models. */
    static final String INVALID = """
            api-keys:
              - fake-client-key-one
            openai-compatibility:
              - name: broken
                base-url: http://127.0.0.1:9/v1
                api-key-entries:
                  - api-key: sk-compat-secret-000000000001
            """;

    Path dir;
    Map<String, String> storageEnv;
    Persistence persistence;
    Spacegate server;
    private String pgUrl;
    private String schema;

    /** Storage environment for the engine under test (may skip the class). */
    abstract Map<String, String> storage(Path dataDir);

    /** Called by the PostgreSQL variant to drop its schema afterwards. */
    void dropAfter(String url, String name) {
        this.pgUrl = url;
        this.schema = name;
    }

    @BeforeEach
    void openStorage() throws Exception {
        dir = Files.createTempDirectory("sg-cfgstart-");
        storageEnv = storage(dir.resolve("data"));
        persistence = Persistence.open(PersistenceSettings.fromEnv(storageEnv));
    }

    @AfterEach
    void closeAll() {
        stop();
        persistence.close();
        if (schema != null) {
            TestPg.dropSchema(pgUrl, schema);
        }
        TestPg.deleteTree(dir);
    }

    /** Starts the server with {@code yaml} as its config file and extra environment. */
    void start(String yaml, Map<String, String> extra) throws Exception {
        stop();
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        Map<String, String> env = new HashMap<>(storageEnv);
        env.putAll(Map.of("HOST", "127.0.0.1", "PORT", "0", "MANAGEMENT_PASSWORD", KEY));
        env.putAll(extra);
        ServerConfig config = ServerConfig.load(new String[] {"--config", file.toString()}, env); // as Main does
        server = Spacegate.start(config, persistence, env);
    }

    void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    HttpResponse<String> call(String method, String path, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode ok(String method, String path, String body) throws Exception {
        HttpResponse<String> r = call(method, path, body);
        assertEquals(200, r.statusCode(), method + " " + path + " -> " + r.body());
        return JSON.readTree(r.body());
    }

    JsonNode configStatus() throws Exception {
        return ok("GET", "/status", null).path("config");
    }

    void assertServes() throws Exception {
        HttpResponse<String> health = call("GET", "/healthz", null);
        assertEquals(200, health.statusCode(), health.body());
    }

    @Test
    void badSeedIsNotStoredTheServerStartsAndAFixedFileSeedsIt() throws Exception {
        start(INVALID, Map.of());
        assertServes();
        assertTrue(persistence.config().load().isEmpty(), "an invalid seed is not stored");
        JsonNode status = configStatus();
        assertEquals("seed_rejected", status.path("state").asText(), status.toString());
        assertTrue(status.path("problems").toString().contains("models is required"), status.toString());

        start(VALID, Map.of());
        assertServes();
        assertEquals("ok", configStatus().path("state").asText());
        assertEquals("http://127.0.0.1:9", ok("GET", "/v0/management/claude-api-key", null)
                .path("claude-api-key").path(0).path("base-url").asText());
    }

    @Test
    void aFileThatIsNotYamlDoesNotStopTheServerAndIsNotStored() throws Exception {
        start("api-keys: [unclosed\nport: : :\n", Map.of());
        assertServes();
        assertTrue(persistence.config().load().isEmpty());
        JsonNode status = configStatus();
        assertEquals("seed_rejected", status.path("state").asText(), status.toString());
        assertTrue(status.path("problems").toString().contains("not valid YAML"), status.toString());
        assertFalse(status.toString().contains("unclosed"), "the file's text is not echoed");

        start(VALID, Map.of());
        start("api-keys: [unclosed\n", Map.of("CONFIG_RESEED", "1"));
        assertServes();
        assertEquals(1, persistence.config().load().orElseThrow().version(), "the stored copy stays");
        assertEquals(1, ok("GET", "/v0/management/claude-api-key", null).path("claude-api-key").size());
    }

    @Test
    void aRejectedStoredDocumentFallsBackToTheLastVersionThatPassesAndReseedRecovers() throws Exception {
        start(VALID, Map.of());
        ok("PUT", "/v0/management/request-retry", "{\"value\":4}");
        long good = persistence.config().load().orElseThrow().version();
        stop();
        // what a stricter release would find: a stored document its validation rejects
        long rejected = persistence.config().save(INVALID, good, "api", "test");

        start(VALID.replace("127.0.0.1:9", "127.0.0.1:10"), Map.of());
        assertServes();
        JsonNode status = configStatus();
        assertEquals("fallback", status.path("state").asText(), status.toString());
        assertEquals(rejected, status.path("rejectedVersion").asLong());
        assertEquals(good, status.path("runningVersion").asLong());
        assertTrue(status.path("problems").toString().contains("models is required"), status.toString());
        assertTrue(status.path("file").path("differs").asBoolean(), status.toString());
        HttpResponse<String> cfg = call("GET", "/v0/management/config", null);
        assertEquals("\"" + rejected + "\"", cfg.headers().firstValue("ETag").orElse(""));
        assertEquals(4, JSON.readTree(cfg.body()).path("request-retry").asInt(), "the last good version runs");

        // the recovery switch with a valid file replaces the stored document; no table is touched by hand
        start(VALID.replace("127.0.0.1:9", "127.0.0.1:10"), Map.of("CONFIG_RESEED", "1"));
        assertServes();
        status = configStatus();
        assertEquals("reseeded", status.path("state").asText(), status.toString());
        Versioned<String> stored = persistence.config().load().orElseThrow();
        assertEquals(rejected + 1, stored.version());
        assertEquals("http://127.0.0.1:10", ok("GET", "/v0/management/claude-api-key", null)
                .path("claude-api-key").path(0).path("base-url").asText());
        assertEquals("file", persistence.config().history().get(0).source());
    }

    @Test
    void reseedWithAnInvalidFileKeepsTheStoredDocument() throws Exception {
        start(VALID, Map.of());
        long version = persistence.config().load().orElseThrow().version();
        start(INVALID, Map.of("CONFIG_RESEED", "1"));
        assertServes();
        assertEquals(version, persistence.config().load().orElseThrow().version());
        assertFalse(ok("GET", "/v0/management/claude-api-key", null).path("claude-api-key").isEmpty());
    }

    @Test
    void aFileThatDiffersFromTheStoreIsShownWithTheCommandThatAppliesIt() throws Exception {
        start(VALID, Map.of());
        start(VALID + "request-retry: 7\n", Map.of());
        JsonNode file = configStatus().path("file");
        assertTrue(file.path("differs").asBoolean(), file.toString());
        assertTrue(file.path("apply").asText().contains("CONFIG_RESEED=1"), file.toString());
        assertTrue(file.path("apply").asText().contains("config.yaml"), file.toString());
        assertEquals(0, ok("GET", "/v0/management/request-retry", null).path("request-retry").asInt(),
                "the stored copy wins");
    }

    @Test
    void secretFieldsAreSealedInTheStoredRowAndShownToTheAdmin() throws Exception {
        start(VALID, Map.of());
        ok("PATCH", "/v0/management/claude-api-key",
                "{\"index\":0,\"value\":{\"proxy-url\":\"http://user:proxy-pass-000001@127.0.0.1:3128\"}}");
        String row = persistence.config().load().orElseThrow().value();
        for (String secret : new String[] {"fake-ant-upstream-secret-00000001", "fake-client-key-one",
                "proxy-pass-000001"}) {
            assertFalse(row.contains(secret), "stored in clear: " + secret);
            for (var v : persistence.config().history()) {
                assertFalse(persistence.config().historyContent(v.version()).orElseThrow().contains(secret));
            }
        }
        assertTrue(row.contains("sg1:"), "sealed with the data key");
        assertTrue(row.contains("base-url: http://127.0.0.1:9"), "the rest stays readable");
        JsonNode cfg = ok("GET", "/v0/management/config", null);
        assertEquals("fake-ant-upstream-secret-00000001", cfg.path("claude-api-key").path(0).path("api-key").asText());
        assertEquals("fake-client-key-one", cfg.path("api-keys").path(0).asText());

        // a document an older release stored in clear is sealed at the next start
        long v = persistence.config().load().orElseThrow().version();
        stop();
        persistence.config().save(VALID, v, "api", "older release");
        start(VALID, Map.of());
        assertFalse(persistence.config().load().orElseThrow().value().contains("fake-ant-upstream-secret-00000001"));
        assertEquals("fake-client-key-one",
                ok("GET", "/v0/management/api-keys", null).path("api-keys").path(0).asText());
    }
}
