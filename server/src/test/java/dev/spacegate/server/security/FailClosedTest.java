package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Promise (docs/security.md, "Client keys"): the gateway never admits a client while no client key is configured
 * (finding 1). The first start makes one {@code sgk_} key, shown once; every API family answers 401 in its own
 * format with a message saying how to add a key; only {@code allow-unauthenticated: true} opens it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailClosedTest {
    private static SecureServer server;
    private static String generated;

    @BeforeAll
    static void start() {
        server = SecureServer.start("", Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    @Order(1)
    void firstStartMakesOneClientKeyShownOnceInThePanel() throws Exception {
        JsonNode keys = server.ok("GET", "/v0/management/api-keys", null).path("api-keys");
        assertEquals(1, keys.size(), keys.toString());
        generated = keys.get(0).asText();
        assertTrue(generated.matches("sgk_[A-Za-z0-9]{32}"), "generated key has the sgk_ form");
        assertEquals(generated, server.ok("POST", "/v0/management/first-client-key", "").path("key").asText());
        assertTrue(server.ok("POST", "/v0/management/first-client-key", "").path("key").isNull(), "shown once");
        assertEquals(401, server.send("POST", "/v0/management/first-client-key", "").statusCode(),
                "needs the management key");
    }

    @Test
    @Order(2)
    void theGeneratedKeyIsAdmittedAndOthersAreNot() throws Exception {
        assertEquals(200, server.send("GET", "/v1/models", null, "Authorization", "Bearer " + generated).statusCode());
        assertEquals(401, server.send("GET", "/v1/models", null).statusCode());
        assertEquals(401, server.send("GET", "/v1/models", null, "Authorization", "Bearer sgk_wrong").statusCode());
    }

    @Test
    @Order(3)
    void withNoKeyConfiguredEveryFamilyAnswers401SayingHowToAddOne() throws Exception {
        server.ok("PUT", "/v0/management/api-keys?confirm=remove-all", "[]");
        HttpResponse<String> openai = server.send("POST", "/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":[]}", "Authorization", "Bearer " + generated);
        assertEquals(401, openai.statusCode());
        JsonNode o = SecureServer.JSON.readTree(openai.body());
        assertEquals("authentication_error", o.path("error").path("type").asText());
        assertTrue(o.path("error").path("message").asText().contains("api-keys"), openai.body());
        assertTrue(o.path("error").path("message").asText().contains("allow-unauthenticated"), openai.body());

        HttpResponse<String> claude = server.send("POST", "/v1/messages", "{\"model\":\"m\",\"messages\":[]}");
        assertEquals(401, claude.statusCode());
        JsonNode c = SecureServer.JSON.readTree(claude.body());
        assertEquals("error", c.path("type").asText());
        assertTrue(c.path("error").path("message").asText().contains("No client API key"), claude.body());

        HttpResponse<String> gemini = server.send("POST", "/v1beta/models/m:generateContent", "{}");
        assertEquals(401, gemini.statusCode());
        assertEquals("UNAUTHENTICATED", SecureServer.JSON.readTree(gemini.body()).path("error").path("status").asText());
        assertEquals(401, server.send("GET", "/v1/models", null).statusCode());
    }

    @Test
    @Order(4)
    void aRestartDoesNotReopenOrMakeAnotherKey() throws Exception {
        server.restart();
        assertEquals(0, server.ok("GET", "/v0/management/api-keys", null).path("api-keys").size());
        assertEquals(401, server.send("GET", "/v1/models", null).statusCode());
    }

    @Test
    @Order(5)
    void onlyTheExplicitOptInOpensTheGateway() throws Exception {
        try (SecureServer open = SecureServer.start("allow-unauthenticated: true\n", Map.of())) {
            assertEquals(0, open.ok("GET", "/v0/management/api-keys", null).path("api-keys").size(),
                    "no key is made when the operator opted in");
            assertEquals(200, open.send("GET", "/v1/models", null).statusCode());
        }
    }

    @Test
    @Order(6)
    void keysFromTheEnvironmentCountAsConfigured() throws Exception {
        try (SecureServer env = SecureServer.start("", Map.of("CLIENT_API_KEYS", "fake-env-key-not-secret-123;label=ci"))) {
            assertEquals(0, env.ok("GET", "/v0/management/api-keys", null).path("api-keys").size());
            assertEquals(200, env.send("GET", "/v1/models", null, "Authorization",
                    "Bearer fake-env-key-not-secret-123").statusCode());
            assertEquals(401, env.send("GET", "/v1/models", null).statusCode());
        }
    }
}
