package dev.spacegate.server.gateway.models;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import dev.spacegate.server.gateway.config.GatewayConfig;
import dev.spacegate.server.providers.ProviderKind;
import dev.spacegate.server.gateway.pool.Credential;
import dev.spacegate.server.gateway.pool.ScopedErrors;
import dev.spacegate.server.gateway.support.Yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** oauth-request-scoped-errors: an auth file without rules of its own takes its channel's. */
class OAuthChannelRulesTest {
    private static Credential authFile(String index, String type, ScopedErrors own) {
        return new Credential(index, ProviderKind.CODEX_API_KEY, type, "http://127.0.0.1:9", "token-not-secret",
                Map.of(), null, 0, 1, null, null, own, index + ".json");
    }

    private static ModelRegistry.AuthFileEntry entry(Credential c) {
        return new ModelRegistry.AuthFileEntry(c, "", List.of(), List.of(), m -> true, List.of("gpt-5"));
    }

    @Test
    void authFilesWithoutOwnRulesTakeTheirChannels() throws Exception {
        GatewayConfig cfg = GatewayConfig.from(Yaml.tree("""
                oauth-request-scoped-errors:
                  Codex: [{status: 429, match: ["usage limit"], action: stop}]
                """));
        ScopedErrors own = ScopedErrors.parse(new ObjectMapper().readTree("[{\"action\":\"continue\"}]"), "own",
                new ArrayList<>());
        ModelRegistry r = ModelRegistry.build(cfg, List.of(entry(authFile("a1", "codex", ScopedErrors.NONE)),
                entry(authFile("a2", "codex", own)), entry(authFile("a3", "claude", ScopedErrors.NONE))));
        Map<String, ScopedErrors> byAuthFile = new HashMap<>();
        r.resolve("gpt-5").forEach(c -> byAuthFile.put(c.credential().authIndex(), c.credential().scopedErrors()));
        assertEquals(ScopedErrors.Action.STOP, byAuthFile.get("a1").rules().get(0).action(), "the channel's rules");
        assertSame(own, byAuthFile.get("a2"), "the auth file's own rules win");
        assertSame(ScopedErrors.NONE, byAuthFile.get("a3"), "another channel: none");
    }

    @Test
    void aBadChannelRuleIsAConfigError() {
        GatewayConfig.InvalidConfigException e = assertThrows(GatewayConfig.InvalidConfigException.class,
                () -> GatewayConfig.from(Yaml.tree(
                        "oauth-request-scoped-errors: {codex: [{status: 99, action: stop}]}")));
        assertTrue(e.problems().get(0).startsWith("oauth-request-scoped-errors.codex: request-scoped-errors[0]:"
                + " status"), e.problems().toString());
    }
}
