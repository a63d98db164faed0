package dev.spacegate.server.manager.panel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.server.Spacegate;
import dev.spacegate.server.providers.KeyList;
import dev.spacegate.server.providers.OAuthProvider;
import dev.spacegate.server.testing.Servers;

/**
 * What the panel offers per provider is what the provider catalogue declares: one API-key list page per
 * {@link KeyList} and one login per {@link OAuthProvider} that logs in from the server, each with a capability the
 * bundled server answers truthfully (asked with the management key on the real socket).
 */
class PanelCapabilitiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MGMT = "mgmt-capabilities-not-secret";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Persistence persistence;
    private static Spacegate server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("sg-capabilities-");
        persistence = Persistence.open(PersistenceSettings.fromEnv(Map.of("DATA_DIR", dir.toString(),
                "DATA_KEY", TestPg.TEST_DATA_KEY)));
        Map<String, String> env = Map.of("MANAGEMENT_PASSWORD", MGMT);
        server = Spacegate.start(Servers.config(env), persistence, env);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.stop();
        persistence.close();
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiKeyListsAreTheCataloguesAndEachCapabilityTellsWhetherTheServerServesIt() throws Exception {
        JsonNode caps = JSON.readTree(get("/panel/api/capabilities", null).body());
        JsonNode lists = caps.path("providers").path("keyLists");
        List<String> sections = new ArrayList<>();
        lists.forEach(l -> sections.add(l.path("section").asText()));
        assertEquals(KeyList.all().stream().map(KeyList::section).toList(), sections, caps.toString());
        Map<String, Boolean> offered = new HashMap<>();
        for (int i = 0; i < lists.size(); i++) {
            KeyList declared = KeyList.all().get(i);
            JsonNode l = lists.get(i);
            assertEquals(declared.label(), l.path("label").asText(), declared.section());
            assertEquals(declared.provider() == null, l.path("provider").isNull(), declared.section());
            assertEquals(declared.kind() != null, l.path("called").asBoolean(), declared.section());
            String capability = l.path("capability").asText();
            assertEquals("GET " + declared.path(), PanelService.CAPABILITIES.get(capability), capability);
            int status = get(declared.path(), MGMT).statusCode();
            boolean served = status != 404 && status != 501;
            assertEquals(served, caps.path("apis").path(capability).asBoolean(),
                    capability + " (" + declared.path() + " answered " + status + ")");
            offered.put(declared.section(), served);
        }
        // the bundled server manages the lists it calls, and answers the others not_supported
        assertTrue(offered.get("gemini-api-key"), offered.toString());
        assertTrue(offered.get("openai-compatibility"), offered.toString());
        assertFalse(offered.get("xai-api-key"), offered.toString());
    }

    @Test
    void theLoginsAreTheCataloguesProvidersThatLogInFromTheServer() throws Exception {
        JsonNode caps = JSON.readTree(get("/panel/api/capabilities", null).body());
        List<OAuthProvider> declared = java.util.Arrays.stream(OAuthProvider.values())
                .filter(p -> p.flow() != OAuthProvider.Flow.NONE).toList();
        JsonNode logins = caps.path("providers").path("logins");
        assertEquals(declared.size(), logins.size(), logins.toString());
        for (int i = 0; i < declared.size(); i++) {
            OAuthProvider p = declared.get(i);
            JsonNode l = logins.get(i);
            assertEquals(p.loginName(), l.path("name").asText());
            assertEquals(p.label(), l.path("label").asText());
            String capability = l.path("capability").asText();
            assertEquals("GET " + p.loginPath(), PanelService.CAPABILITIES.get(capability), capability);
            // not called here: the device flows would reach the real provider
            assertTrue(caps.path("apis").path(capability).asBoolean(), capability + " is served by the bundled server");
        }
    }

    @Test
    void everyProviderCapabilityComesFromTheCatalogue() throws Exception {
        JsonNode caps = JSON.readTree(get("/panel/api/capabilities", null).body());
        List<String> perProvider = new ArrayList<>();
        caps.path("providers").path("keyLists").forEach(l -> perProvider.add(l.path("capability").asText()));
        caps.path("providers").path("logins").forEach(l -> perProvider.add(l.path("capability").asText()));
        List<String> rest = new ArrayList<>();
        caps.path("apis").fieldNames().forEachRemaining(rest::add);
        rest.removeAll(perProvider);
        assertEquals(List.copyOf(PanelService.CALLS.keySet()), rest, "no hand-written per-provider call is left");
        for (String call : PanelService.CALLS.values()) {
            assertFalse(call.endsWith("-api-key") || call.endsWith("-auth-url") || call.endsWith("compatibility"),
                    call + " belongs to the catalogue");
        }
    }
}
