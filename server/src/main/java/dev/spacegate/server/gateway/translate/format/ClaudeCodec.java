package dev.spacegate.server.gateway.translate.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.gateway.translate.base.Effort;
import dev.spacegate.server.gateway.translate.base.Errors;
import dev.spacegate.server.gateway.translate.neutral.Json;
import dev.spacegate.server.gateway.translate.base.Signatures;
import dev.spacegate.server.gateway.translate.base.SseEvent;
import dev.spacegate.server.gateway.translate.base.ToolNames;
import dev.spacegate.server.gateway.translate.base.ThinkingCapability;
import dev.spacegate.server.gateway.translate.base.TranslateContext;
import dev.spacegate.server.gateway.translate.neutral.UpstreamError;
import dev.spacegate.server.gateway.translate.base.UsageMap;
import dev.spacegate.server.gateway.translate.neutral.BlockSink;
import dev.spacegate.server.gateway.translate.neutral.Conversation;
import dev.spacegate.server.gateway.translate.neutral.Message;
import dev.spacegate.server.gateway.translate.neutral.OutputFormat;
import dev.spacegate.server.gateway.translate.neutral.Part;
import dev.spacegate.server.gateway.translate.neutral.Reasoning;
import dev.spacegate.server.gateway.translate.neutral.Reply;
import dev.spacegate.server.gateway.translate.neutral.Role;
import dev.spacegate.server.gateway.translate.neutral.StopReason;
import dev.spacegate.server.gateway.translate.neutral.StreamEvent;
import dev.spacegate.server.gateway.translate.neutral.ToolChoice;
import dev.spacegate.server.gateway.translate.neutral.ToolDef;
import dev.spacegate.server.gateway.translate.neutral.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Anthropic Messages ({@code /v1/messages}).
 *
 * <p>Over 400 lines on purpose: one wire format's whole mapping (request, response and stream, both
 * directions) reads best in one place; its parts are nested classes.
 */
public final class ClaudeCodec implements Codec {
    static final ClaudeCodec INSTANCE = new ClaudeCodec();
    /** Used when the client gave no max_tokens (Claude requires one). */
    static final int DEFAULT_MAX_TOKENS = 8192;

    private ClaudeCodec() {
    }

    @Override
    public ApiFormat format() {
        return ApiFormat.CLAUDE;
    }

    // ---------------------------------------------------------------- request

    @Override
    public Conversation readRequest(ObjectNode body, TranslateContext ctx) {
        Conversation c = new Conversation();
        JsonNode system = body.get("system");
        if (system != null && system.isTextual()) {
            if (!system.asText().isEmpty()) {
                c.system.add(new Part.Text(system.asText()));
            }
        } else if (system != null) {
            for (JsonNode b : system) {
                c.system.add(new Part.Text(Json.text(b, "text", "")));
            }
        }
        for (JsonNode m : body.path("messages")) {
            Role role = "assistant".equals(Json.text(m, "role")) ? Role.ASSISTANT : Role.USER;
            c.add(role, blocks(m.get("content"), c));
        }
        readTools(body, c);
        readOptions(body, c);
        c.noteUnknown(body, KNOWN);
        return c;
    }

    private static void readTools(ObjectNode body, Conversation c) {
        for (JsonNode t : body.path("tools")) {
            String type = Json.text(t, "type");
            if (type != null && !type.equals("custom")) {
                c.dropped.add("tools[" + type + "]");
                continue;
            }
            c.tools.add(new ToolDef(Json.text(t, "name"), Json.text(t, "description"),
                    t.get("input_schema") instanceof ObjectNode o ? o : null, null));
        }
        JsonNode tc = body.get("tool_choice");
        if (tc != null && tc.isObject()) {
            c.toolChoice = switch (Json.text(tc, "type", "auto")) {
                case "any" -> ToolChoice.of(ToolChoice.Mode.REQUIRED);
                case "none" -> ToolChoice.of(ToolChoice.Mode.NONE);
                case "tool" -> new ToolChoice(ToolChoice.Mode.NAMED, Json.text(tc, "name"));
                default -> ToolChoice.of(ToolChoice.Mode.AUTO);
            };
            if (tc.path("disable_parallel_tool_use").asBoolean(false)) {
                c.parallelToolCalls = false;
            }
        }
    }

