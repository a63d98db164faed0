package dev.spacegate.server.gateway.models;

import dev.spacegate.server.gateway.config.ChannelModels;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.spacegate.server.gateway.config.GatewayConfig;
import dev.spacegate.server.gateway.pool.Credential;
import dev.spacegate.server.gateway.pool.ScopedErrors;
import dev.spacegate.server.gateway.support.Yaml;
import dev.spacegate.server.providers.ProviderKind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** oauth-model-alias and oauth-excluded-models: what each auth file lists and serves, per channel. */
class ChannelModelsTest {
    private static ModelRegistry.AuthFileEntry authFile(String index, String type, List<String> catalog) {
        Credential c = new Credential(index, ProviderKind.CODEX_API_KEY, type, "http://127.0.0.1:9",
                "token-not-secret", Map.of(), null, 0, 1, null, null, ScopedErrors.NONE, index + ".json");
        return new ModelRegistry.AuthFileEntry(c, "", List.of(), List.of(), m -> m.startsWith(type.equals("codex") ? "gpt-" : "claude-"), catalog);
    }

    private static ModelRegistry registry(String yaml) throws Exception {
        GatewayConfig cfg = GatewayConfig.from(Yaml.tree(yaml));
        return ModelRegistry.build(cfg, List.of(authFile("cx", "codex", List.of("gpt-5", "gpt-5-codex", "gpt-5.1")),
                authFile("cl", "claude", List.of("claude-sonnet-4-5"))));
    }

    private static List<String> listed(ModelRegistry r) {
        return r.models().stream().map(ModelRegistry.ModelInfo::id).toList();
    }

    private static List<String> servedBy(ModelRegistry r, String model) {
        return r.resolve(model).stream().map(c -> c.credential().authIndex() + ":" + c.upstreamModel()).toList();
    }

    @Test
    void anAliasReplacesTheNameOnItsChannelOnly() throws Exception {
        ModelRegistry r = registry("""
                oauth-model-alias:
                  Codex: [{name: gpt-5, alias: my-gpt}]
                """);
        assertTrue(listed(r).contains("my-gpt"), listed(r).toString());
        assertFalse(listed(r).contains("gpt-5"), "the aliased name is no longer listed: " + listed(r));
        assertEquals(List.of("cx:gpt-5"), servedBy(r, "my-gpt"), "the alias routes to the upstream name");
        assertEquals(List.of(), servedBy(r, "gpt-5"), "the replaced name no longer routes");
        assertEquals(List.of("cx:gpt-5.1"), servedBy(r, "gpt-5.1"), "other models unchanged");
        assertEquals(List.of("cl:claude-sonnet-4-5"), servedBy(r, "claude-sonnet-4-5"), "other channels unchanged");
    }

    @Test
    void aForkKeepsTheOriginalName() throws Exception {
        ModelRegistry r = registry("""
                oauth-model-alias:
                  codex: [{name: gpt-5, alias: my-gpt, fork: true}]
                """);
        assertTrue(listed(r).containsAll(List.of("gpt-5", "my-gpt")), listed(r).toString());
        assertEquals(List.of("cx:gpt-5"), servedBy(r, "gpt-5"));
        assertEquals(List.of("cx:gpt-5"), servedBy(r, "my-gpt"));
    }

    @Test
    void exclusionsHideAndRefuseModelsOfTheirChannel() throws Exception {
        ModelRegistry r = registry("""
                oauth-excluded-models:
                  codex: ["*-codex", gpt-5.1]
                  claude: []
                """);
        assertEquals(List.of("gpt-5", "claude-sonnet-4-5"), listed(r));
        assertEquals(List.of(), servedBy(r, "gpt-5-codex"));
        assertEquals(List.of(), servedBy(r, "gpt-5.1"));
        assertEquals(List.of(), servedBy(r, "gpt-9-codex"), "patterns also refuse names outside the catalogue");
        assertEquals(List.of("cx:gpt-5"), servedBy(r, "gpt-5"));
    }

    @Test
    void apiKeyEntriesAreNotAffected() throws Exception {
        ModelRegistry r = ModelRegistry.build(GatewayConfig.from(Yaml.tree("""
                oauth-excluded-models: {codex: [gpt-5]}
                oauth-model-alias: {codex: [{name: gpt-5, alias: my-gpt}]}
                codex-api-key:
                  - api-key: sk-not-secret
                    base-url: http://127.0.0.1:9
                    models: [{name: gpt-5}]
                """)));
        assertEquals(List.of("gpt-5"), listed(r));
        assertEquals(1, r.resolve("gpt-5").size());
    }

    @Test
    void badShapesAreConfigErrors() {
        GatewayConfig.InvalidConfigException e = assertThrows(GatewayConfig.InvalidConfigException.class,
                () -> GatewayConfig.from(Yaml.tree("oauth-model-alias: {codex: 3}\noauth-excluded-models: [x]")));
        assertEquals(2, e.problems().size(), e.problems().toString());
    }

    @Test
    void blankAndRepeatedAliasesAreDropped() throws Exception {
        ChannelModels m = GatewayConfig.from(Yaml.tree("""
                oauth-model-alias:
                  codex:
                    - {name: gpt-5, alias: a}
                    - {name: gpt-5.1, alias: A}
                    - {name: '', alias: b}
                    - {name: gpt-5, alias: gpt-5}
                """)).channelModels();
        assertEquals(List.of(new ChannelModels.Alias("gpt-5", "a", false, false)), m.aliases().get("codex"));
    }
}
