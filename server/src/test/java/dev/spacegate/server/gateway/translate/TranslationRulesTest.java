package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.base.TranslateContext;

import dev.spacegate.server.gateway.translate.base.UsageMap;

import dev.spacegate.server.gateway.translate.base.Effort;

import dev.spacegate.server.gateway.translate.base.ToolNames;

import dev.spacegate.server.gateway.translate.base.Errors;

import dev.spacegate.server.gateway.translate.base.TranslationException;

import dev.spacegate.server.gateway.translate.base.ThinkingCapability;

import dev.spacegate.server.gateway.translate.base.SseEvent;

import dev.spacegate.server.gateway.translate.neutral.Json;

import dev.spacegate.server.gateway.translate.neutral.UpstreamError;

import dev.spacegate.server.providers.ApiFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.gateway.translate.neutral.Reasoning;
import dev.spacegate.server.gateway.translate.neutral.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The translation rules that are not about one fixture: reasoning map, ids, usage, errors, token counts. */
class TranslationRulesTest {
    private static final ThinkingCapability CLAUDE_LIKE = ThinkingCapability.budget(1024, 64000, true, false);
    private static final ThinkingCapability GEMINI_25 = ThinkingCapability.budget(128, 32768, false, true);
    private static final ThinkingCapability GPT5 = ThinkingCapability.levels(List.of("minimal", "low", "medium",
            "high"), false);

    private static ObjectNode obj(String json) {
        return Json.parseObject(json);
    }

    private static TranslateContext ctx() {
        return new TranslateContext("client-model", "upstream-model", false).withIds("t", 1L);
    }

    // ------------------------------------------------------------------ reasoning

    @Test
    void modelSuffixNamesALevelOrABudget() {
        assertEquals(new Effort.ModelName("gpt-5", Reasoning.level("high")), Effort.parseModel("gpt-5(high)"));
        assertEquals(new Effort.ModelName("gemini-2.5-pro", Reasoning.budget(16384)),
                Effort.parseModel("gemini-2.5-pro(16384)"));
        assertEquals(new Effort.ModelName("claude-sonnet-4-5", null), Effort.parseModel("claude-sonnet-4-5"));
        assertEquals("gpt-5", Effort.parseModel("gpt-5(XHigh)").base());
        assertEquals("xhigh", Effort.parseModel("gpt-5(XHigh)").reasoning().level());
    }

    @Test
    void levelsAndBudgetsMapBothWays() {
        assertEquals(List.of(0, -1, 512, 1024, 8192, 24576, 32768, 128000),
                Effort.LEVELS.stream().map(Effort::budgetFor).toList());
        assertEquals("minimal", Effort.levelFor(512));
        assertEquals("low", Effort.levelFor(513 + 500));
        assertEquals("medium", Effort.levelFor(8192));
        assertEquals("high", Effort.levelFor(24576));
        assertEquals("xhigh", Effort.levelFor(24577));
        assertEquals("none", Effort.levelFor(0));
        assertEquals("auto", Effort.levelFor(-1));
    }

    @Test
    void budgetsAreClampedToTheModel() {
        assertEquals(new Effort("xhigh", 64000), Effort.resolve(Reasoning.budget(100000), CLAUDE_LIKE));
        assertEquals(new Effort("low", 1024), Effort.resolve(Reasoning.level("minimal"), CLAUDE_LIKE));
        // none where zero is not allowed -> the minimum budget
        assertEquals(128, Effort.resolve(Reasoning.level("none"), GEMINI_25).budget());
        // auto where dynamic is not allowed -> mid-range
        assertEquals((1024 + 64000) / 2, Effort.resolve(Reasoning.level("auto"), CLAUDE_LIKE).budget());
        assertEquals(-1, Effort.resolve(Reasoning.level("auto"), GEMINI_25).budget());
    }

    @Test
    void levelModelsRejectLevelsTheyLackButClampBudgets() {
        TranslationException e = assertThrows(TranslationException.class,
                () -> Effort.resolve(Reasoning.level("xhigh"), GPT5));
        assertEquals(400, e.error().status());
        assertTrue(e.error().message().contains("xhigh"));
        assertEquals("high", Effort.resolve(Reasoning.budget(64000), GPT5).level());
        assertEquals("minimal", Effort.resolve(Reasoning.level("none"), GPT5).level());
        assertEquals("low", Effort.resolve(Reasoning.level("auto"), GPT5).level());
    }

    @Test
    void unknownLevelIsA400AndModelsWithoutReasoningDropIt() {
        assertThrows(TranslationException.class, () -> Effort.resolve(Reasoning.level("turbo"), null));
        assertNull(Effort.resolve(Reasoning.level("high"), ThinkingCapability.NONE));
    }

