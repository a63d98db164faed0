package dev.spacegate.server.gateway;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Wire;
import dev.spacegate.server.gateway.support.Yaml;

import static dev.spacegate.server.gateway.support.GatewayHarness.CLIENT_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** routing.session-affinity: a session sticks to its credential and moves when that credential cools. */
class SessionAffinityTest {
    static FakeUpstream upstream;
    static GatewayHarness h;
    static volatile String failingKey = "";

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.script(s -> s.key().equals(failingKey)
                ? FakeUpstream.json(503, "{\"error\":{\"message\":\"down\"}}")
                : FakeUpstream.json(200, Wire.chatCompletion("up", "ok")));
        h = new GatewayHarness(Yaml.tree("""
                api-keys: ["%s"]
                routing: { strategy: round-robin, session-affinity: true, session-affinity-ttl: 1h }
                openai-compatibility:
                  - name: two
                    base-url: %s/v1
                    api-key-entries: [{api-key: upstream-key-a}, {api-key: upstream-key-b}]
                    models: [{name: up, alias: m}, {name: up2, alias: m2}]
                """.formatted(CLIENT_KEY, upstream.baseUrl())), CooldownStore.none());
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        upstream.close();
    }

    private static List<String> keysFor(int n, String model, Map<String, String> headers, String bodyExtra)
            throws Exception {
        upstream.clear();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = h.post("/v1/chat/completions", "{\"model\":\"" + model + "\"" + bodyExtra + "}",
                    withKey(headers));
            assertEquals(200, r.statusCode(), r.body());
        }
        return upstream.seen().stream().filter(s -> s.body().contains("\"" + model.replace("m", "up") + "\""))
                .map(FakeUpstream.Seen::key).toList();
    }

    private static Map<String, String> withKey(Map<String, String> headers) {
        java.util.HashMap<String, String> m = new java.util.HashMap<>(headers);
        m.put("Authorization", "Bearer " + CLIENT_KEY);
        return m;
    }

    @Test
    void aSessionSticksToOneCredentialWhileOthersRotate() throws Exception {
        Set<String> sticky = Set.copyOf(keysFor(6, "m", Map.of("X-Session-ID", "session-1"), ""));
        assertEquals(1, sticky.size(), "one credential for the session: " + sticky);
        Set<String> fromBody = Set.copyOf(keysFor(6, "m", Map.of(), ",\"prompt_cache_key\":\"cache-7\""));
        assertEquals(1, fromBody.size(), "the body's prompt_cache_key is a session too");
        Set<String> rotating = Set.copyOf(keysFor(4, "m", Map.of(), ""));
        assertEquals(2, rotating.size(), "requests without a session rotate");
    }

    @Test
    void aBoundSessionFailsOverAndRebinds() throws Exception {
        String bound = keysFor(1, "m2", Map.of("X-Session-ID", "session-2"), "").get(0);
        failingKey = bound;
        try {
            List<String> tried = keysFor(1, "m2", Map.of("X-Session-ID", "session-2"), "");
            assertEquals(List.of(bound), tried.subList(0, 1), "the bound credential is tried first");
            assertEquals(2, tried.size(), "then the other one serves");
        } finally {
            failingKey = "";
        }
        String other = bound.endsWith("a") ? "upstream-key-b" : "upstream-key-a";
        h.gateway.pool().snapshot().forEach(s -> h.gateway.pool().reset(s.authIndex()));
        assertEquals(Set.of(other), Set.copyOf(keysFor(4, "m2", Map.of("X-Session-ID", "session-2"), "")),
                "the session moved to the credential that served it, even once the first is back");
    }
}
