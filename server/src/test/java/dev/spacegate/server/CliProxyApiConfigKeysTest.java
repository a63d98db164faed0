package dev.spacegate.server;

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
import java.util.Set;
import java.util.TreeSet;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.server.manager.compat.ConfigKeys;
import dev.spacegate.server.testing.Servers;
import dev.spacegate.server.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A CLIProxyAPI config carrying every key of the reference's config table (cliproxyapi.md section 2) loads with
 * each key honoured or reported as ignored (at start-up in the log, in PUT config.yaml's answer, in
 * {@code /config-keys}); a key unknown to both is refused with 422 naming it; {@code remote-management.secret-key}
 * works as the management key when {@code MANAGEMENT_PASSWORD} is unset and is kept only as a hash.
 */
class CliProxyApiConfigKeysTest {
    private static LogCapture capture;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SECRET = "secret-key-parity-not-secret";

    /** Every top-level key of cliproxyapi.md section 2.1 (the provider sections of 2.2 included). */
    static final List<String> REFERENCE_KEYS = List.of("host", "port", "tls", "remote-management", "auth-dir",
            "api-keys", "debug", "pprof", "commercial-mode", "logging-to-file", "logs-max-total-size-mb",
            "error-logs-max-files", "request-log", "usage-statistics-enabled", "redis-usage-queue-retention-seconds",
            "proxy-url", "force-model-prefix", "passthrough-headers", "request-retry", "max-retry-credentials",
            "max-retry-interval", "disable-cooling", "save-cooldown-status", "transient-error-cooldown-seconds",
            "auth-auto-refresh-workers", "quota-exceeded", "routing", "ws-auth", "nonstream-keepalive-interval",
            "streaming", "disable-image-generation", "gpt-image-2-base-model", "video-result-auth-cache-ttl",
            "claude-code", "disable-claude-cloak-mode", "claude-header-defaults", "codex-header-defaults", "codex",
            "antigravity", "antigravity-signature-cache-enabled", "antigravity-signature-bypass-strict", "xai",
            "plugins", "credential-concurrency", "credential-in-flight", "oauth-excluded-models", "oauth-model-alias",
            "oauth-request-scoped-errors", "payload", "gemini-api-key", "interactions-api-key", "codex-api-key",
            "xai-api-key", "claude-api-key", "openai-compatibility", "vertex-api-key");

    /** A CLIProxyAPI config.yaml with every key, values as its example config has them. */
    static final String EVERY_KEY = """
            host: ""
            port: 8317
            tls: {enable: false, cert: "", key: ""}
            remote-management:
              allow-remote: true
              secret-key: "%s"
              disable-control-panel: false
              disable-auto-update-panel: true
              panel-github-repository: https://github.com/router-for-me/Cli-Proxy-API-Management-Center
            auth-dir: ""
            api-keys: [sk-every-key-not-secret]
            debug: false
            pprof: {enable: false, addr: "127.0.0.1:8316"}
            commercial-mode: false
            logging-to-file: false
            logs-max-total-size-mb: 0
            error-logs-max-files: 10
            request-log: false
            usage-statistics-enabled: false
            redis-usage-queue-retention-seconds: 60
            proxy-url: ""
            force-model-prefix: false
            passthrough-headers: false
            request-retry: 3
            max-retry-credentials: 0
            max-retry-interval: 30
            disable-cooling: false
            save-cooldown-status: true
            transient-error-cooldown-seconds: 0
            auth-auto-refresh-workers: 16
            quota-exceeded: {switch-project: true, switch-preview-model: true, antigravity-credits: true}
            routing: {strategy: round-robin, session-affinity: false, session-affinity-ttl: 1h}
            ws-auth: true
            nonstream-keepalive-interval: 0
            streaming: {keepalive-seconds: 15, bootstrap-retries: 1}
            disable-image-generation: false
            gpt-image-2-base-model: gpt-5.4-mini
            video-result-auth-cache-ttl: 3h
            claude-code: {disable-cloaking-model-list: false}
            disable-claude-cloak-mode: false
            claude-header-defaults: {user-agent: "claude-cli/2.0.0"}
            codex-header-defaults: {user-agent: "codex_cli_rs/0.1"}
            codex: {identity-confuse: false}
            antigravity: {sensitive-words: []}
            antigravity-signature-cache-enabled: true
            antigravity-signature-bypass-strict: false
            xai: {inject-x-search: false}
            plugins: {enabled: false, dir: plugins}
            credential-concurrency: {}
            credential-in-flight: {}
            oauth-excluded-models: {claude: ["*-haiku-*"]}
            oauth-model-alias: {codex: [{name: gpt-5, alias: g5}]}
            oauth-request-scoped-errors: {codex: [{status: 429, match: ["usage limit"], action: stop}]}
            payload: {default: [{models: [{name: "gpt-*"}], params: {"temperature": 0.5}}]}
            gemini-api-key: [{api-key: g-every-not-secret}]
            interactions-api-key: [{api-key: i-every-not-secret}]
            codex-api-key: [{api-key: c-every-not-secret, base-url: "http://127.0.0.1:9/v1"}]
            xai-api-key: [{api-key: x-every-not-secret, base-url: "https://api.x.ai/v1"}]
            claude-api-key: [{api-key: a-every-not-secret}]
            openai-compatibility: [{name: acme, base-url: "http://127.0.0.1:9/v1", api-key-entries: [{api-key: o-every-not-secret}], models: [{name: m1}]}]
            vertex-api-key: [{api-key: v-every-not-secret}]
            """.formatted(SECRET);

    private static Path dir;
    private static Persistence persistence;
    private static Spacegate server;
    private static Path file;

