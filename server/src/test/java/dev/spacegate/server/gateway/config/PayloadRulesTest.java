package dev.spacegate.server.gateway.config;


import dev.spacegate.server.providers.ProviderKind;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import dev.spacegate.server.gateway.support.Yaml;
import dev.spacegate.server.providers.ApiFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** payload rules: which requests they select and what they do to the upstream body. */
class PayloadRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static PayloadRules rules(String yaml) {
        List<String> problems = new ArrayList<>();
        PayloadRules p = PayloadRules.parse(Yaml.tree(yaml).path("payload"), problems);
        assertEquals(List.of(), problems);
        return p;
    }

    private static JsonNode apply(PayloadRules p, String body, String model, ProviderKind up, ApiFormat from,
                                  Map<String, String> headers) throws Exception {
        return JSON.readTree(p.apply(body.getBytes(StandardCharsets.UTF_8), model, "upstream-" + model, up, from,
                headers));
    }

    @Test
    void defaultsOverridesRawValuesAndFilters() throws Exception {
        PayloadRules p = rules("""
                payload:
                  default:
                    - models: [{name: "gpt-*"}]
                      params: {"reasoning.effort": high, "max_output_tokens": 4096, "temperature": 0.5}
                  default-raw:
                    - models: [{name: "gpt-*"}]
                      params: {"text.format": '{"type":"json_object"}'}
                  override:
                    - models: [{name: "*"}]
                      params: {"store": false, "metadata.tags.0": "spacegate"}
                  override-raw:
                    - models: [{name: "gpt-5"}]
                      params: {"tools.-1": '{"type":"web_search"}'}
                  filter:
                    - models: [{name: "gpt-*"}]
                      params: ["service_tier", "input.1", "user"]
                """);
        JsonNode out = apply(p, """
                {"model":"gpt-5","temperature":0.2,"store":true,"service_tier":"flex","user":"u",
                 "input":["a","b","c"],"metadata":{"tags":["x"]},"tools":[{"type":"function"}]}""",
                "gpt-5", ProviderKind.CODEX_API_KEY, ApiFormat.OPENAI_RESPONSES, Map.of());
        assertEquals("high", out.at("/reasoning/effort").asText(), "default creates the missing object");
        assertEquals(4096, out.path("max_output_tokens").asInt());
        assertEquals(0.2, out.path("temperature").asDouble(), "default keeps what the client sent");
        assertEquals("json_object", out.at("/text/format/type").asText(), "raw values are JSON");
        assertEquals(false, out.path("store").asBoolean(true), "override replaces");
        assertEquals("spacegate", out.at("/metadata/tags/0").asText(), "an index replaces an array element");
        assertEquals("web_search", out.at("/tools/1/type").asText(), "-1 appends");
        assertTrue(out.path("service_tier").isMissingNode());
        assertTrue(out.path("user").isMissingNode());
        assertEquals(List.of("a", "c"), List.of(out.at("/input/0").asText(), out.at("/input/1").asText()),
                "filter removes an array element by index");
        assertEquals(2, out.path("input").size());
    }

    @Test
    void selectorsNarrowByProtocolsHeadersAndBodyConditions() throws Exception {
        PayloadRules p = rules("""
                payload:
                  override:
                    - models:
                        - name: "claude-*"
                          protocol: claude
                          from-protocol: openai
                          headers: {X-Team: "research-*"}
                          match: [{"stream": true}]
                          not-exist: ["max_tokens"]
                      params: {"max_tokens": 8192}
                """);
        String body = "{\"model\":\"claude-x\",\"stream\":true}";
        Map<String, String> team = Map.of("x-team", "research-nlp");
        assertEquals(8192, apply(p, body, "claude-x", ProviderKind.CLAUDE_API_KEY, ApiFormat.OPENAI_CHAT, team)
                .path("max_tokens").asInt());
        byte[] raw = body.getBytes(StandardCharsets.UTF_8);
        assertSame(raw, p.apply(raw, "claude-x", "u", ProviderKind.GEMINI_API_KEY, ApiFormat.OPENAI_CHAT, team),
                "another upstream protocol: untouched, same bytes");
        assertSame(raw, p.apply(raw, "claude-x", "u", ProviderKind.CLAUDE_API_KEY, ApiFormat.CLAUDE, team),
                "another client protocol");
        assertSame(raw, p.apply(raw, "claude-x", "u", ProviderKind.CLAUDE_API_KEY, ApiFormat.OPENAI_CHAT,
                Map.of("x-team", "sales")), "header does not match");
        assertSame(raw, p.apply(raw, "gpt-5", "gpt-5", ProviderKind.CLAUDE_API_KEY, ApiFormat.OPENAI_CHAT, team),
                "model does not match");
        for (String other : new String[] {"{\"stream\":false}", "{\"stream\":true,\"max_tokens\":5}"}) {
            JsonNode out = apply(p, other, "claude-x", ProviderKind.CLAUDE_API_KEY, ApiFormat.OPENAI_CHAT, team);
            assertEquals(JSON.readTree(other), out, "conditions on the body do not hold: " + other);
        }
        assertEquals(8192, JSON.readTree(p.apply(raw, "house-alias", "claude-sonnet", ProviderKind.CLAUDE_API_KEY,
                ApiFormat.OPENAI_CHAT, team)).path("max_tokens").asInt(), "the upstream's model name selects too");
    }

    @Test
    void pathsEscapeDots() throws Exception {
        PayloadRules p = rules("""
                payload:
                  override:
                    - models: [{name: "*"}]
                      params: {'metadata.labels.app\\.name': spacegate}
                """);
        JsonNode out = apply(p, "{}", "m", ProviderKind.OPENAI_COMPATIBILITY, ApiFormat.OPENAI_CHAT, Map.of());
        assertEquals("spacegate", out.path("metadata").path("labels").path("app.name").asText(), out.toString());
    }

    @Test
    void theDocsExampleLoads() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/gateway.md"));
        String section = doc.substring(doc.indexOf("### Payload rules"));
        int from = section.indexOf("```yaml") + 7;
        PayloadRules p = rules(section.substring(from, section.indexOf("```", from)));
        assertEquals(5, p.rules().size());
        JsonNode out = apply(p, "{\"input\":\"hi\"}", "gpt-5", ProviderKind.CODEX_API_KEY,
                ApiFormat.OPENAI_RESPONSES, Map.of());
        assertEquals("high", out.at("/reasoning/effort").asText());
        assertEquals("web_search", out.at("/tools/0/type").asText(), "-1 on a missing array appends to a new one");
    }

    @Test
    void badRulesAreNamed() {
        List<String> problems = new ArrayList<>();
        PayloadRules.parse(Yaml.tree("""
                payload:
                  default:
                    - params: {a: 1}
                    - models: [{name: x, protocol: mistral}]
                      params: {a: 1}
                  override-raw:
                    - models: [{name: x}]
                      params: {a: '{not json'}
                  filter:
                    - models: [{name: x}]
                      params: {a: 1}
                """).path("payload"), problems);
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("payload.default[0]: models must list"));
        assertTrue(problems.get(1).startsWith("payload.default[1].models[0]: protocol must be one of"));
        assertTrue(problems.get(2).startsWith("payload.override-raw[0]: params.a must be valid JSON"));
        assertTrue(problems.get(3).startsWith("payload.filter[0]: params must list the paths"));
    }
}
