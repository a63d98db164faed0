package dev.spacegate.server.manager;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.manager.compat.ConfigKeys;
import dev.spacegate.server.manager.config.LiveConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys read only at start (#16): the config API refuses to change them with 409 {@code restart_required} naming the
 * keys and saying where to set them, and saves nothing of that write; a full document that repeats their running
 * values is accepted. Every key of the catalogue says whether it applies live or at start.
 */
class RestartOnlyKeysTest {
    private static final String SEED = """
            host: ""
            port: 8317
            shutdown-grace-seconds: 5
            request-retry: 1
            api-keys: [client-key-one-not-secret]
            """;
    private static ManagerHarness h;

    @BeforeAll
    static void start() {
        h = ManagerHarness.start(ManagerHarness.Engine.SQLITE, SEED, Map.of());
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @BeforeEach
    void reset() throws Exception {
        HttpResponse<String> r = h.call("PUT", "/v0/management/config.yaml", SEED);
        assertEquals(200, r.statusCode(), "the seed repeats the running start-only values: " + r.body());
    }

    @Test
    void aChangedStartOnlyKeyIsRefusedNamingItAndHowToSetIt() throws Exception {
        HttpResponse<String> before = h.call("GET", "/v0/management/config.yaml", null);
        HttpResponse<String> r = h.call("PUT", "/v0/management/config.yaml",
                before.body().replace("port: 8317", "port: 9999"));

        assertEquals(409, r.statusCode(), r.body());
        JsonNode body = ManagerHarness.JSON.readTree(r.body());
        assertEquals("restart_required", body.path("error").asText());
        assertEquals("restart_required", body.path("code").asText());
        assertEquals(List.of("port"), names(body.path("keys")));
        String message = body.path("message").asText();
        assertTrue(message.contains("restart") && message.contains("PORT") && message.contains("Space"), message);
        HttpResponse<String> after = h.call("GET", "/v0/management/config.yaml", null);
        assertEquals(before.body(), after.body(), "the config is unchanged");
        assertEquals(before.headers().firstValue("ETag"), after.headers().firstValue("ETag"), "no new version");
    }

    @Test
    void severalChangedKeysAreNamedTogetherAndNothingOfTheWriteIsSaved() throws Exception {
        String changed = SEED.replace("port: 8317", "port: 9999").replace("shutdown-grace-seconds: 5",
                "shutdown-grace-seconds: 60").replace("request-retry: 1", "request-retry: 3");
        HttpResponse<String> r = h.call("PUT", "/v0/management/config.yaml", changed);

        assertEquals(409, r.statusCode(), r.body());
        assertEquals(List.of("port", "shutdown-grace-seconds"),
                names(ManagerHarness.JSON.readTree(r.body()).path("keys")));
        assertEquals(1, h.ok("GET", "/v0/management/request-retry", null).path("request-retry").asInt(),
                "the live key of the refused write is not applied either");
    }

    @Test
    void aFullDocumentRepeatingTheRunningStartOnlyValuesIsAccepted() throws Exception {
        String yaml = h.call("GET", "/v0/management/config.yaml", null).body();
        HttpResponse<String> r = h.call("PUT", "/v0/management/config.yaml",
                yaml.replace("request-retry: 1", "request-retry: 2"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(2, h.ok("GET", "/v0/management/request-retry", null).path("request-retry").asInt());

        // a blank value is unset, as at start: leaving out `host: ""` is no change
        r = h.call("PUT", "/v0/management/config.yaml", SEED.replace("host: \"\"\n", ""));
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void everyCatalogueKeyAppliesLiveOrAtStartAndEveryStartOnlyKeyIsRefused() throws Exception {
        ObjectNode seed = ServerConfig.parseYaml(SEED);
        List<String> startOnly = new ArrayList<>();
        for (ConfigKeys.Key k : ConfigKeys.all()) {
            assertNotNull(k.apply(), k.name() + " has no apply mode");
            ObjectNode changed = seed.deepCopy();
            changed.put(k.name(), "changed-by-test-12345");
            List<ConfigKeys.Key> refused = ConfigKeys.restartKeysChanged(seed, changed);
            if (k.apply() == ConfigKeys.Apply.LIVE) {
                assertTrue(refused.isEmpty(), k.name() + " applies live: " + refused);
                continue;
            }
            startOnly.add(k.name());
            assertTrue(k.env() != null && k.env().matches("[A-Z_]+"), k.name() + " names its variable");
            HttpResponse<String> r = h.call("PUT", "/v0/management/config.yaml", LiveConfig.toYaml(changed));
            assertEquals(409, r.statusCode(), k.name() + ": " + r.body());
            JsonNode body = ManagerHarness.JSON.readTree(r.body());
            assertEquals(List.of(k.name()), names(body.path("keys")));
            assertTrue(body.path("message").asText().contains(k.env()), body.toString());
        }
        assertEquals(List.of("host", "port", "route-profile", "gateway-upstream", "manager-upstream", "max-body-size",
                "shutdown-grace-seconds"), startOnly, "the keys ServerConfig reads before the config store opens");
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        assertTrue(docs.contains(ConfigKeys.restartMarkdown()),
                "docs/configuration.md carries ConfigKeys.restartMarkdown() (regenerate the table)");
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
