package dev.spacegate.server.gateway;

import dev.spacegate.server.gateway.config.GatewayConfig;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spacegate.server.gateway.pool.CooldownState;
import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Wire;
import dev.spacegate.server.gateway.support.Yaml;

import static dev.spacegate.server.gateway.support.GatewayHarness.CLIENT_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider's request-scoped-errors rules over real sockets: two upstream keys, errors the cooldown table would
 * treat otherwise, and what reaches the client, which key is tried and what cools.
 */
class RequestScopedErrorsTest {
    static FakeUpstream upstream;
    static GatewayHarness h;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.script(s -> {
            boolean keyA = s.key().equals("key-a");
            return switch (s.model()) {
                case "up-quota" -> keyA
                        ? FakeUpstream.json(400, "{\"error\":{\"message\":\"Project Quota Exhausted\"}}")
                        : FakeUpstream.json(200, Wire.chatCompletion("up-quota", "from b"));
                case "up-maint" -> FakeUpstream.json(503, "{\"error\":{\"message\":\"maintenance until 1700000000\"}}");
                case "up-policy" -> FakeUpstream.json(400, "{\"error\":{\"message\":\"Rejected by Content Policy\"}}");
                case "up-gone" -> keyA ? FakeUpstream.json(404, "{\"error\":{\"message\":\"no such model\"}}")
                        : FakeUpstream.json(200, Wire.chatCompletion("up-gone", "from b"));
                default -> FakeUpstream.json(500, "{}");
            };
        });
        h = new GatewayHarness(Yaml.tree("""
                api-keys: ["%1$s"]
                openai-compatibility:
                  - name: scoped
                    base-url: %2$s/v1
                    api-key-entries: [{api-key: key-a}, {api-key: key-b}]
                    request-scoped-errors:
                      - {status: 400, match: ["project quota exhausted"], action: continue-and-cooldown}
                      - {status: 503, match-regexr: ["maintenance until \\\\d+"], action: stop}
                      - {match: ["content policy"], action: stop-and-cooldown}
                      - {status: 404, action: continue}
                    models:
                      - {name: up-quota, alias: quota}
                      - {name: up-maint, alias: maint}
                      - {name: up-policy, alias: policy}
                      - {name: up-gone, alias: gone}
                """.formatted(CLIENT_KEY, upstream.baseUrl())), CooldownStore.none());
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        upstream.close();
    }

    private static HttpResponse<String> chat(String model) throws Exception {
        return h.postWithKey("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[]}");
    }

    private static List<String> keysSeen(String upstreamModel) {
        return upstream.seenFor(upstreamModel).stream().map(FakeUpstream.Seen::key).toList();
    }

    private static List<CooldownState> cooldowns(String upstreamModel) {
        return h.gateway.pool().snapshot().stream().filter(s -> s.model().equals(upstreamModel)).toList();
    }

    @Test
    void continueAndCooldownFailsOverAndCoolsWhatTheTableWouldNot() throws Exception {
        // a plain 400 is the client's fault for the table: no failover, no cooldown
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = chat("quota");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("from b"));
        }
        assertEquals(1, keysSeen("up-quota").stream().filter("key-a"::equals).count(),
                "key a answered once, then cooled: " + keysSeen("up-quota"));
        List<CooldownState> cool = cooldowns("up-quota");
        assertEquals(1, cool.size());
        assertEquals("request_scoped", cool.get(0).reason());
        assertEquals(400, cool.get(0).statusCode());
    }

    @Test
    void stopReturnsTheErrorWithoutFailoverOrCooldown() throws Exception {
        // a 503 would fail over and cool for the table
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = chat("maint");
            assertEquals(503, r.statusCode());
            assertTrue(r.body().contains("maintenance until 1700000000"), r.body());
        }
        assertEquals(3, keysSeen("up-maint").size(), "one upstream call per request: " + keysSeen("up-maint"));
        assertEquals(List.of(), cooldowns("up-maint"));
    }

    @Test
    void stopAndCooldownReturnsTheErrorAndCools() throws Exception {
        HttpResponse<String> first = chat("policy");
        assertEquals(400, first.statusCode());
        assertEquals(1, keysSeen("up-policy").size(), "no failover");
        List<CooldownState> cool = cooldowns("up-policy");
        assertEquals(1, cool.size(), "the key that answered cools (60 s forced on a 400)");
        assertEquals("request_scoped", cool.get(0).reason());

        HttpResponse<String> second = chat("policy");
        assertEquals(400, second.statusCode());
        Set<String> keys = keysSeen("up-policy").stream().collect(Collectors.toSet());
        assertEquals(Set.of("key-a", "key-b"), keys, "the cooled key is skipped next time");
        assertEquals(2, cooldowns("up-policy").size());
        HttpResponse<String> third = chat("policy");
        assertEquals(429, third.statusCode(), "both cooling: " + third.body());
        assertEquals(2, keysSeen("up-policy").size());
    }

    @Test
    void continueFailsOverWithoutTheTablesCooldown() throws Exception {
        // a 404 would cool key a for 12 hours
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = chat("gone");
            assertEquals(200, r.statusCode(), r.body());
        }
        assertTrue(keysSeen("up-gone").stream().filter("key-a"::equals).count() >= 2,
                "key a keeps being tried: " + keysSeen("up-gone"));
        assertEquals(List.of(), cooldowns("up-gone"));
    }

    @Test
    void theDocsExampleLoads() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/gateway.md"));
        String section = doc.substring(doc.indexOf("### Request-scoped error rules"));
        int from = section.indexOf("```yaml") + 7;
        String yaml = section.substring(from, section.indexOf("```", from));
        GatewayConfig cfg = GatewayConfig.from(Yaml.tree(yaml));
        dev.spacegate.server.gateway.pool.ScopedErrors rules = cfg.providers().get(0).scopedErrors();
        assertEquals(3, rules.rules().size());
        assertTrue(rules.rules().get(1).regex().get(0).matcher("maintenance until 1700000000").find());
    }

    @Test
    void aBadRuleIsAConfigError() {
        GatewayConfig.InvalidConfigException e = assertThrows(GatewayConfig.InvalidConfigException.class,
                () -> GatewayConfig.from(Yaml.tree("""
                        openai-compatibility:
                          - name: scoped
                            base-url: http://127.0.0.1:9/v1
                            api-key-entries: [{api-key: k}]
                            models: [{name: m}]
                            request-scoped-errors: [{status: 400, action: retry}]
                        """)));
        assertTrue(e.problems().stream().anyMatch(p -> p.contains("request-scoped-errors[0]: action must be")),
                e.problems().toString());
    }
}
