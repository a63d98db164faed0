package dev.spacegate.server.gateway.oauth;

import dev.spacegate.server.gateway.AuthSetup;

import static dev.spacegate.server.gateway.oauth.OAuthTesting.JSON;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.fields;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.file;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.mgmt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.spacegate.persistence.auth.DirAuthStore;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Yaml;

/** The auth-files management API, compatible with CLIProxyAPI's, on a real socket. */
class AuthFilesApiTest {
    private static FakeProvider fake;
    private static GatewayHarness h;
    private static DirAuthStore store;
    private static AuthFiles files;

    @BeforeAll
    static void start() throws Exception {
        fake = new FakeProvider();
        h = new GatewayHarness(Yaml.tree(OAuthTesting.config(fake, 3600)), CooldownStore.none());
        store = DirAuthStore.open(h.dir.resolve("auths"), OAuthTesting.box());
        files = h.gateway.attachAuthStore(store, RefreshLock.LOCAL, h.dir.resolve("cli-proxy-api"));
    }

    @AfterAll
    static void stop() {
        h.close();
        fake.close();
    }

    @BeforeEach
    void empty() throws Exception {
        assertEquals(200, mgmt(h, "DELETE", "/v0/management/auth-files?all=true", null).statusCode());
    }

    private static byte[] codex(String token) {
        return file("codex", token, "r-" + token, Instant.now().plus(Duration.ofDays(30)), null);
    }