    @Test
    void unsupportedSuffixLevelSurfacesFromRequestTranslation() {
        TranslateContext ctx = ctx().withReasoning(Reasoning.level("xhigh")).withThinking(GPT5);
        Translation t = Translators.find(ApiFormat.CLAUDE, ApiFormat.OPENAI_CHAT).orElseThrow();
        TranslationException e = assertThrows(TranslationException.class, () -> t.request(obj(
                "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), ctx));
        assertEquals("invalid_request_error", e.error().type());
    }

    @Test
    void claudeAdaptiveModelsGetAnEffortInsteadOfABudget() {
        ThinkingCapability adaptive = new ThinkingCapability(true, 1024, 64000, true, false, List.of(), true);
        ObjectNode out = Translators.find(ApiFormat.OPENAI_CHAT, ApiFormat.CLAUDE).orElseThrow().request(obj(
                "{\"model\":\"m\",\"reasoning_effort\":\"xhigh\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                ctx().withThinking(adaptive));
        assertEquals("adaptive", out.path("thinking").path("type").asText());
        assertEquals("max", out.path("output_config").path("effort").asText());
    }

    @Test
    void codexGetsMediumEffortByDefaultAndNoSamplingParameters() {
        ObjectNode out = Translators.find(ApiFormat.OPENAI_CHAT, ApiFormat.OPENAI_RESPONSES).orElseThrow().request(
                obj("{\"model\":\"m\",\"temperature\":0.3,\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                ctx().withCodex(true));
        assertEquals("medium", out.path("reasoning").path("effort").asText());
        assertFalse(out.has("temperature"));
        assertFalse(out.has("max_output_tokens"));
        assertTrue(out.path("stream").asBoolean());
        assertFalse(out.path("store").asBoolean(true));
        ObjectNode passthrough = CodexBody.normalize(obj("{\"model\":\"m\",\"input\":\"hi\",\"temperature\":1}"));
        assertEquals("[\"reasoning.encrypted_content\"]", Json.write(passthrough.get("include")));
        assertFalse(passthrough.has("temperature"));
    }

    // ------------------------------------------------------------------ tool ids and names

    @Test
    void toolIdsRoundTripBetweenClaudeOpenAiAndCodexWithinTheLimit() {
        String shortId = "toolu_01A09q90qw90lq917835lq9";
        assertEquals(shortId, ToolNames.shortId(shortId));
        String longId = "toolu_" + "x".repeat(80);
        String s = ToolNames.shortId(longId);
        assertEquals(64, s.length());
        assertEquals(s, ToolNames.shortId(longId), "deterministic so call and result match");
        assertTrue(ToolNames.claudeId("call.a:b", null).matches("^[a-zA-Z0-9_-]+$"));
        assertTrue(ToolNames.claudeId("", "seed").startsWith("toolu_"));
    }

    @Test
    void toolIdsSurviveAClaudeConversationOnCodex() {
        Translation t = Translators.find(ApiFormat.CLAUDE, ApiFormat.OPENAI_RESPONSES).orElseThrow();
        TranslateContext ctx = ctx().withCodex(true);
        // the upstream names a call; the Claude client sees the same id...
        ObjectNode answer = t.response(obj("{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[{\"type\":"
                + "\"function_call\",\"call_id\":\"call_Zx81\",\"name\":\"get_weather\",\"arguments\":\"{}\"}]}"), ctx);
        assertEquals("call_Zx81", answer.path("content").get(0).path("id").asText());
        // ...and sends it back with the result; a long client id is shortened the same way in call and result
        String longId = "toolu_" + "L".repeat(70);
        ObjectNode next = t.request(obj("{\"model\":\"m\",\"max_tokens\":9,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"call_Zx81\",\"name\":\"get_weather\",\"input\":{}},"
                + "{\"type\":\"tool_use\",\"id\":\"" + longId + "\",\"name\":\"get_weather\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"call_Zx81\",\"content\":\"ok\"},"
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"" + longId + "\",\"content\":\"ok\"}]}]}"), ctx);
        List<String> ids = new java.util.ArrayList<>();
        next.path("input").forEach(item -> {
            if (item.has("call_id")) {
                ids.add(item.path("call_id").asText());
            }
        });
        assertEquals(4, ids.size());
        assertEquals("call_Zx81", ids.get(0));
        assertEquals(ids.get(0), ids.get(2));
        assertEquals(ids.get(1), ids.get(3));
        assertEquals(64, ids.get(1).length());
    }

    @Test
    void codexFreeFormToolsRoundTripThroughClaude() {
        Translation t = Translators.find(ApiFormat.OPENAI_RESPONSES, ApiFormat.CLAUDE).orElseThrow();
        TranslateContext ctx = ctx();
        ObjectNode up = t.request(obj("{\"model\":\"m\",\"input\":\"fix it\",\"tools\":[{\"type\":\"custom\","
                + "\"name\":\"apply_patch\",\"description\":\"Apply a patch.\"}]}"), ctx);
        assertEquals("string", up.path("tools").get(0).path("input_schema").path("properties").path("input")
                .path("type").asText());
        String patch = "*** Begin Patch\n+\"quoted\"\n*** End Patch";
        // streamed: the free-form input arrives as JSON argument fragments and leaves as custom tool input
        StreamTranslator st = t.stream(ctx);
        List<SseEvent> out = new java.util.ArrayList<>();
        String args = Json.write(Json.object().put("input", patch));
        for (String data : List.of(
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":5}}}",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"apply_patch\",\"input\":{}}}",
                Json.write(Json.object().put("type", "content_block_delta").put("index", 0).set("delta",
                        Json.object().put("type", "input_json_delta").put("partial_json", args.substring(0, 15)))),
                Json.write(Json.object().put("type", "content_block_delta").put("index", 0).set("delta",
                        Json.object().put("type", "input_json_delta").put("partial_json", args.substring(15)))),
                "{\"type\":\"content_block_stop\",\"index\":0}",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}",
                "{\"type\":\"message_stop\"}")) {
            out.addAll(st.onEvent(new SseEvent(null, data)));
        }
        out.addAll(st.finish());
        JsonNode done = out.stream().filter(e -> "response.output_item.done".equals(e.event()))
                .map(e -> Json.parse(e.data()).path("item")).findFirst().orElseThrow();
        assertEquals("custom_tool_call", done.path("type").asText());
        assertEquals(patch, done.path("input").asText());
        assertEquals("toolu_1", done.path("call_id").asText());
        // not streamed
        ObjectNode answer = t.response(obj("{\"id\":\"msg_2\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_2\","
                + "\"name\":\"apply_patch\",\"input\":" + args + "}],\"stop_reason\":\"tool_use\"}"), ctx);
        assertEquals("custom_tool_call", answer.path("output").get(0).path("type").asText());
        assertEquals(patch, answer.path("output").get(0).path("input").asText());
    }

    @Test
    void longToolNamesAreShortenedUpAndRestoredDown() {
        String name = "mcp__a_very_long_server_name_that_goes_on_and_on__and_a_tool_name_that_is_long_too";
        TranslateContext ctx = ctx();
        ObjectNode up = Translators.find(ApiFormat.CLAUDE, ApiFormat.OPENAI_RESPONSES).orElseThrow().request(obj(
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"tools\":[{\"name\":\"" + name + "\",\"input_schema\":{\"type\":\"object\"}}]}"), ctx);
        String sent = up.path("tools").get(0).path("name").asText();
        assertTrue(sent.length() <= 64, sent);
        assertEquals("mcp__and_a_tool_name_that_is_long_too", sent);
        ObjectNode down = Translators.find(ApiFormat.CLAUDE, ApiFormat.OPENAI_RESPONSES).orElseThrow().response(obj(
                "{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[{\"type\":\"function_call\",\"call_id\":\"c1\","
                        + "\"name\":\"" + sent + "\",\"arguments\":\"{}\"}]}"), ctx);
        assertEquals(name, down.path("content").get(0).path("name").asText());
    }

    // ------------------------------------------------------------------ usage

    @Test
    void cachedAndReasoningTokensCrossEveryFormat() {
        Usage u = new Usage(1000, 300, 800, 50, 120);
        for (ApiFormat f : ApiFormat.values()) {
            Usage back = UsageMap.read(f, UsageMap.write(f, u));
            assertEquals(u.input(), back.input(), f.name());
            assertEquals(u.output(), back.output(), f.name());
            assertEquals(u.cacheRead(), back.cacheRead(), f.name());
        }
        ObjectNode claude = UsageMap.write(ApiFormat.CLAUDE, u);
        assertEquals(150, claude.path("input_tokens").asLong(), "Claude input excludes cache reads and writes");
        ObjectNode chat = UsageMap.write(ApiFormat.OPENAI_CHAT, UsageMap.read(ApiFormat.CLAUDE, claude));
        assertEquals(1000, chat.path("prompt_tokens").asLong());
        assertEquals(800, chat.path("prompt_tokens_details").path("cached_tokens").asLong());
        ObjectNode gemini = UsageMap.write(ApiFormat.GEMINI, u);
        assertEquals(180, gemini.path("candidatesTokenCount").asLong());
        assertEquals(120, gemini.path("thoughtsTokenCount").asLong());
    }

    // ------------------------------------------------------------------ errors

    @Test
    void upstreamErrorsBecomeNeutralAndRenderInTheClientsEnvelope() {
        UpstreamError claude = Errors.parse(ApiFormat.CLAUDE, 529,
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
        assertEquals(new UpstreamError(529, "overloaded_error", "Overloaded"), claude);
        UpstreamError gemini = Errors.parse(ApiFormat.GEMINI, 429,
                "{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}");
        assertEquals(new UpstreamError(429, "rate_limit_error", "Quota exceeded"), gemini);
        UpstreamError openai = Errors.parse(ApiFormat.OPENAI_CHAT, 401,
                "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
        assertEquals("authentication_error", openai.type(), "the status says more than OpenAI's type");
        UpstreamError html = Errors.parse(ApiFormat.OPENAI_RESPONSES, 502, "<html>Bad gateway</html>");
        assertEquals(new UpstreamError(502, "api_error", "<html>Bad gateway</html>"), html);
        assertEquals("upstream returned HTTP 500", Errors.parse(ApiFormat.CLAUDE, 500, "").message());

        JsonNode asGemini = Errors.render(ApiFormat.GEMINI, claude);
        assertEquals("UNAVAILABLE", asGemini.path("error").path("status").asText());
        assertEquals(529, asGemini.path("error").path("code").asInt());
        JsonNode asClaude = Errors.render(ApiFormat.CLAUDE, gemini);
        assertEquals("error", asClaude.path("type").asText());
        assertEquals("rate_limit_error", asClaude.path("error").path("type").asText());
        JsonNode asOpenAi = Errors.render(ApiFormat.OPENAI_CHAT, claude);
        assertEquals("Overloaded", asOpenAi.path("error").path("message").asText());
        assertEquals("error", Errors.streamEvent(ApiFormat.CLAUDE, claude).event());
    }

    // ------------------------------------------------------------------ token counting

    @Test
    void tokenCountRequestsGoWhereTheTargetCanCount() {
        ObjectNode claudeCount = obj("{\"model\":\"m\",\"system\":\"be brief\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}],\"tools\":[{\"name\":\"t\",\"input_schema\":{\"type\":\"object\"}}]}");
        Translation toGemini = Translators.find(ApiFormat.CLAUDE, ApiFormat.GEMINI).orElseThrow();
        ObjectNode req = toGemini.countTokensRequest(claudeCount, ctx()).orElseThrow();
        assertEquals("models/upstream-model", req.path("generateContentRequest").path("model").asText());
        assertEquals("hi", req.path("generateContentRequest").path("contents").get(0).path("parts").get(0)
                .path("text").asText());
        assertEquals(42, toGemini.countTokensResponse(obj("{\"totalTokens\":42}"), ctx()).path("input_tokens").asInt());

        ObjectNode geminiCount = obj("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");
        Translation toClaude = Translators.find(ApiFormat.GEMINI, ApiFormat.CLAUDE).orElseThrow();
        ObjectNode creq = toClaude.countTokensRequest(geminiCount, ctx()).orElseThrow();
        assertFalse(creq.has("max_tokens"));
        assertEquals("upstream-model", creq.path("model").asText());
        assertEquals(7, toClaude.countTokensResponse(obj("{\"input_tokens\":7}"), ctx()).path("totalTokens").asInt());

        assertTrue(Translators.find(ApiFormat.CLAUDE, ApiFormat.OPENAI_RESPONSES).orElseThrow()
                .countTokensRequest(claudeCount, ctx()).isEmpty(), "OpenAI upstreams cannot count");
    }

    // ------------------------------------------------------------------ table and framing

    @Test
    void tableHasTwelveDistinctPairsAndNoSameFormatEntries() {
        assertEquals(12, Translators.all().size());
        for (ApiFormat c : ApiFormat.values()) {
            assertTrue(Translators.find(c, c).isEmpty());
            for (ApiFormat u : ApiFormat.values()) {
                if (c != u) {
                    Translation t = Translators.find(c, u).orElseThrow();
                    assertEquals(c, t.client());
                    assertEquals(u, t.upstream());
                    assertFalse(t.lossy().isEmpty());
                }
            }
        }
    }

    @Test
    void sseFramingSplitsAcrossChunksAndWritesBack() {
        SseText p = new SseText();
        assertTrue(p.feed("event: message_start\ndata: {\"a\":").isEmpty());
        List<SseEvent> got = p.feed("1}\r\n\r\n: comment\ndata: [DONE]\n\n");
        assertEquals(List.of(new SseEvent("message_start", "{\"a\":1}"), new SseEvent(null, "[DONE]")), got);
        assertEquals("event: x\ndata: y\n\n", SseText.write(new SseEvent("x", "y")));
        assertEquals(List.of(new SseEvent(null, "tail")), SseText.parse("data: tail"));
        // a multi-byte character cut between two network reads
        byte[] bytes = "data: caf\u00e9 \ud83d\ude80\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        SseText bytesParser = new SseText();
        List<SseEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            events.addAll(bytesParser.feed(bytes, i, 1));
        }
        assertEquals(List.of(new SseEvent(null, "caf\u00e9 \ud83d\ude80")), events);
    }
}