    /** Limits, sampling, thinking, output format, user. */
    private static void readOptions(ObjectNode body, Conversation c) {
        c.maxTokens = Json.integer(body, "max_tokens");
        c.temperature = Json.decimal(body, "temperature");
        c.topP = Json.decimal(body, "top_p");
        body.path("stop_sequences").forEach(s -> c.stop.add(s.asText()));
        JsonNode thinking = body.path("thinking");
        String effort = Json.text(body.path("output_config"), "effort");
        switch (Json.text(thinking, "type", "")) {
            case "enabled" -> c.reasoning = thinking.path("budget_tokens").isInt()
                    ? Reasoning.budget(thinking.get("budget_tokens").asInt()) : Reasoning.level("auto");
            case "disabled" -> c.reasoning = new Reasoning("none", null, false);
            case "adaptive" -> c.reasoning = Reasoning.level(effort != null ? effort : "xhigh");
            default -> {
                if (effort != null) {
                    c.reasoning = Reasoning.level(effort);
                }
            }
        }
        JsonNode format = body.has("output_format") ? body.get("output_format")
                : body.path("output_config").path("format");
        if ("json_schema".equals(Json.text(format, "type"))) {
            c.outputFormat = new OutputFormat(null, format.get("schema") instanceof ObjectNode o ? o : null, null);
        }
        c.user = Json.text(body.path("metadata"), "user_id");
    }

    private static final java.util.Set<String> KNOWN = java.util.Set.of("model", "system", "messages", "tools",
            "tool_choice", "max_tokens", "temperature", "top_p", "stop_sequences", "thinking", "output_config",
            "output_format", "metadata", "stream");