    private static HttpResponse<String> multipart(List<String[]> parts) throws Exception {
        String boundary = "----spacegate-test-boundary";
        StringBuilder b = new StringBuilder();
        for (String[] p : parts) {
            b.append("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"file\"; filename=\"").append(p[0]).append("\"\r\n")
                    .append("Content-Type: application/json\r\n\r\n").append(p[1]).append("\r\n");
        }
        b.append("--").append(boundary).append("--\r\n");
        return h.http.send(HttpRequest.newBuilder(URI.create(h.base() + "/v0/management/auth-files"))
                .header("Authorization", "Bearer " + GatewayHarness.MANAGEMENT_KEY)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(b.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode list() throws Exception {
        return JSON.readTree(mgmt(h, "GET", "/v0/management/auth-files", null).body()).path("files");
    }

    @Test
    void everyRouteNeedsTheManagementKey() throws Exception {
        for (String path : List.of("/v0/management/auth-files", "/v0/management/codex-auth-url",
                "/v0/management/get-auth-status?state=x", "/v0/management/auth-files/models?name=a.json")) {
            assertEquals(401, h.get(path, Map.of()).statusCode(), path);
        }
    }

    @Test
    void multipartUploadOfSeveralFilesReportsEachOne() throws Exception {
        HttpResponse<String> r = multipart(List.of(
                new String[]{"codex-a@example.com.json", new String(codex("a-not-secret"), StandardCharsets.UTF_8)},
                new String[]{"claude-b@example.com.json", new String(file("claude", "b-not-secret", "rb-not-secret",
                        Instant.now().plusSeconds(3600), null), StandardCharsets.UTF_8)},
                new String[]{"broken.json", "{not json"},
                new String[]{"../escape.json", "{\"type\":\"codex\"}"}));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("partial", body.path("status").asText());
        assertEquals(2, body.path("uploaded").asInt());
        assertEquals(2, body.path("failed").size());
        JsonNode files = list();
        assertEquals(2, files.size());
        JsonNode a = files.get(1);
        assertEquals("codex-a@example.com.json", a.path("name").asText());
        assertEquals("codex", a.path("provider").asText());
        assertEquals("active", a.path("status").asText());
        assertEquals(16, a.path("auth_index").asText().length());
        assertEquals("file", a.path("source").asText());
        assertFalse(a.path("disabled").asBoolean());
    }

    @Test
    void invalidJsonNeverOverwritesAndBadNamesAre400() throws Exception {
        byte[] good = codex("keep-not-secret");
        assertEquals(200, mgmt(h, "POST", "/v0/management/auth-files?name=codex-keep.json",
                new String(good, StandardCharsets.UTF_8)).statusCode());
        byte[] before = store.get("codex-keep.json").orElseThrow();
        assertEquals(400, mgmt(h, "POST", "/v0/management/auth-files?name=codex-keep.json", "{\"type\":").statusCode());
        assertEquals(400, mgmt(h, "POST", "/v0/management/auth-files?name=codex-keep.json", "[1,2]").statusCode());
        assertEquals(400, mgmt(h, "POST", "/v0/management/auth-files?name=codex-keep.json",
                "{\"type\":\"codex\",\"weight\":-3}").statusCode());
        assertArrayEquals(before, store.get("codex-keep.json").orElseThrow());
        for (String bad : List.of("..%2Fx.json", "a%2Fb.json", "a%5Cb.json", "..json")) {
            assertEquals(400, mgmt(h, "POST", "/v0/management/auth-files?name=" + bad, "{\"type\":\"codex\"}")
                    .statusCode(), bad);
            assertEquals(400, mgmt(h, "GET", "/v0/management/auth-files/download?name=" + bad, null).statusCode(), bad);
            assertEquals(400, mgmt(h, "DELETE", "/v0/management/auth-files?name=" + bad, null).statusCode(), bad);
        }
        HttpResponse<String> dl = mgmt(h, "GET", "/v0/management/auth-files/download?name=codex-keep.json", null);
        assertEquals(200, dl.statusCode());
        assertEquals("keep-not-secret", JSON.readTree(dl.body()).path("access_token").asText());
        assertEquals(404, mgmt(h, "GET", "/v0/management/auth-files/download?name=missing.json", null).statusCode());
    }

    @Test
    void patchFieldsEditsTheFileAndTheCredential() throws Exception {
        mgmt(h, "POST", "/v0/management/auth-files?name=codex-f.json", new String(file("codex", "f-not-secret",
                "rf-not-secret", Instant.now().plus(Duration.ofDays(30)),
                fields().put("weight", 3).set("headers", JSON.createObjectNode().put("X-Keep", "1").put("X-Drop", "2"))),
                StandardCharsets.UTF_8));
        HttpResponse<String> r = mgmt(h, "PATCH", "/v0/management/auth-files/fields", """
                {"name":"codex-f.json","prefix":"team","priority":7,"note":"shared","weight":null,
                 "headers":{"X-Drop":"","X-New":"v"},"proxy_url":"http://127.0.0.1:9"}""");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode f = JSON.readTree(store.get("codex-f.json").orElseThrow());
        assertEquals("team", f.path("prefix").asText());
        assertEquals(7, f.path("priority").asInt());
        assertEquals("shared", f.path("note").asText());
        assertFalse(f.has("weight"));
        assertEquals("1", f.path("headers").path("X-Keep").asText());
        assertEquals("v", f.path("headers").path("X-New").asText());
        assertFalse(f.path("headers").has("X-Drop"));
        JsonNode e = list().get(0);
        assertEquals(7, e.path("priority").asInt());
        assertEquals("shared", e.path("note").asText());
        assertEquals(400, mgmt(h, "PATCH", "/v0/management/auth-files/fields",
                "{\"name\":\"codex-f.json\",\"prefix\":\"a/b\"}").statusCode());
        assertEquals(404, mgmt(h, "PATCH", "/v0/management/auth-files/fields",
                "{\"name\":\"nope.json\",\"note\":\"x\"}").statusCode());
        JsonNode models = JSON.readTree(mgmt(h, "GET", "/v0/management/auth-files/models?name=codex-f.json", null)
                .body()).path("models");
        assertTrue(models.size() > 0);
        assertEquals("team/gpt-5", models.get(0).path("id").asText());
    }

    @Test
    void deleteOneSeveralAndAll() throws Exception {
        for (String n : List.of("codex-1.json", "codex-2.json", "codex-3.json", "codex-4.json")) {
            mgmt(h, "POST", "/v0/management/auth-files?name=" + n, new String(codex(n + "-not-secret"),
                    StandardCharsets.UTF_8));
        }
        assertEquals(1, JSON.readTree(mgmt(h, "DELETE", "/v0/management/auth-files?name=codex-1.json", null).body())
                .path("deleted").asInt());
        assertEquals(2, JSON.readTree(mgmt(h, "DELETE",
                "/v0/management/auth-files?name=codex-2.json&name=codex-3.json", null).body()).path("deleted").asInt());
        assertEquals(1, list().size());
        assertEquals(404, mgmt(h, "DELETE", "/v0/management/auth-files?name=codex-1.json", null).statusCode());
        assertEquals(1, JSON.readTree(mgmt(h, "DELETE", "/v0/management/auth-files?all=true", null).body())
                .path("deleted").asInt());
        assertEquals(0, store.list().size());
    }

    @Test
    void importOnceFromAFolderOfCliProxyApiFiles() throws Exception {
        Path dir = Files.createTempDirectory("cpa-auths");
        Files.write(dir.resolve("codex-imp@example.com.json"), codex("imp-not-secret"));
        Files.write(dir.resolve("claude-imp@example.com.json"), file("claude", "imp2-not-secret", "r",
                Instant.now().plusSeconds(3600), null));
        Files.writeString(dir.resolve("notes.txt"), "not an auth file");
        SettingsStore settings = new MemorySettings();
        assertEquals(2, AuthSetup.importOnce(files.store(), dir, settings).size());
        assertEquals(2, list().size());
        mgmt(h, "DELETE", "/v0/management/auth-files?name=codex-imp@example.com.json", null);
        assertEquals(0, AuthSetup.importOnce(files.store(), dir, settings).size(), "a deleted auth file stays deleted");
        assertEquals(1, list().size());
    }

    /** A SettingsStore in memory (compare-and-set versions). */
    static final class MemorySettings implements SettingsStore {
        private final java.util.Map<String, dev.spacegate.persistence.Versioned<JsonNode>> map =
                new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public java.util.Optional<dev.spacegate.persistence.Versioned<JsonNode>> get(String key) {
            return java.util.Optional.ofNullable(map.get(key));
        }

        @Override
        public synchronized long put(String key, JsonNode value, long expectedVersion) {
            long current = map.containsKey(key) ? map.get(key).version() : ABSENT;
            if (current != expectedVersion) {
                throw new IllegalStateException("version conflict");
            }
            map.put(key, new dev.spacegate.persistence.Versioned<>(value, current + 1));
            return current + 1;
        }

        @Override
        public boolean delete(String key, long expectedVersion) {
            return map.remove(key) != null;
        }

        @Override
        public List<String> keys() {
            return List.copyOf(map.keySet());
        }
    }
}