    @BeforeAll
    static void start() throws Exception {
        capture = LogCapture.of("");
        dir = Files.createTempDirectory("sg-keys-");
        persistence = Persistence.open(PersistenceSettings.fromEnv(Map.of("DATA_DIR", dir.toString(),
                "DATA_KEY", TestPg.TEST_DATA_KEY)));
        file = dir.resolve("config.yaml");
        Files.writeString(file, EVERY_KEY);
        // no MANAGEMENT_PASSWORD: the config's secret-key is the management key
        server = Spacegate.start(Servers.config(EVERY_KEY, Map.of()), persistence, Map.of());
    }

    @AfterAll
    static void stop() {
        capture.close();
        if (server != null) {
            server.stop();
        }
        if (persistence != null) {
            persistence.close();
        }
        TestPg.deleteTree(dir);
    }

    /** The keys (dotted for parts of a section) a config with every key reports as ignored. */
    private static Set<String> expectedIgnored() {
        Set<String> out = new TreeSet<>();
        for (ConfigKeys.Key k : ConfigKeys.all()) {
            if (k.status() == ConfigKeys.Status.IGNORED && (REFERENCE_KEYS.contains(k.name())
                    || REFERENCE_KEYS.contains(k.name().substring(0, Math.max(0, k.name().indexOf('.')))))) {
                out.add(k.name());
            }
        }
        out.add("disable-claude-cloak-mode"); // false = cloaking on, which Spacegate does not do
        return out;
    }

    @Test
    void everyReferenceKeyIsInTheCatalogue() {
        List<String> missing = new ArrayList<>();
        for (String k : REFERENCE_KEYS) {
            if (ConfigKeys.find(k).isEmpty()) {
                missing.add(k);
            }
        }
        assertTrue(missing.isEmpty(), "not catalogued: " + missing);
        assertTrue(ConfigKeys.classify(server.config().document()).unknown().isEmpty());
    }

    @Test
    void startUpWarnsOncePerIgnoredKeyWithoutValues() {
        for (String k : expectedIgnored()) {
            long n = capture.messages().stream()
                    .filter(l -> l.startsWith("Config key '" + k + "' is not supported")).count();
            assertTrue(n >= 1, "start-up warns about " + k);
        }
        assertFalse(capture.messages().stream().anyMatch(l -> l.contains(SECRET)), "the secret key is never logged");
        assertFalse(capture.messages().stream().anyMatch(l -> l.contains("x-every-not-secret")), "values are never logged");
    }

    @Test
    void putConfigYamlAnswersWhatItIgnoresAndEveryOtherKeyIsHonoured() throws Exception {
        HttpResponse<String> r = send("PUT", "/v0/management/config.yaml", EVERY_KEY, SECRET);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        Set<String> ignored = new TreeSet<>();
        body.path("ignored").forEach(n -> ignored.add(n.asText()));
        assertEquals(expectedIgnored(), ignored);
        for (String k : REFERENCE_KEYS) {
            boolean reported = ignored.stream().anyMatch(i -> i.equals(k) || i.startsWith(k + "."));
            ConfigKeys.Status s = ConfigKeys.find(k).orElseThrow().status();
            assertTrue(reported || s != ConfigKeys.Status.IGNORED, k + " is honoured or reported");
        }
        JsonNode keys = JSON.readTree(send("GET", "/v0/management/config-keys", null, SECRET).body());
        Set<String> listed = new TreeSet<>();
        keys.path("ignored").forEach(n -> listed.add(n.asText()));
        assertEquals(expectedIgnored(), listed, "the panel's list");
        assertTrue(keys.path("keys").size() >= REFERENCE_KEYS.size());
    }

    @Test
    void unknownTopLevelKeysAreRefusedByName() throws Exception {
        String before = send("GET", "/v0/management/config.yaml", null, SECRET).body();
        HttpResponse<String> r = send("PUT", "/v0/management/config.yaml",
                "api-keys: [sk-every-key-not-secret]\nmodel: 123\nrequest-retry: 1\nnot-a-key: {a: 1}\n", SECRET);
        assertEquals(422, r.statusCode(), r.body());
        JsonNode b = JSON.readTree(r.body());
        assertEquals("unknown_keys", b.path("error").asText());
        assertEquals(List.of("model", "not-a-key"), List.of(b.path("keys").get(0).asText(), b.path("keys").get(1).asText()));
        assertEquals(before, send("GET", "/v0/management/config.yaml", null, SECRET).body(), "config unchanged");
    }

    @Test
    void theConfigsSecretKeyIsTheManagementKeyAndIsKeptOnlyAsAHash() throws Exception {
        assertEquals(200, send("GET", "/v0/management/config", null, SECRET).statusCode());
        assertEquals(401, send("GET", "/v0/management/config", null, "wrong-not-secret").statusCode());
        String yaml = send("GET", "/v0/management/config.yaml", null, SECRET).body();
        assertFalse(yaml.contains(SECRET), "the plaintext is replaced by its hash: " + yaml);
        assertTrue(yaml.contains("spacegate-pbkdf2:600000:"), yaml);
        String stored = persistence.config().load().orElseThrow().value();
        assertFalse(stored.contains(SECRET), "the store never holds the plaintext");
    }

    @Test
    void docsListEveryKeyAndEveryStatus() throws Exception {
        Path docs = Path.of("..", "docs", "migrating.md");
        assertTrue(Files.readString(docs).contains(ConfigKeys.markdown()),
                "docs/migrating.md carries ConfigKeys.markdown() (regenerate the table)");
    }

    private static HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