    private static List<Part> blocks(JsonNode content, Conversation c) {
        List<Part> parts = new ArrayList<>();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            parts.add(new Part.Text(content.asText()));
            return parts;
        }
        for (JsonNode b : content) {
            switch (Json.text(b, "type", "")) {
                case "text" -> parts.add(new Part.Text(Json.text(b, "text", "")));
                case "image" -> parts.add(image(b.path("source")));
                case "thinking" -> parts.add(new Part.Thinking(Json.text(b, "thinking", ""),
                        Json.text(b, "signature"), false));
                case "redacted_thinking" -> parts.add(new Part.Thinking("", Json.text(b, "data"), true));
                case "tool_use" -> parts.add(new Part.ToolCall(Json.text(b, "id"), Json.text(b, "name"),
                        b.has("input") ? Json.write(b.get("input")) : "{}"));
                case "tool_result" -> {
                    String id = Json.text(b, "tool_use_id");
                    List<Part> inner = blocks(b.get("content"), c);
                    parts.add(new Part.ToolResult(id, c.toolNameFor(id), inner,
                            b.path("is_error").asBoolean(false)));
                }
                default -> c.dropped.add("content[" + Json.text(b, "type") + "]");
            }
        }
        return parts;
    }

    private static Part.Image image(JsonNode source) {
        if ("base64".equals(Json.text(source, "type"))) {
            return new Part.Image(null, Json.text(source, "media_type"), Json.text(source, "data"));
        }
        return Part.Image.fromUrl(Json.text(source, "url"));
    }

    /**
     * Claude's settings for an effort: the {@code thinking} block (null: none), the adaptive
     * {@code output_config.effort} (or null), a {@code max_tokens} that leaves room for the budget, and whether
     * thinking is on.
     */
    private record Thinking(ObjectNode node, String outputEffort, int maxTokens, boolean on) {
    }

    private static Thinking thinking(Effort effort, ThinkingCapability cap, int maxTokens) {
        if (effort == null) {
            return new Thinking(null, null, maxTokens, false);
        }
        ObjectNode node = Json.object();
        if ("none".equals(effort.level())) {
            return new Thinking(node.put("type", "disabled"), null, maxTokens, false);
        }
        if (cap != null && cap.adaptive()) {
            return new Thinking(node.put("type", "adaptive"), effort.claudeLevel(), maxTokens, true);
        }
        int budget = effort.budget() < 0 ? Effort.budgetFor("high") : Math.max(1024, effort.budget());
        node.put("type", "enabled").put("budget_tokens", budget);
        // Claude rejects budgets that are not below max_tokens.
        return new Thinking(node, null, maxTokens <= budget ? budget + DEFAULT_MAX_TOKENS : maxTokens, true);
    }

    /** Writes an effort into a Claude request body as it is (a model-name suffix on same-format traffic). */
    public static void writeEffort(ObjectNode body, Effort effort, ThinkingCapability cap) {
        Thinking t = thinking(effort, cap, body.path("max_tokens").asInt(DEFAULT_MAX_TOKENS));
        if (t.node() == null) {
            return;
        }
        body.set("thinking", t.node());
        if (t.outputEffort() != null) {
            body.withObject("/output_config").put("effort", t.outputEffort());
        }
        body.put("max_tokens", t.maxTokens());
        if (t.on()) {
            // extended thinking only runs at the default sampling settings
            body.remove("temperature");
            body.remove("top_p");
        }
    }

    @Override
    public ObjectNode writeRequest(Conversation c, TranslateContext ctx) {
        ObjectNode body = Json.object();
        body.put("model", ctx.upstreamModel());
        Thinking planned = thinking(Codec.effort(c, ctx), ctx.thinking(),
                c.maxTokens != null ? c.maxTokens : DEFAULT_MAX_TOKENS);
        boolean thinking = planned.on();
        ObjectNode thinkingNode = planned.node();
        if (planned.outputEffort() != null) {
            body.putObject("output_config").put("effort", planned.outputEffort());
        }
        body.put("max_tokens", planned.maxTokens());
        if (!c.system.isEmpty()) {
            ArrayNode sys = body.putArray("system");
            c.system.forEach(t -> sys.addObject().put("type", "text").put("text", t.text()));
        }
        writeMessages(c, body.putArray("messages"));
        writeTools(c, body);
        if (!c.stop.isEmpty()) {
            ArrayNode stop = body.putArray("stop_sequences");
            c.stop.forEach(stop::add);
        }
        writeSampling(c, body, thinking);
        if (thinkingNode != null) {
            body.set("thinking", thinkingNode);
        }
        if (c.outputFormat != null) {
            if (c.outputFormat.schema() != null) {
                body.putObject("output_format").put("type", "json_schema").set("schema", c.outputFormat.schema());
            } else {
                c.dropped.add("response_format(json_object)");
            }
        }
        if (c.user != null) {
            body.putObject("metadata").put("user_id", c.user);
        }
        if (ctx.stream()) {
            body.put("stream", true);
        }
        return body;
    }

    /** The turns as Claude messages; consecutive turns of one role merge (Claude wants them alternating). */
    private static void writeMessages(Conversation c, ArrayNode messages) {
        for (Message m : c.messages) {
            ArrayNode content = Json.array();
            List<Part> ordered = new ArrayList<>(m.parts());
            // Claude wants tool results before anything else in a user turn.
            ordered.sort((a, b) -> Boolean.compare(!(a instanceof Part.ToolResult), !(b instanceof Part.ToolResult)));
            for (Part p : ordered) {
                ObjectNode block = block(p);
                if (block != null) {
                    content.add(block);
                }
            }
            if (content.isEmpty()) {
                continue;
            }
            if (!messages.isEmpty() && messages.get(messages.size() - 1).path("role").asText()
                    .equals(m.role() == Role.USER ? "user" : "assistant")) {
                ((ArrayNode) messages.get(messages.size() - 1).get("content")).addAll(content);
            } else {
                ObjectNode msg = messages.addObject();
                msg.put("role", m.role() == Role.USER ? "user" : "assistant");
                msg.set("content", content);
            }
        }
    }

    private static void writeTools(Conversation c, ObjectNode body) {
        if (!c.tools.isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDef t : c.tools) {
                ObjectNode tool = tools.addObject();
                tool.put("name", t.name());
                if (t.description() != null) {
                    tool.put("description", t.description());
                }
                tool.set("input_schema", t.parameters() != null ? t.parameters() : ChatCodec.emptySchema());
            }
        }
        if (c.toolChoice != null || Boolean.FALSE.equals(c.parallelToolCalls) && !c.tools.isEmpty()) {
            ToolChoice choice = c.toolChoice != null ? c.toolChoice : ToolChoice.of(ToolChoice.Mode.AUTO);
            ObjectNode tc = body.putObject("tool_choice");
            switch (choice.mode()) {
                case AUTO -> tc.put("type", "auto");
                case NONE -> tc.put("type", "none");
                case REQUIRED -> tc.put("type", "any");
                case NAMED -> tc.put("type", "tool").put("name", choice.name());
            }
            if (Boolean.FALSE.equals(c.parallelToolCalls) && choice.mode() != ToolChoice.Mode.NONE) {
                tc.put("disable_parallel_tool_use", true);
            }
        }
    }

    private static void writeSampling(Conversation c, ObjectNode body, boolean thinking) {
        if (thinking) {
            // Extended thinking only runs at the default sampling settings.
            if (c.temperature != null) {
                c.dropped.add("temperature");
            }
            if (c.topP != null) {
                c.dropped.add("top_p");
            }
        } else if (c.temperature != null) {
            body.put("temperature", c.temperature);
            if (c.topP != null) {
                c.dropped.add("top_p"); // recent Claude models refuse temperature and top_p together
            }
        } else if (c.topP != null) {
            body.put("top_p", c.topP);
        }
    }

    private static ObjectNode block(Part p) {
        return switch (p) {
            case Part.Text t -> t.text().isEmpty() ? null : Json.object().put("type", "text").put("text", t.text());
            case Part.Image img -> imageBlock(img);
            case Part.Thinking th -> {
                // Claude refuses thinking blocks without its own signature; others' reasoning is not replayed.
                String sig = Signatures.unwrap(ApiFormat.CLAUDE, th.signature());
                if (sig == null) {
                    yield null;
                }
                yield th.redacted() ? Json.object().put("type", "redacted_thinking").put("data", sig)
                        : Json.object().put("type", "thinking").put("thinking", th.text() == null ? "" : th.text())
                        .put("signature", sig);
            }
            case Part.ToolCall call -> {
                ObjectNode b = Json.object().put("type", "tool_use")
                        .put("id", ToolNames.claudeId(call.id(), call.name() + call.arguments()))
                        .put("name", call.name());
                b.set("input", argumentsObject(call.arguments()));
                yield b;
            }
            case Part.ToolResult r -> {
                ObjectNode b = Json.object().put("type", "tool_result")
                        .put("tool_use_id", ToolNames.claudeId(r.callId(), r.name()));
                boolean onlyText = r.content().stream().allMatch(x -> x instanceof Part.Text);
                if (onlyText) {
                    b.put("content", r.text());
                } else {
                    ArrayNode inner = b.putArray("content");
                    for (Part x : r.content()) {
                        ObjectNode ib = block(x);
                        if (ib != null) {
                            inner.add(ib);
                        }
                    }
                }
                if (r.error()) {
                    b.put("is_error", true);
                }
                yield b;
            }
        };
    }

    private static ObjectNode imageBlock(Part.Image img) {
        ObjectNode b = Json.object().put("type", "image");
        ObjectNode src = b.putObject("source");
        if (img.inline()) {
            src.put("type", "base64").put("media_type", img.mediaType() == null ? "image/png" : img.mediaType())
                    .put("data", img.data());
        } else {
            src.put("type", "url").put("url", img.url());
        }
        return b;
    }

    /** Tool arguments as a JSON object (Claude's tool_use.input); invalid JSON is kept as a string field. */
    static ObjectNode argumentsObject(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return Json.object();
        }
        ObjectNode o = Json.parseObject(arguments);
        return o != null ? o : Json.object().put("arguments", arguments);
    }

    // ---------------------------------------------------------------- response

    @Override
    public Reply readResponse(ObjectNode body, TranslateContext ctx) {
        List<Part> parts = new ArrayList<>();
        for (JsonNode b : body.path("content")) {
            switch (Json.text(b, "type", "")) {
                case "text" -> parts.add(new Part.Text(Json.text(b, "text", "")));
                case "thinking" -> parts.add(new Part.Thinking(Json.text(b, "thinking", ""),
                        Json.text(b, "signature"), false));
                case "redacted_thinking" -> parts.add(new Part.Thinking("", Json.text(b, "data"), true));
                case "tool_use" -> parts.add(new Part.ToolCall(Json.text(b, "id"),
                        ctx.toolNames().original(Json.text(b, "name")),
                        b.has("input") ? Json.write(b.get("input")) : "{}"));
                default -> {
                }
            }
        }
        return new Reply(Json.text(body, "id"), Json.text(body, "model"), parts,
                stopReason(Json.text(body, "stop_reason")), UsageMap.read(ApiFormat.CLAUDE, body.get("usage")));
    }

    static StopReason stopReason(String s) {
        if (s == null) {
            return StopReason.END_TURN;
        }
        return switch (s) {
            case "max_tokens", "model_context_window_exceeded" -> StopReason.MAX_TOKENS;
            case "tool_use" -> StopReason.TOOL_USE;
            case "stop_sequence" -> StopReason.STOP_SEQUENCE;
            case "refusal" -> StopReason.REFUSAL;
            default -> StopReason.END_TURN;
        };
    }

    static String stopName(StopReason r) {
        return switch (r) {
            case END_TURN -> "end_turn";
            case MAX_TOKENS -> "max_tokens";
            case TOOL_USE -> "tool_use";
            case STOP_SEQUENCE -> "stop_sequence";
            case REFUSAL -> "refusal";
        };
    }

    static String messageId(String id, TranslateContext ctx) {
        if (id == null) {
            return "msg_" + ctx.requestId();
        }
        return id.startsWith("msg_") ? id : "msg_" + id.replaceAll("[^a-zA-Z0-9_-]", "_");
    }

    @Override
    public ObjectNode writeResponse(Reply r, TranslateContext ctx) {
        ObjectNode body = Json.object();
        body.put("id", messageId(r.id(), ctx));
        body.put("type", "message");
        body.put("role", "assistant");
        body.put("model", ctx.clientModel());
        ArrayNode content = body.putArray("content");
        for (Part p : r.content()) {
            switch (p) {
                case Part.Text t -> {
                    JsonNode last = content.isEmpty() ? null : content.get(content.size() - 1);
                    if (last != null && "text".equals(Json.text(last, "type"))) {
                        ((ObjectNode) last).put("text", last.get("text").asText() + t.text());
                    } else {
                        content.addObject().put("type", "text").put("text", t.text());
                    }
                }
                case Part.Thinking th -> {
                    if (th.redacted()) {
                        content.addObject().put("type", "redacted_thinking").put("data", th.signature());
                    } else {
                        content.addObject().put("type", "thinking").put("thinking", th.text() == null ? "" : th.text())
                                .put("signature", th.signature() == null ? "" : th.signature());
                    }
                }
                case Part.ToolCall call -> content.addObject().put("type", "tool_use")
                        .put("id", ToolNames.claudeId(call.id(), call.name() + call.arguments()))
                        .put("name", call.name()).set("input", argumentsObject(call.arguments()));
                default -> {
                }
            }
        }
        body.put("stop_reason", stopName(r.stop()));
        body.putNull("stop_sequence");
        body.set("usage", UsageMap.write(ApiFormat.CLAUDE, r.usage()));
        return body;
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamDecoder decoder(TranslateContext ctx) {
        return new Decoder();
    }

    /** Claude SSE: message_start, content_block_start/delta/stop by index, message_delta, message_stop. */
    private static final class Decoder extends EventDecoder {
        private final java.util.Map<Integer, String> toolKeys = new java.util.HashMap<>();
        private StopReason stop;
        private Usage usage;

        @Override
        protected void onEvent(ObjectNode ev, SseEvent e, Consumer<StreamEvent> out) {
            String type = Json.text(ev, "type", e.event() == null ? "" : e.event());
            switch (type) {
                case "message_start" -> {
                    JsonNode m = ev.path("message");
                    usage = UsageMap.read(ApiFormat.CLAUDE, m.get("usage"));
                    out.accept(new StreamEvent.Started(Json.text(m, "id"), Json.text(m, "model"), usage));
                }
                case "content_block_start" -> blockStart(ev, out);
                case "content_block_delta" -> blockDelta(ev, out);
                case "content_block_stop" -> {
                    String key = toolKeys.remove(ev.path("index").asInt());
                    out.accept(key != null ? new StreamEvent.ToolCallEnd(key) : new StreamEvent.BlockEnd());
                }
                case "message_delta" -> {
                    String s = Json.text(ev.path("delta"), "stop_reason");
                    if (s != null) {
                        stop = stopReason(s);
                    }
                    Usage u = UsageMap.read(ApiFormat.CLAUDE, ev.get("usage"));
                    if (u != null) {
                        usage = usage == null ? u : usage.merge(u);
                    }
                }
                case "message_stop" -> end(out);
                case "error" -> fail(Errors.parse(ApiFormat.CLAUDE, 0, e.data()), out);
                default -> {
                    // ping
                }
            }
        }

        private void blockStart(ObjectNode ev, Consumer<StreamEvent> out) {
            JsonNode b = ev.path("content_block");
            int index = ev.path("index").asInt();
            switch (Json.text(b, "type", "")) {
                case "tool_use" -> {
                    String key = "claude-" + index;
                    toolKeys.put(index, key);
                    out.accept(new StreamEvent.ToolCallStart(key, Json.text(b, "id"), Json.text(b, "name")));
                    JsonNode input = b.get("input");
                    if (input != null && input.isObject() && !input.isEmpty()) {
                        out.accept(new StreamEvent.ToolCallDelta(key, Json.write(input)));
                    }
                }
                case "text" -> {
                    String t = Json.text(b, "text", "");
                    if (!t.isEmpty()) {
                        out.accept(new StreamEvent.TextDelta(t));
                    }
                }
                case "thinking" -> {
                    String t = Json.text(b, "thinking", "");
                    if (!t.isEmpty()) {
                        out.accept(new StreamEvent.ThinkingDelta(t));
                    }
                }
                case "redacted_thinking" -> out.accept(new StreamEvent.ThinkingSignature(Json.text(b, "data")));
                default -> {
                }
            }
        }

        private void blockDelta(ObjectNode ev, Consumer<StreamEvent> out) {
            JsonNode d = ev.path("delta");
            switch (Json.text(d, "type", "")) {
                case "text_delta" -> out.accept(new StreamEvent.TextDelta(Json.text(d, "text", "")));
                case "thinking_delta" -> out.accept(new StreamEvent.ThinkingDelta(Json.text(d, "thinking", "")));
                case "signature_delta" -> out.accept(new StreamEvent.ThinkingSignature(
                        Json.text(d, "signature", "")));
                case "input_json_delta" -> {
                    String key = toolKeys.get(ev.path("index").asInt());
                    String frag = Json.text(d, "partial_json", "");
                    if (key != null && !frag.isEmpty()) {
                        out.accept(new StreamEvent.ToolCallDelta(key, frag));
                    }
                }
                default -> {
                }
            }
        }

        @Override
        public void end(Consumer<StreamEvent> out) {
            finish(stop, usage, out);
        }
    }

    @Override
    public BlockSink encoder(TranslateContext ctx, List<SseEvent> out) {
        return new Encoder(ctx, out);
    }

    /** Claude's lifecycle: one open content block at a time, indices 0..n in order, nothing after message_stop. */
    private static final class Encoder implements BlockSink {
        private final TranslateContext ctx;
        private final List<SseEvent> out;
        private int index = -1;

        Encoder(TranslateContext ctx, List<SseEvent> out) {
            this.ctx = ctx;
            this.out = out;
        }

        private void emit(ObjectNode e) {
            out.add(new SseEvent(e.get("type").asText(), Json.write(e)));
        }

        private void startBlock(ObjectNode block) {
            index++;
            ObjectNode e = Json.object().put("type", "content_block_start").put("index", index);
            e.set("content_block", block);
            emit(e);
        }

        private void delta(ObjectNode delta) {
            ObjectNode e = Json.object().put("type", "content_block_delta").put("index", index);
            e.set("delta", delta);
            emit(e);
        }

        private void stopBlock() {
            emit(Json.object().put("type", "content_block_stop").put("index", index));
        }

        @Override
        public void start(String upstreamId, String model, Usage usage) {
            ObjectNode e = Json.object().put("type", "message_start");
            ObjectNode m = e.putObject("message");
            m.put("id", messageId(upstreamId, ctx));
            m.put("type", "message");
            m.put("role", "assistant");
            m.put("model", ctx.clientModel());
            m.putArray("content");
            m.putNull("stop_reason");
            m.putNull("stop_sequence");
            ObjectNode u = UsageMap.write(ApiFormat.CLAUDE, usage);
            u.put("output_tokens", 0);
            m.set("usage", u);
            emit(e);
        }

        @Override
        public void openText() {
            startBlock(Json.object().put("type", "text").put("text", ""));
        }

        @Override
        public void text(String d) {
            delta(Json.object().put("type", "text_delta").put("text", d));
        }

        @Override
        public void closeText() {
            stopBlock();
        }

        @Override
        public void openThinking() {
            startBlock(Json.object().put("type", "thinking").put("thinking", ""));
        }

        @Override
        public void thinking(String d) {
            delta(Json.object().put("type", "thinking_delta").put("thinking", d));
        }

        @Override
        public void signature(String signature) {
            delta(Json.object().put("type", "signature_delta").put("signature", signature));
        }

        @Override
        public void closeThinking() {
            stopBlock();
        }

        @Override
        public void openTool(String id, String name) {
            ObjectNode b = Json.object().put("type", "tool_use").put("id", ToolNames.claudeId(id, name + index))
                    .put("name", name);
            b.putObject("input");
            startBlock(b);
        }

        @Override
        public void toolArguments(String fragment) {
            delta(Json.object().put("type", "input_json_delta").put("partial_json", fragment));
        }

        @Override
        public void closeTool() {
            stopBlock();
        }

        @Override
        public void finish(StopReason reason, Usage usage) {
            ObjectNode e = Json.object().put("type", "message_delta");
            e.putObject("delta").put("stop_reason", stopName(reason)).putNull("stop_sequence");
            e.set("usage", UsageMap.write(ApiFormat.CLAUDE, usage));
            emit(e);
            emit(Json.object().put("type", "message_stop"));
        }

        @Override
        public void fail(UpstreamError error) {
            out.add(Errors.streamEvent(ApiFormat.CLAUDE, error));
        }
    }
}
