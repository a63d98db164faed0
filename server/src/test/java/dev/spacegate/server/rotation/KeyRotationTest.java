package dev.spacegate.server.rotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.auth.DirAuthStore;
import dev.spacegate.persistence.seal.SecretBox;
import dev.spacegate.server.Spacegate;
import dev.spacegate.server.testing.Servers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys from CI secrets with a rotation window, on a server started the way Main starts it (storage opened from the
 * environment): the previous client and management keys work until their {@code until}, then get 401 naming the
 * rotation; auth files sealed under the previous data key are re-sealed at start and {@code /status} counts what
 * is pending per key id.
 */
class KeyRotationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String OLD_DATA = SecretBox.generateKeyText();
    static final String NEW_DATA = SecretBox.generateKeyText();
    static final String OLD_CLIENT = "sgk_test-old-client-key-not-secret";
    static final String NEW_CLIENT = "sgk_test-new-client-key-not-secret";
    static final String PANEL_CLIENT = "fake-panel-client-key-not-secret";
    static final String OLD_ADMIN = "sgm_test-old-admin-key-not-secret";
    static final String NEW_ADMIN = "sgm_test-new-admin-key-not-secret";
    static final String AUTH = "codex-rotation@example.com.json";

    @TempDir
    static Path dir;
    static Spacegate server;
    static Instant until;

    @BeforeAll
    static void start() {
        // An earlier deployment sealed an auth file under the old data key.
        try (Persistence before = Persistence.open(PersistenceSettings.fromEnv(Map.of("DATA_DIR", dir.toString(),
                "DATA_KEY", OLD_DATA)))) {
            before.auths().put(AUTH, "{\"type\":\"codex\",\"email\":\"rotation@example.com\"}"
                    .getBytes(StandardCharsets.UTF_8));
        }
        until = Instant.now().plusSeconds(10); // room for a slow start on a loaded machine
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", dir.toString());
        env.put("DATA_KEY", NEW_DATA);
        env.put("DATA_KEY_PREVIOUS", OLD_DATA + ";until=" + until);
        env.put("CLIENT_API_KEYS", NEW_CLIENT + ";label=ci");
        env.put("CLIENT_API_KEYS_PREVIOUS", OLD_CLIENT + ";label=ci;until=" + until);
        env.put("MANAGEMENT_PASSWORD", NEW_ADMIN);
        env.put("MANAGEMENT_PASSWORD_PREVIOUS", OLD_ADMIN + ";until=" + until);
        server = Spacegate.start(Servers.config("api-keys:\n  - " + PANEL_CLIENT + "\n", env), null, env);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    static HttpResponse<String> get(String path, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode await(String path, String key, Predicate<JsonNode> done) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> r = get(path, key);
            last = JSON.readTree(r.body());
            if (r.statusCode() == 200 && done.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(path + " never reached the expected state: " + last);
    }

    @Test
    void oldAndNewKeysWorkInsideTheWindowAndTheOldOnesAreRefusedWithTheRotationNamedAfterIt() throws Exception {
        assertTrue(Instant.now().isBefore(until), "the window is still open");
        for (String key : List.of(OLD_CLIENT, NEW_CLIENT, PANEL_CLIENT)) {
            assertEquals(200, get("/v1/models", key).statusCode());
        }
        assertEquals(200, get("/status", OLD_ADMIN).statusCode());
        assertEquals(200, get("/status", NEW_ADMIN).statusCode());
        assertEquals(401, get("/v1/models", "sgk_test-unknown-not-secret").statusCode());

        // Waits on the window's end, not a fixed sleep: the old client key flips to 401 exactly once.
        Instant deadline = until.plusSeconds(10);
        HttpResponse<String> refused;
        do {
            refused = get("/v1/models", OLD_CLIENT);
            assertTrue(refused.statusCode() == 401 || Instant.now().isBefore(until.plusSeconds(1)),
                    "the old key works until its window ends");
            if (refused.statusCode() != 401) {
                Thread.sleep(50);
            }
        } while (refused.statusCode() != 401 && Instant.now().isBefore(deadline));

        assertEquals(401, refused.statusCode());
        assertFalse(Instant.now().isBefore(until), "refused only after the window");
        String message = JSON.readTree(refused.body()).path("error").path("message").asText();
        assertTrue(message.contains("key rotation") && message.contains("CLIENT_API_KEYS_PREVIOUS")
                && message.contains("'ci'") && message.contains(until.toString()), message);
        assertFalse(refused.body().contains(OLD_CLIENT));
        assertEquals(200, get("/v1/models", NEW_CLIENT).statusCode());
        assertEquals(200, get("/v1/models", PANEL_CLIENT).statusCode());

        HttpResponse<String> admin = get("/status", OLD_ADMIN);
        assertEquals(401, admin.statusCode());
        assertTrue(admin.body().contains("MANAGEMENT_PASSWORD_PREVIOUS"), admin.body());
        assertEquals(200, get("/status", NEW_ADMIN).statusCode());
    }

    @Test
    void theDataKeyRotationReSealsEveryAuthFileAtStartAndStatusCountsNothingPending() throws Exception {
        JsonNode seal = await("/status", NEW_ADMIN, s -> s.path("seal").path("state").asText().equals("done")
                && s.path("seal").path("pendingTotal").asInt(-1) == 0).path("seal");
        assertEquals(SecretBox.fromText(NEW_DATA, List.of()).currentKeyId(), seal.path("currentKeyId").asText());
        assertEquals(0, seal.path("pending").size());
        assertEquals(0, seal.path("unreadable").size());
        JsonNode health = JSON.readTree(get("/health", "").body());
        assertTrue(health.path("ok").asBoolean(), health.toString());

        // The new key alone opens the auth file now: nothing is left under the old key id.
        DirAuthStore newOnly = DirAuthStore.open(dir.resolve("auths"), SecretBox.fromText(NEW_DATA, List.of()));
        assertEquals(Map.of(AUTH, seal.path("currentKeyId").asText()), newOnly.sealKeyIds());
        assertTrue(newOnly.get(AUTH).isPresent());
    }

    @Test
    void thePanelSeesWhichKeysComeFromSecretsMaskedAndReadOnly() throws Exception {
        JsonNode keys = JSON.readTree(get("/v0/management/client-key-sources", NEW_ADMIN).body()).path("keys");
        assertEquals(3, keys.size(), keys.toString());
        assertEquals("panel", keys.get(0).path("source").asText());
        assertFalse(keys.get(0).path("readOnly").asBoolean());
        assertEquals("CLIENT_API_KEYS", keys.get(1).path("source").asText());
        assertEquals("ci", keys.get(1).path("label").asText());
        assertTrue(keys.get(1).path("readOnly").asBoolean());
        assertEquals("CLIENT_API_KEYS_PREVIOUS", keys.get(2).path("source").asText());
        assertEquals(until.toString(), keys.get(2).path("until").asText());
        for (String key : List.of(OLD_CLIENT, NEW_CLIENT, PANEL_CLIENT)) {
            assertFalse(keys.toString().contains(key), "keys are masked");
        }
        assertEquals(401, get("/v0/management/client-key-sources", NEW_CLIENT).statusCode());
    }

    @Test
    void anAuthFileNoConfiguredKeyOpensMakesHealthSayDegraded() throws Exception {
        Path other = dir.resolve("other");
        try (Persistence before = Persistence.open(PersistenceSettings.fromEnv(Map.of("DATA_DIR", other.toString(),
                "DATA_KEY", OLD_DATA)))) {
            before.auths().put(AUTH, "{\"type\":\"codex\"}".getBytes(StandardCharsets.UTF_8));
        }
        Map<String, String> env = Map.of("DATA_DIR", other.toString(), "DATA_KEY", NEW_DATA,
                "MANAGEMENT_PASSWORD", NEW_ADMIN); // DATA_KEY_PREVIOUS removed too early
        Spacegate degraded = Spacegate.start(Servers.config(env), null, env);
        try {
            String base = "http://127.0.0.1:" + degraded.port();
            JsonNode status = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/status"))
                    .header("Authorization", "Bearer " + NEW_ADMIN).build(), HttpResponse.BodyHandlers.ofString())
                    .body());
            Instant deadline = Instant.now().plusSeconds(20);
            while (!status.path("seal").path("state").asText().equals("done") && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
                status = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/status"))
                        .header("Authorization", "Bearer " + NEW_ADMIN).build(), HttpResponse.BodyHandlers.ofString())
                        .body());
            }
            JsonNode health = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());

            assertFalse(health.path("ok").asBoolean(true), health.toString());
            assertEquals("degraded", health.path("authStore").asText());
            String oldId = SecretBox.fromText(OLD_DATA, List.of()).currentKeyId();
            assertEquals(1, status.path("seal").path("pending").path(oldId).asInt());
            assertTrue(status.path("seal").path("unreadable").get(0).asText().contains(AUTH), status.toString());
        } finally {
            degraded.stop();
        }
    }
}
