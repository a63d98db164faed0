package dev.spacegate.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.server.testing.Servers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CLIProxyAPI's management API on the bundled server, walked from the reference's endpoint table (cliproxyapi.md
 * section 1.9): every route answers its documented shape or {@code 501 not_supported} with guidance, never a bare
 * 404; the OAuth model maps change what {@code /v1/models} lists and where requests go; {@code api-call} only
 * reaches a credential's own upstream.
 */
class CliProxyApiParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MGMT = "mgmt-parity-not-secret";
    private static final String CLIENT = "sk-parity-not-secret";
    private static final String ACCOUNT_TOKEN = "tok-parity-account-not-secret";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path dir;
    private static Persistence persistence;
    private static Spacegate server;
    private static HttpServer upstream;
    private static final List<String[]> upstreamCalls = new CopyOnWriteArrayList<>();
    private static String accountIndex;
    private static String keyIndex;

    /**
     * One row of the reference table: a call, the status it must get, and the keys its JSON answer must have.
     * {@code status} 501 means "not supported": the answer is {@code {"error":"not_supported","message":...}}.
     */
    private record Row(String method, String path, String body, int status, String... keys) {
    }

    @BeforeAll
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/", ex -> {
            try (ex) {
                fake(ex);
            }
        });
        upstream.start();
        String f = "http://127.0.0.1:" + upstream.getAddress().getPort();
        dir = Files.createTempDirectory("sg-parity-");
        persistence = Persistence.open(PersistenceSettings.fromEnv(Map.of("DATA_DIR", dir.toString(),
                "DATA_KEY", TestPg.TEST_DATA_KEY)));
        Map<String, String> env = Map.of("MANAGEMENT_PASSWORD", MGMT);
        String yaml = """
                api-keys: [%s]
                oauth-endpoints:
                  codex: {authorize-url: "%s/oauth/authorize", token-url: "%s/oauth/token", base-url: "%s/backend-api/codex"}
                codex-api-key:
                  - api-key: fake-upstream-not-secret
                    base-url: %s/v1
                    models: [{name: gpt-4o}]
                openai-compatibility:
                  - name: acme
                    base-url: %s/v1
                    api-key-entries: [{api-key: sk-acme-not-secret}]
                    models: [{name: acme-1}]
                """.formatted(CLIENT, f, f, f, f, f);
        server = Spacegate.start(Servers.config(yaml, env), persistence, env);
        String file = JSON.createObjectNode().put("type", "codex").put("access_token", ACCOUNT_TOKEN)
                .put("refresh_token", "refresh-parity-not-secret").put("email", "parity@example.com")
                .put("account_id", "acct-parity").put("expired", Instant.now().plus(Duration.ofDays(2)).toString())
                .toString();
        HttpResponse<String> up = mgmt("POST", "/v0/management/auth-files?name=codex-parity.json", file);
        assertEquals(200, up.statusCode(), up.body());
        JsonNode files = JSON.readTree(mgmt("GET", "/v0/management/auth-files", null).body()).path("files");
        accountIndex = files.get(0).path("auth_index").asText();
        keyIndex = server.gateway().orElseThrow().credentials().get(0).authIndex();
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
        TestPg.deleteTree(dir);
    }

    /** The fake upstream: Codex's SSE Responses endpoint (records the model) and a quota page echoing its caller. */
    private static void fake(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        upstreamCalls.add(new String[] {path, body, auth == null ? "" : auth});
        byte[] out;
        if (path.equals("/backend-api/codex/responses")) {
            out = ("event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r1\"}}\n\n"
                    + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r1\","
                    + "\"status\":\"completed\",\"output\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":2,"
                    + "\"total_tokens\":5}}}\n\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        } else if (path.equals("/wham/usage")) {
            out = JSON.createObjectNode().put("plan", "plus").put("authorized", auth != null
                    && auth.equals("Bearer " + ACCOUNT_TOKEN)).toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
        } else {
            out = "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(404, out.length);
            ex.getResponseBody().write(out);
            return;
        }
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
    }

    /** cliproxyapi.md section 1.9, row by row (paths under /v0/management), with valid bodies. */
    private static List<Row> referenceTable() {
        String f = "http://127.0.0.1:" + upstream.getAddress().getPort();
        List<Row> rows = new ArrayList<>(List.of(
                new Row("GET", "/config", null, 200, "api-keys"),
                new Row("GET", "/config.yaml", null, 200),
                new Row("GET", "/latest-version", null, 200, "latest-version"),
                new Row("GET", "/plugins", null, 501),
                new Row("GET", "/plugin-store", null, 501),
                new Row("POST", "/plugin-store/p1/install", "{}", 501),
                new Row("DELETE", "/plugins/p1", null, 501),
                new Row("PATCH", "/plugins/p1/enabled", "{\"value\":true}", 501),
                new Row("GET", "/plugins/p1/config", null, 501),
                new Row("PUT", "/plugins/p1/config", "{}", 501),
                new Row("PATCH", "/plugins/p1/config", "{}", 501),
                new Row("POST", "/api-call", "{\"auth_index\":\"" + accountIndex + "\",\"method\":\"GET\",\"url\":\""
                        + f + "/wham/usage\",\"header\":{\"Authorization\":\"Bearer $TOKEN$\"}}", 200,
                        "status_code", "header", "body"),
                new Row("POST", "/reset-quota", "{\"auth_index\":\"" + keyIndex + "\"}", 200, "status", "auth_index"),
                new Row("GET", "/api-key-usage", null, 200, "codex", "acme"),
                new Row("GET", "/usage-queue", null, 200),
                new Row("GET", "/logs", null, 200, "lines", "line-count", "latest-timestamp", "next-cursor"),
                new Row("DELETE", "/logs", null, 200, "removed"),
                new Row("GET", "/request-error-logs", null, 501),
                new Row("GET", "/request-error-logs/error-1.log", null, 501),
                new Row("GET", "/request-log-by-id/unknown-id", null, 404, "error"),
                new Row("GET", "/routing/strategy", null, 200, "strategy"),
                new Row("PUT", "/routing/strategy", "{\"value\":\"fill-first\"}", 200, "status"),
                new Row("PATCH", "/routing/strategy", "{\"value\":\"round-robin\"}", 200, "status"),
                new Row("GET", "/auth-files", null, 200, "files"),
                new Row("GET", "/auth-files/models?name=codex-parity.json", null, 200, "models"),
                new Row("GET", "/model-definitions/codex", null, 200, "channel", "models"),
                new Row("GET", "/auth-files/download?name=codex-parity.json", null, 200),
                new Row("PATCH", "/auth-files/status", "{\"name\":\"codex-parity.json\",\"disabled\":false}", 200,
                        "status"),
                new Row("PATCH", "/auth-files/fields", "{\"name\":\"codex-parity.json\",\"note\":\"parity\"}", 200,
                        "status"),
                new Row("GET", "/codex-auth-url", null, 200, "status", "url", "state"),
                new Row("GET", "/get-auth-status?state=unknown-state", null, 404, "status", "error"),
                new Row("DELETE", "/oauth-session?state=unknown-state", null, 200, "status"),
                new Row("GET", "/usage", null, 200)));
        for (String[] scalar : new String[][] {{"debug", "true"}, {"logging-to-file", "false"},
            {"logs-max-total-size-mb", "10"}, {"error-logs-max-files", "5"}, {"usage-statistics-enabled", "false"},
            {"request-log", "false"}, {"ws-auth", "true"}, {"request-retry", "1"}, {"max-retry-credentials", "0"},
            {"max-retry-interval", "5"}, {"force-model-prefix", "false"}}) {
            rows.add(new Row("GET", "/" + scalar[0], null, 200, scalar[0]));
            rows.add(new Row("PUT", "/" + scalar[0], "{\"value\":" + scalar[1] + "}", 200, "status"));
            rows.add(new Row("PATCH", "/" + scalar[0], "{\"value\":" + scalar[1] + "}", 200, "status"));
        }
        for (String legacy : new String[] {"switch-project", "switch-preview-model"}) {
            rows.add(new Row("GET", "/quota-exceeded/" + legacy, null, 200, legacy));
            rows.add(new Row("PUT", "/quota-exceeded/" + legacy, "{\"value\":true}", 200, "status"));
            rows.add(new Row("PATCH", "/quota-exceeded/" + legacy, "{\"value\":false}", 200, "status"));
        }
        rows.add(new Row("GET", "/proxy-url", null, 200, "proxy-url"));
        rows.add(new Row("PUT", "/proxy-url", "{\"value\":\"http://127.0.0.1:3128\"}", 200, "status"));
        rows.add(new Row("DELETE", "/proxy-url", null, 200, "status"));
        rows.add(new Row("GET", "/api-keys", null, 200, "api-keys"));
        rows.add(new Row("PUT", "/api-keys", "[\"" + CLIENT + "\",\"sk-extra-not-secret\"]", 200, "status"));
        rows.add(new Row("PATCH", "/api-keys", "{\"old\":\"sk-extra-not-secret\",\"new\":\"sk-other-not-secret\"}",
                200, "status"));
        rows.add(new Row("DELETE", "/api-keys?value=sk-other-not-secret", null, 200, "status"));
        for (String list : new String[] {"gemini-api-key", "claude-api-key", "codex-api-key", "openai-compatibility"}) {
            rows.add(new Row("GET", "/" + list, null, 200, list));
        }
        rows.add(new Row("PATCH", "/codex-api-key", "{\"index\":0,\"value\":{\"priority\":1}}", 200, "status"));
        rows.add(new Row("PUT", "/gemini-api-key", "[{\"api-key\":\"g-not-secret\"}]", 200, "status"));
        rows.add(new Row("DELETE", "/gemini-api-key?api-key=g-not-secret", null, 200, "status"));
        for (String unsupported : new String[] {"interactions-api-key", "xai-api-key", "vertex-api-key"}) {
            for (String m : new String[] {"GET", "PUT", "PATCH", "DELETE"}) {
                rows.add(new Row(m, "/" + unsupported, m.equals("GET") || m.equals("DELETE") ? null : "[]", 501));
            }
        }
        for (String map : new String[] {"oauth-excluded-models", "oauth-model-alias", "oauth-request-scoped-errors"}) {
            rows.add(new Row("GET", "/" + map, null, 200, map));
        }
        rows.add(new Row("PUT", "/oauth-excluded-models", "{\"claude\":[\"*-haiku-*\"]}", 200, "status"));
        rows.add(new Row("PATCH", "/oauth-excluded-models", "{\"provider\":\"kimi\",\"models\":[\"kimi-k2\"]}", 200,
                "status"));
        rows.add(new Row("DELETE", "/oauth-excluded-models?provider=kimi", null, 200, "status"));
        rows.add(new Row("PUT", "/oauth-model-alias", "{\"items\":{\"claude\":[{\"name\":\"claude-x\",\"alias\":"
                + "\"cx\"}]}}", 200, "status"));
        rows.add(new Row("PATCH", "/oauth-model-alias", "{\"channel\":\"kimi\",\"aliases\":[{\"name\":\"kimi-k2\","
                + "\"alias\":\"k2\"}]}", 200, "status"));
        rows.add(new Row("DELETE", "/oauth-model-alias?channel=kimi", null, 200, "status"));
        rows.add(new Row("PATCH", "/oauth-request-scoped-errors", "{\"channel\":\"codex\",\"value\":[{\"status\":429,"
                + "\"action\":\"stop\"}]}", 200, "status"));
        rows.add(new Row("DELETE", "/oauth-request-scoped-errors?channel=codex", null, 200, "status"));
        return rows;
    }

    @Test
    void everyReferenceEndpointAnswersItsShapeOrNotSupported() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Row row : referenceTable()) {
            HttpResponse<String> r = mgmt(row.method(), "/v0/management" + row.path(), row.body());
            String call = row.method() + " " + row.path();
            if (r.statusCode() != row.status()) {
                problems.add(call + ": " + r.statusCode() + " " + r.body());
                continue;
            }
            if (r.headers().firstValue("X-CPA-VERSION").isEmpty()) {
                problems.add(call + ": no X-CPA-VERSION header");
            }
            if (row.status() == 501) {
                JsonNode b = JSON.readTree(r.body());
                if (!b.path("error").asText().equals("not_supported") || b.path("message").asText().length() < 20) {
                    problems.add(call + ": 501 without guidance: " + r.body());
                }
                continue;
            }
            if (row.keys().length > 0) {
                JsonNode b = JSON.readTree(r.body());
                for (String k : row.keys()) {
                    if (!b.has(k)) {
                        problems.add(call + ": answer lacks \"" + k + "\": " + r.body());
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void noReferenceEndpointIsABare404() throws Exception {
        for (String path : List.of("/oauth-callback", "/vertex/import", "/anthropic-auth-url", "/antigravity-auth-url",
                "/model-definitions/nope")) {
            for (String m : List.of("GET", "POST")) {
                HttpResponse<String> r = mgmt(m, "/v0/management" + path, m.equals("POST") ? "{}" : null);
                assertTrue(r.statusCode() != 404 || JSON.readTree(r.body()).has("error"),
                        m + " " + path + ": " + r.statusCode() + " " + r.body());
                assertFalse(r.body().contains("no route for"), m + " " + path + ": " + r.body());
            }
        }
    }

    @Test
    void oauthAliasesAndExclusionsChangeTheListAndTheRoutingOfTheirChannel() throws Exception {
        assertTrue(models().contains("gpt-5"), models().toString());
        HttpResponse<String> put = mgmt("PATCH", "/v0/management/oauth-model-alias",
                "{\"channel\":\"codex\",\"aliases\":[{\"name\":\"gpt-5\",\"alias\":\"parity-gpt\"}]}");
        assertEquals(200, put.statusCode(), put.body());
        put = mgmt("PATCH", "/v0/management/oauth-excluded-models",
                "{\"provider\":\"codex\",\"models\":[\"gpt-5.1*\"]}");
        assertEquals(200, put.statusCode(), put.body());
        try {
            List<String> listed = models();
            assertTrue(listed.contains("parity-gpt"), listed.toString());
            assertFalse(listed.contains("gpt-5"), "replaced by its alias: " + listed);
            assertFalse(listed.stream().anyMatch(m -> m.startsWith("gpt-5.1")), "excluded: " + listed);
            assertTrue(listed.contains("gpt-4o"), "API-key entries keep their models: " + listed);

            upstreamCalls.clear();
            HttpResponse<String> r = client("/v1/responses", "{\"model\":\"parity-gpt\",\"input\":\"hi\",\"stream\":true}");
            assertEquals(200, r.statusCode(), r.body());
            String[] call = upstreamCalls.stream().filter(c -> c[0].equals("/backend-api/codex/responses"))
                    .findFirst().orElseThrow();
            assertEquals("gpt-5", JSON.readTree(call[1]).path("model").asText(), "the upstream name goes upstream");
            assertEquals("Bearer " + ACCOUNT_TOKEN, call[2]);

            HttpResponse<String> refused = client("/v1/responses",
                    "{\"model\":\"gpt-5.1-codex\",\"input\":\"hi\",\"stream\":true}");
            assertTrue(refused.statusCode() >= 400 && refused.statusCode() < 500, refused.statusCode() + " "
                    + refused.body());
        } finally {
            mgmt("DELETE", "/v0/management/oauth-model-alias?channel=codex", null);
            mgmt("DELETE", "/v0/management/oauth-excluded-models?provider=codex", null);
        }
        assertTrue(models().contains("gpt-5"), "back after the maps are removed");
    }

    @Test
    void apiCallOnlyReachesTheCredentialsOwnUpstream() throws Exception {
        HttpResponse<String> r = mgmt("POST", "/v0/management/api-call", "{\"auth_index\":\"" + accountIndex
                + "\",\"method\":\"GET\",\"url\":\"http://127.0.0.1:" + upstream.getAddress().getPort()
                + "/wham/usage\",\"header\":{\"Authorization\":\"Bearer $TOKEN$\"}}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode b = JSON.readTree(r.body());
        assertEquals(200, b.path("status_code").asInt());
        assertTrue(JSON.readTree(b.path("body").asText()).path("authorized").asBoolean(), b.toString());

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        for (String url : List.of("http://127.0.0.1:" + closed + "/x", "http://169.254.169.254/latest/meta-data",
                "file:///etc/passwd", "http://localhost:" + upstream.getAddress().getPort() + "/wham/usage")) {
            HttpResponse<String> bad = mgmt("POST", "/v0/management/api-call", "{\"auth_index\":\"" + accountIndex
                    + "\",\"method\":\"GET\",\"url\":\"" + url + "\"}");
            assertTrue(bad.statusCode() == 403 || bad.statusCode() == 400, url + ": " + bad.statusCode() + " "
                    + bad.body());
        }
        HttpResponse<String> unknown = mgmt("POST", "/v0/management/api-call",
                "{\"auth_index\":\"0000000000000000\",\"method\":\"GET\",\"url\":\"http://127.0.0.1:1/\"}");
        assertEquals(404, unknown.statusCode(), unknown.body());
        HttpResponse<String> noKey = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/v0/management/api-call"))
                .header("Authorization", "Bearer " + CLIENT).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noKey.statusCode(), "a client key is not a management key");
    }

    @Test
    void vertexImportStoresAServiceAccountAsAnAuthFile() throws Exception {
        String pem = "fake-service-account-key-for-tests-only"; // the import checks presence, never parses it
        String sa = JSON.createObjectNode().put("type", "service_account").put("project_id", "parity-project")
                .put("private_key_id", "k1").put("private_key", pem)
                .put("client_email", "sa@parity-project.iam.gserviceaccount.com")
                .put("token_uri", "http://127.0.0.1:1/token").toString();
        String boundary = "parity-boundary";
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"sa.json\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + sa + "\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"location\"\r\n\r\neurope-west4\r\n--" + boundary + "--\r\n";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/v0/management/vertex/import"))
                .header("Authorization", "Bearer " + MGMT).header("Content-Type", "multipart/form-data; boundary="
                        + boundary).POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode b = JSON.readTree(r.body());
        assertEquals("vertex-parity-project.json", b.path("auth-file").asText());
        assertEquals("europe-west4", b.path("location").asText());
        assertFalse(r.body().contains(pem), "the key is not echoed");
        JsonNode files = JSON.readTree(mgmt("GET", "/v0/management/auth-files?name=vertex-parity-project.json", null)
                .body()).path("files");
        assertEquals("vertex", files.get(0).path("type").asText(), files.toString());
        HttpResponse<String> bad = mgmt("POST", "/v0/management/vertex/import", "{\"type\":\"authorized_user\"}");
        assertEquals(400, bad.statusCode(), bad.body());
        mgmt("DELETE", "/v0/management/auth-files?name=vertex-parity-project.json", null);
    }

    @Test
    void logsTailWithACursor() throws Exception {
        JsonNode first = JSON.readTree(mgmt("GET", "/v0/management/logs?limit=5", null).body());
        assertTrue(first.path("lines").size() <= 5);
        String cursor = first.path("next-cursor").asText();
        System.getLogger("dev.spacegate.parity").log(System.Logger.Level.WARNING, "parity marker line");
        JsonNode next = JSON.readTree(mgmt("GET", "/v0/management/logs?cursor=" + cursor, null).body());
        assertTrue(next.path("lines").toString().contains("parity marker line"), next.toString());
        assertFalse(next.has("cursor-reset"));
        // the access log's lines reach the tail too (from its background writer)
        String id = client("/v1/models", "{}").headers().firstValue("X-Request-Id").orElseThrow();
        await(() -> {
            try {
                return mgmt("GET", "/v0/management/logs?cursor=" + cursor, null).body().contains("id=" + id);
            } catch (Exception e) {
                return false;
            }
        }, "the access-log line of " + id + " in the logs tail");
        JsonNode stale = JSON.readTree(mgmt("GET", "/v0/management/logs?cursor=999999999", null).body());
        assertTrue(stale.path("cursor-reset").asBoolean(), stale.toString());
    }

    @Test
    void requestLogsAreOffByDefaultThenKeptByIdWithSecretsRedacted() throws Exception {
        HttpResponse<String> before = client("/v1/responses", "{\"model\":\"gpt-5\",\"input\":\"hi\",\"stream\":true}");
        String id0 = before.headers().firstValue("X-Request-Id").orElseThrow();
        assertEquals(404, mgmt("GET", "/v0/management/request-log-by-id/" + id0, null).statusCode(), "off by default");
        assertEquals(200, mgmt("PUT", "/v0/management/request-log", "{\"value\":true}").statusCode());
        try {
            HttpResponse<String> r = client("/v1/responses", "{\"model\":\"gpt-5\",\"input\":\"hi\",\"stream\":true}");
            String id = r.headers().firstValue("X-Request-Id").orElseThrow();
            await(() -> {
                try {
                    return mgmt("GET", "/v0/management/request-log-by-id/" + id, null).body().contains("Model: gpt-5");
                } catch (Exception e) {
                    return false;
                }
            }, "the request log of " + id + " with its usage");
            String log = mgmt("GET", "/v0/management/request-log-by-id/" + id, null).body();
            assertTrue(log.contains("URL: /v1/responses"), log);
            assertFalse(log.contains(CLIENT), "the client key is redacted: " + log);
            assertTrue(log.contains("[redacted]"), log);
        } finally {
            mgmt("PUT", "/v0/management/request-log", "{\"value\":false}");
        }
    }

    @Test
    void apiKeyUsageCountsRequestsPerCredential() throws Exception {
        client("/v1/chat/completions", "{\"model\":\"acme-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        await(() -> {
            try {
                JsonNode u = JSON.readTree(mgmt("GET", "/v0/management/api-key-usage", null).body());
                JsonNode e = u.path("acme").path("http://127.0.0.1:" + upstream.getAddress().getPort()
                        + "/v1|sk-acme-not-secret");
                return e.path("success").asLong() + e.path("failed").asLong() >= 1
                        && e.path("recent_requests").size() == 20;
            } catch (Exception e) {
                return false;
            }
        }, "api-key-usage counts the acme request");
    }

    private static List<String> models() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/v1/models"))
                .header("Authorization", "Bearer " + CLIENT).build(), HttpResponse.BodyHandlers.ofString());
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body()).path("data").forEach(m -> out.add(m.path("id").asText()));
        return out;
    }

    private static HttpResponse<String> client(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + CLIENT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> mgmt(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + MGMT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
