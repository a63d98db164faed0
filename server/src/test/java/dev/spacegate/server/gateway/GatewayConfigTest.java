package dev.spacegate.server.gateway;

import dev.spacegate.server.gateway.config.GatewayConfig;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.spacegate.server.providers.ProviderKind;
import dev.spacegate.server.gateway.pool.Strategy;
import dev.spacegate.server.gateway.support.Yaml;
import dev.spacegate.server.gateway.translate.base.ThinkingCapability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayConfigTest {

    @Test
    void readsCliProxyApiKeys() {
        GatewayConfig c = GatewayConfig.from(Yaml.tree("""
                api-keys: ["test-key-not-secret", " test-key-not-secret ", "other-test-key"]
                routing: { strategy: wrr }
                request-retry: 2
                max-retry-credentials: 1
                max-retry-interval: 30
                disable-cooling: true
                streaming: { keepalive-seconds: 5 }
                openai-compatibility:
                  - name: router
                    base-url: http://127.0.0.1:9/v1/
                    api-key-entries: [{api-key: fake-upstream-key-1, weight: 3}, {api-key: fake-upstream-key-2}]
                    models: [{name: up-model, alias: client-model}]
                    priority: 5
                claude-api-key:
                  - api-key: fake-claude-key
                gemini-api-key:
                  - api-key: fake-gemini-key
                    prefix: g
                    excluded-models: ["*-preview"]
                codex-api-key:
                  - api-key: fake-codex-key
                    base-url: http://127.0.0.1:9/backend-api/codex
                """));
        assertEquals(2, c.apiKeys().size(), "keys are trimmed and de-duplicated");
        assertEquals(Strategy.WEIGHTED_ROUND_ROBIN, c.strategy());
        assertEquals(2, c.requestRetry());
        assertEquals(1, c.maxRetryCredentials());
        assertEquals(Duration.ofSeconds(30), c.maxRetryInterval());
        assertTrue(c.disableCooling());
        assertEquals(Duration.ofSeconds(5), c.keepAlive());
        assertEquals(4, c.providers().size());
        GatewayConfig.Provider compat = c.providers().get(0);
        assertEquals(ProviderKind.OPENAI_COMPATIBILITY, compat.kind());
        assertEquals("http://127.0.0.1:9/v1", compat.baseUrl(), "trailing slash dropped");
        assertEquals(3, compat.keys().get(0).weight());
        assertEquals(1, compat.keys().get(1).weight(), "default weight 1");
        assertEquals("client-model", compat.models().get(0).alias());
        assertEquals(5, compat.priority());
        assertEquals("https://api.anthropic.com", c.providers().get(1).baseUrl(), "claude default base");
        assertEquals("https://generativelanguage.googleapis.com", c.providers().get(2).baseUrl());
    }

    @Test
    void defaultsWhenEmpty() {
        GatewayConfig c = GatewayConfig.empty();
        assertTrue(c.apiKeys().isEmpty());
        assertEquals(Strategy.ROUND_ROBIN, c.strategy());
        assertEquals(Duration.ofSeconds(15), c.keepAlive());
        assertEquals(Duration.ofSeconds(60), c.transientCooldown());
        assertEquals(Duration.ofSeconds(60), c.usageQueueRetention());
        assertFalse(c.usageQueueEnabled());
    }

    @Test
    void errorsNameTheOffendingEntry() {
        GatewayConfig.InvalidConfigException e = assertThrows(GatewayConfig.InvalidConfigException.class,
                () -> GatewayConfig.from(Yaml.tree("""
                        routing: { strategy: random }
                        openai-compatibility:
                          - name: ok
                            base-url: http://127.0.0.1:9
                            api-key-entries: [{api-key: k}]
                            models: [{name: m}]
                          - name: broken
                            api-key-entries: [{api-key: k, weight: -1}]
                            models: [{name: m}]
                        codex-api-key:
                          - api-key: k
                        claude-api-key:
                          - base-url: ftp://x
                            proxy-url: ftp://user:hunter2-not-secret@127.0.0.1:21
                        """)));
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("routing.strategy: unknown strategy 'random'"), all);
        assertTrue(all.contains("openai-compatibility[1] (name \"broken\"): base-url is required"), all);
        assertTrue(all.contains("openai-compatibility[1] (name \"broken\"): api-key-entries[0]: weight"), all);
        assertTrue(all.contains("codex-api-key[0]: base-url is required"), all);
        assertTrue(all.contains("claude-api-key[0]: api-key is required"), all);
        assertTrue(all.contains("claude-api-key[0]: base-url: must be an http(s) URL"), all);
        assertTrue(all.contains("claude-api-key[0]: proxy-url: the proxy URL must start with http://, socks5://"), all);
        assertFalse(all.contains("hunter2"), "a proxy password is never repeated: " + all);
        assertFalse(all.contains("openai-compatibility[0]"), "the valid entry is not blamed: " + all);
    }

    @Test
    void sessionAffinityTtlIsAGoDuration() {
        GatewayConfig c = GatewayConfig.from(Yaml.tree("routing: {session-affinity: true, session-affinity-ttl: 1h30m}"));
        assertTrue(c.sessionAffinity());
        assertEquals(Duration.ofMinutes(90), c.sessionAffinityTtl());
        assertEquals(Duration.ofHours(1), GatewayConfig.empty().sessionAffinityTtl());
        assertThrows(GatewayConfig.InvalidConfigException.class,
                () -> GatewayConfig.from(Yaml.tree("routing: {session-affinity-ttl: soon}")));
    }

    @Test
    void strategyAliases() {
        assertEquals(Strategy.ROUND_ROBIN, Strategy.parse("rr"));
        assertEquals(Strategy.FILL_FIRST, Strategy.parse("fillfirst"));
        assertEquals(Strategy.FILL_FIRST, Strategy.parse("ff"));
        assertEquals(Strategy.WEIGHTED_ROUND_ROBIN, Strategy.parse("weighted-round-robin"));
        assertEquals(Strategy.ROUND_ROBIN, Strategy.parse(""));
    }

    @Test
    void readsAModelsThinkingCapability() {
        GatewayConfig cfg = GatewayConfig.from(Yaml.tree("""
                codex-api-key:
                  - api-key: test-key-not-secret
                    base-url: http://127.0.0.1:9/backend-api/codex
                    models:
                      - {name: levels, thinking: {levels: [Low, medium, high]}}
                      - {name: budget, thinking: {min: 1024, max: 32768, zero-allowed: true, dynamic-allowed: true}}
                      - {name: without, thinking: {}}
                      - {name: unknown}
                """));
        List<GatewayConfig.Model> ms = cfg.providers().get(0).models();
        assertEquals(ThinkingCapability.levels(List.of("low", "medium", "high"), false), ms.get(0).thinking());
        assertEquals(ThinkingCapability.budget(1024, 32768, true, true), ms.get(1).thinking());
        assertEquals(ThinkingCapability.NONE, ms.get(2).thinking());
        assertNull(ms.get(3).thinking(), "no thinking block: unknown, nothing is clamped");
    }
}
