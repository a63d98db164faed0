package dev.spacegate.server.gateway;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spacegate.server.gateway.pool.FileCooldownStore;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Yaml;

import static dev.spacegate.server.gateway.support.GatewayHarness.CLIENT_KEY;
import static dev.spacegate.server.gateway.support.GatewayHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A credential cooled before a restart is still cooling after it; usage spilled to the journal is not lost. */
class GatewayRestartTest {

    @Test
    void cooldownIsRestoredAfterARestart(@TempDir Path dir) throws Exception {
        try (FakeUpstream upstream = new FakeUpstream()) {
            upstream.script(s -> FakeUpstream.json(401, "{\"error\":{\"message\":\"bad key\","
                    + "\"type\":\"authentication_error\"}}"));
            String yaml = """
                    api-keys: ["%s"]
                    openai-compatibility:
                      - name: only
                        base-url: %s/v1
                        api-key-entries: [{api-key: upstream-key-revoked}]
                        models: [{name: up, alias: m}]
                    """.formatted(CLIENT_KEY, upstream.baseUrl());
            Path store = dir.resolve("cooldowns.json");
            try (GatewayHarness first = new GatewayHarness(Yaml.tree(yaml), new FileCooldownStore(store))) {
                HttpResponse<String> r = first.postWithKey("/v1/chat/completions", "{\"model\":\"m\"}");
                assertEquals(401, r.statusCode(), "the upstream's answer is passed on");
                assertEquals("bad key", json(r.body()).path("error").path("message").asText());
            }
            assertTrue(Files.exists(store));
            assertEquals(1, upstream.seen().size());
            try (GatewayHarness second = new GatewayHarness(Yaml.tree(yaml), new FileCooldownStore(store))) {
                HttpResponse<String> r = second.postWithKey("/v1/chat/completions", "{\"model\":\"m\"}");
                assertEquals(429, r.statusCode());
                assertEquals("model_cooldown", json(r.body()).path("error").path("code").asText());
                long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
                assertTrue(retryAfter > 29 * 60 && retryAfter <= 30 * 60, "401 cools for 30 min: " + retryAfter);
                assertEquals(1, upstream.seen().size(), "the cooled credential was not called after the restart");
            }
        }
    }
}
