package dev.spacegate.server.gateway.translate.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.gateway.translate.base.Effort;
import dev.spacegate.server.gateway.translate.base.Errors;
import dev.spacegate.server.gateway.translate.neutral.Json;
import dev.spacegate.server.gateway.translate.base.SseEvent;
import dev.spacegate.server.gateway.translate.base.ToolNames;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * OpenAI Chat Completions ({@code /v1/chat/completions}).
 *
 * <p>Over 400 lines on purpose: one wire format's whole mapping (request, response and stream, both
 * directions) reads best in one place; its parts are nested classes.
 */
public final class ChatCodec implements Codec {
    static final ChatCodec INSTANCE = new ChatCodec();

    private ChatCodec() {
    }

    @Override
    public ApiFormat format() {
        return ApiFormat.OPENAI_CHAT;
    }

    // ---------------------------------------------------------------- request

    @Override
    public Conversation readRequest(ObjectNode body, TranslateContext ctx) {
        Conversation c = new Conversation();
        for (JsonNode m : body.path("messages")) {
            readMessage(m, c);
        }
        readTools(body, c);
        readOptions(body, c);
        c.noteUnknown(body, KNOWN);
        return c;
    }

    private static void readMessage(JsonNode m, Conversation c) {
        String role = Json.text(m, "role", "user");
        switch (role) {
            case "system", "developer" -> {
                for (Part p : content(m.get("content"))) {
                    if (p instanceof Part.Text t) {
                        c.system.add(t);
                    }
                }
            }
            case "assistant" -> c.add(Role.ASSISTANT, assistantParts(m, Json.text(m, "reasoning_content"), n -> n));
            case "tool", "function" -> {
                String id = Json.text(m, "tool_call_id", Json.text(m, "name"));
                String name = c.toolNameFor(id);
                c.add(Role.USER, List.of(new Part.ToolResult(id, name != null ? name : Json.text(m, "name"),
                        content(m.get("content")), false)));
            }
            default -> c.add(Role.USER, content(m.get("content")));
        }
    }

    private static void readTools(ObjectNode body, Conversation c) {
        for (JsonNode t : body.path("tools")) {
            JsonNode fn = t.path("function");
            if (!"function".equals(Json.text(t, "type", "function")) || !fn.isObject()) {
                c.dropped.add("tools[" + Json.text(t, "type") + "]");
                continue;
            }
            c.tools.add(new ToolDef(Json.text(fn, "name"), Json.text(fn, "description"),
                    fn.get("parameters") instanceof ObjectNode o ? o : null,
                    fn.path("strict").isBoolean() ? fn.get("strict").asBoolean() : null));
        }
        c.toolChoice = readToolChoice(body.get("tool_choice"));
        if (body.path("parallel_tool_calls").isBoolean()) {
            c.parallelToolCalls = body.get("parallel_tool_calls").asBoolean();
        }
    }

    /** Sampling, limits, reasoning effort, output format, user. */
    private static void readOptions(ObjectNode body, Conversation c) {
        c.maxTokens = Json.integer(body, "max_completion_tokens");
        if (c.maxTokens == null) {
            c.maxTokens = Json.integer(body, "max_tokens");
        }
        c.temperature = Json.decimal(body, "temperature");
        c.topP = Json.decimal(body, "top_p");
        JsonNode stop = body.get("stop");
        if (stop != null && stop.isTextual()) {
            c.stop.add(stop.asText());
        } else if (stop != null) {
            stop.forEach(s -> c.stop.add(s.asText()));
        }
        String effort = Json.text(body, "reasoning_effort");
        if (effort != null) {
            c.reasoning = Reasoning.level(effort);
        }
        JsonNode rf = body.path("response_format");
        if ("json_schema".equals(Json.text(rf, "type"))) {
            JsonNode js = rf.path("json_schema");
            c.outputFormat = new OutputFormat(Json.text(js, "name"), js.get("schema") instanceof ObjectNode o ? o : null,
                    js.path("strict").isBoolean() ? js.get("strict").asBoolean() : null);
        } else if ("json_object".equals(Json.text(rf, "type"))) {
            c.outputFormat = new OutputFormat(null, null, null);
        }
        c.user = Json.text(body, "user");
    }

    private static final java.util.Set<String> KNOWN = java.util.Set.of("model", "messages", "tools", "tool_choice",
            "parallel_tool_calls", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop",
            "reasoning_effort", "response_format", "user", "stream", "stream_options");

    static ToolChoice readToolChoice(JsonNode tc) {
        if (tc == null || tc.isNull()) {
            return null;
        }
        if (tc.isTextual()) {
            return switch (tc.asText()) {
                case "none" -> ToolChoice.of(ToolChoice.Mode.NONE);
                case "required" -> ToolChoice.of(ToolChoice.Mode.REQUIRED);
                default -> ToolChoice.of(ToolChoice.Mode.AUTO);
            };
        }
        String name = Json.text(tc.path("function"), "name");
        if (name == null) {
            name = Json.text(tc, "name");
        }
        return name == null ? ToolChoice.of(ToolChoice.Mode.AUTO) : new ToolChoice(ToolChoice.Mode.NAMED, name);
    }

    /** Message content: a string, or an array of text / image_url parts. */
    static List<Part> content(JsonNode content) {
        List<Part> parts = new ArrayList<>();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                parts.add(new Part.Text(content.asText()));
            }
            return parts;
        }
        for (JsonNode p : content) {
            String type = Json.text(p, "type", "text");
            switch (type) {
                case "text", "input_text", "output_text" -> parts.add(new Part.Text(Json.text(p, "text", "")));
                case "image_url" -> {
                    JsonNode iu = p.get("image_url");
                    parts.add(Part.Image.fromUrl(iu != null && iu.isTextual() ? iu.asText() : Json.text(iu, "url")));
                }
                case "input_image" -> parts.add(Part.Image.fromUrl(Json.text(p, "image_url")));
                case "refusal" -> parts.add(new Part.Text(Json.text(p, "refusal", "")));
                default -> {
                    // input_audio, file: no neutral form; dropped (documented as lossy)
                }
            }
        }
        return parts;
    }

    static String argumentsText(JsonNode args) {
        if (args == null || args.isNull()) {
            return "{}";
        }
        return args.isTextual() ? args.asText() : Json.write(args);
    }

    @Override
    public ObjectNode writeRequest(Conversation c, TranslateContext ctx) {
        ObjectNode body = Json.object();
        body.put("model", ctx.upstreamModel());
        ArrayNode messages = body.putArray("messages");
        if (!c.system.isEmpty()) {
            ObjectNode sys = messages.addObject();
            sys.put("role", "system");
            sys.put("content", joinText(c.system));
        }
        for (Message m : c.messages) {
            if (m.role() == Role.USER) {
                writeUserTurn(m, messages);
            } else if (m.parts().stream().anyMatch(p -> p instanceof Part.Text || p instanceof Part.ToolCall)) {
                // (an assistant turn holding only reasoning has nothing Chat Completions can carry)
                writeAssistantTurn(m, messages, ctx);
            }
        }
        writeTools(c, ctx, body);
        writeOptions(c, ctx, body);
        if (ctx.stream()) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        return body;
    }

    /** Tool results become {@code tool} messages, the rest one {@code user} message. */
    private static void writeUserTurn(Message m, ArrayNode messages) {
        List<Part> rest = new ArrayList<>();
        for (Part p : m.parts()) {
            if (p instanceof Part.ToolResult r) {
                ObjectNode tool = messages.addObject();
                tool.put("role", "tool");
                tool.put("tool_call_id", ToolNames.shortId(r.callId()));
                tool.put("content", r.text());
            } else {
                rest.add(p);
            }
        }
        if (!rest.isEmpty()) {
            ObjectNode user = messages.addObject();
            user.put("role", "user");
            writeContent(user, rest);
        }
    }

    private static void writeAssistantTurn(Message m, ArrayNode messages, TranslateContext ctx) {
        ObjectNode a = messages.addObject();
        a.put("role", "assistant");
        List<Part> text = new ArrayList<>();
        ArrayNode calls = null;
        for (Part p : m.parts()) {
            if (p instanceof Part.ToolCall call) {
                if (calls == null) {
                    calls = Json.array();
                }
                ObjectNode tc = calls.addObject();
                tc.put("id", ToolNames.shortId(call.id()));
                tc.put("type", "function");
                tc.putObject("function").put("name", ctx.toolNames().shorten(call.name()))
                        .put("arguments", call.arguments());
            } else if (p instanceof Part.Text) {
                text.add(p);
            }
        }
        if (text.isEmpty()) {
            a.putNull("content");
        } else {
            a.put("content", joinText(text));
        }
        if (calls != null) {
            a.set("tool_calls", calls);
        }
    }

    private static void writeTools(Conversation c, TranslateContext ctx, ObjectNode body) {
        if (!c.tools.isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDef t : c.tools) {
                writeFunction(tools.addObject().put("type", "function").putObject("function"), t, ctx);
            }
        }
        if (c.toolChoice != null) {
            body.set("tool_choice", writeToolChoice(c.toolChoice, ctx, false));
        }
        if (c.parallelToolCalls != null && !c.tools.isEmpty()) {
            body.put("parallel_tool_calls", c.parallelToolCalls);
        }
    }

    /** Limits, sampling, reasoning effort, output format, user. */
    private static void writeOptions(Conversation c, TranslateContext ctx, ObjectNode body) {
        Codec.writeSampling(c, body, "max_completion_tokens", "top_p", "stop");
        Effort effort = Codec.effort(c, ctx);
        if (effort != null) {
            body.put("reasoning_effort", effort.openAiLevel());
        }
        if (c.outputFormat != null) {
            ObjectNode rf = body.putObject("response_format");
            if (c.outputFormat.schema() == null) {
                rf.put("type", "json_object");
            } else {
                rf.put("type", "json_schema");
                ObjectNode js = rf.putObject("json_schema");
                js.put("name", c.outputFormat.name() == null ? "output" : c.outputFormat.name());
                js.set("schema", c.outputFormat.schema());
                if (c.outputFormat.strict() != null) {
                    js.put("strict", c.outputFormat.strict());
                }
            }
        }
        if (c.user != null) {
            body.put("user", c.user);
        }
    }

    /** A function tool's fields (Chat nests them in {@code function}, Responses has them flat). */
    static void writeFunction(ObjectNode fn, ToolDef t, TranslateContext ctx) {
        fn.put("name", ctx.toolNames().shorten(t.name()));
        if (t.description() != null) {
            fn.put("description", t.description());
        }
        fn.set("parameters", t.parameters() != null ? t.parameters() : emptySchema());
        if (t.strict() != null) {
            fn.put("strict", t.strict());
        }
    }

    static JsonNode writeToolChoice(ToolChoice tc, TranslateContext ctx, boolean flat) {
        return switch (tc.mode()) {
            case AUTO -> Json.MAPPER.getNodeFactory().textNode("auto");
            case NONE -> Json.MAPPER.getNodeFactory().textNode("none");
            case REQUIRED -> Json.MAPPER.getNodeFactory().textNode("required");
            case NAMED -> {
                ObjectNode o = Json.object().put("type", "function");
                String name = ctx.toolNames().shorten(tc.name());
                if (flat) {
                    o.put("name", name);
                } else {
                    o.putObject("function").put("name", name);
                }
                yield o;
            }
        };
    }

    static ObjectNode emptySchema() {
        ObjectNode s = Json.object().put("type", "object");
        s.putObject("properties");
        return s;
    }

    static String joinText(List<? extends Part> parts) {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Part.Text t) {
                if (!sb.isEmpty()) {
                    sb.append("\n\n");
                }
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    private static void writeContent(ObjectNode msg, List<Part> parts) {
        boolean onlyText = parts.stream().allMatch(p -> p instanceof Part.Text);
        if (onlyText && parts.size() == 1) {
            msg.put("content", ((Part.Text) parts.getFirst()).text());
            return;
        }
        ArrayNode arr = msg.putArray("content");
        for (Part p : parts) {
            if (p instanceof Part.Text t) {
                arr.addObject().put("type", "text").put("text", t.text());
            } else if (p instanceof Part.Image img) {
                arr.addObject().put("type", "image_url").putObject("image_url").put("url", img.asUrl());
            }
        }
    }

    // ---------------------------------------------------------------- response

    @Override
    public Reply readResponse(ObjectNode body, TranslateContext ctx) {
        JsonNode choice = body.path("choices").path(0);
        JsonNode msg = choice.path("message");
        List<Part> parts = assistantParts(msg, Json.text(msg, "reasoning_content", Json.text(msg, "reasoning")),
                ctx.toolNames()::original);
        StopReason stop = stopReason(Json.text(choice, "finish_reason"));
        if (Json.text(msg, "refusal") != null) {
            stop = StopReason.REFUSAL;
        }
        return new Reply(Json.text(body, "id"), Json.text(body, "model"), parts, stop,
                UsageMap.read(ApiFormat.OPENAI_CHAT, body.get("usage")));
    }

    /** An assistant message's parts: reasoning, content, refusal (as text), tool calls (names through toolName). */
    private static List<Part> assistantParts(JsonNode msg, String reasoning, UnaryOperator<String> toolName) {
        List<Part> parts = new ArrayList<>();
        if (reasoning != null && !reasoning.isEmpty()) {
            parts.add(new Part.Thinking(reasoning, null, false));
        }
        parts.addAll(content(msg.get("content")));
        String refusal = Json.text(msg, "refusal");
        if (refusal != null) {
            parts.add(new Part.Text(refusal));
        }
        for (JsonNode call : msg.path("tool_calls")) {
            JsonNode fn = call.path("function");
            parts.add(new Part.ToolCall(Json.text(call, "id"), toolName.apply(Json.text(fn, "name")),
                    argumentsText(fn.get("arguments"))));
        }
        return parts;
    }

    static StopReason stopReason(String finish) {
        if (finish == null) {
            return StopReason.END_TURN;
        }
        return switch (finish) {
            case "length" -> StopReason.MAX_TOKENS;
            case "tool_calls", "function_call" -> StopReason.TOOL_USE;
            case "content_filter" -> StopReason.REFUSAL;
            default -> StopReason.END_TURN;
        };
    }

    static String finishReason(StopReason r) {
        return switch (r) {
            case MAX_TOKENS -> "length";
            case TOOL_USE -> "tool_calls";
            case REFUSAL -> "content_filter";
            case END_TURN, STOP_SEQUENCE -> "stop";
        };
    }

    static String completionId(String id, TranslateContext ctx) {
        if (id == null) {
            return "chatcmpl-" + ctx.requestId();
        }
        return id.startsWith("chatcmpl") ? id : "chatcmpl-" + id;
    }

    @Override
    public ObjectNode writeResponse(Reply r, TranslateContext ctx) {
        ObjectNode body = Json.object();
        body.put("id", completionId(r.id(), ctx));
        body.put("object", "chat.completion");
        body.put("created", ctx.created());
        body.put("model", ctx.clientModel());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode msg = choice.putObject("message");
        msg.put("role", "assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode calls = Json.array();
        for (Part p : r.content()) {
            switch (p) {
                case Part.Text t -> text.append(t.text());
                case Part.Thinking th -> {
                    if (th.text() != null) {
                        reasoning.append(th.text());
                    }
                }
                case Part.ToolCall call -> {
                    ObjectNode tc = calls.addObject();
                    tc.put("id", call.id());
                    tc.put("type", "function");
                    tc.putObject("function").put("name", call.name()).put("arguments", call.arguments());
                }
                default -> {
                }
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            msg.putNull("content");
        } else {
            msg.put("content", text.toString());
        }
        msg.putNull("refusal");
        if (!reasoning.isEmpty()) {
            msg.put("reasoning_content", reasoning.toString());
        }
        if (!calls.isEmpty()) {
            msg.set("tool_calls", calls);
        }
        choice.put("finish_reason", finishReason(r.stop()));
        choice.putNull("logprobs");
        body.set("usage", UsageMap.write(ApiFormat.OPENAI_CHAT, r.usage()));
        return body;
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamDecoder decoder(TranslateContext ctx) {
        return new Decoder();
    }

    /** Chat chunks: deltas by choice 0, tool calls by index; finish and usage may come in separate chunks. */
    private static final class Decoder extends EventDecoder {
        private final Map<Integer, String> keys = new TreeMap<>();
        private Integer openIndex;
        private StopReason stop;
        private Usage usage;
        private boolean started;

        @Override
        protected void onText(SseEvent e, Consumer<StreamEvent> out) {
            if (e.data() != null && "[DONE]".equals(e.data().strip())) {
                end(out);
            }
        }

        @Override
        protected void onEvent(ObjectNode chunk, SseEvent e, Consumer<StreamEvent> out) {
            if (chunk.path("error").isObject()) {
                fail(Errors.parse(ApiFormat.OPENAI_CHAT, 0, e.data()), out);
                return;
            }
            if (!started) {
                started = true;
                out.accept(new StreamEvent.Started(Json.text(chunk, "id"), Json.text(chunk, "model"), null));
            }
            JsonNode choice = chunk.path("choices").path(0);
            JsonNode delta = choice.path("delta");
            String reasoning = Json.text(delta, "reasoning_content", Json.text(delta, "reasoning"));
            if (reasoning != null && !reasoning.isEmpty()) {
                out.accept(new StreamEvent.ThinkingDelta(reasoning));
            }
            String text = Json.text(delta, "content");
            if (text != null && !text.isEmpty()) {
                out.accept(new StreamEvent.TextDelta(text));
            }
            String refusal = Json.text(delta, "refusal");
            if (refusal != null && !refusal.isEmpty()) {
                out.accept(new StreamEvent.TextDelta(refusal));
                stop = StopReason.REFUSAL;
            }
            for (JsonNode tc : delta.path("tool_calls")) {
                int index = tc.path("index").asInt(keys.size());
                JsonNode fn = tc.path("function");
                if (!keys.containsKey(index)) {
                    if (openIndex != null) {
                        out.accept(new StreamEvent.ToolCallEnd(keys.get(openIndex)));
                    }
                    String key = "chat-" + index;
                    keys.put(index, key);
                    openIndex = index;
                    out.accept(new StreamEvent.ToolCallStart(key, Json.text(tc, "id"), Json.text(fn, "name")));
                }
                String args = Json.text(fn, "arguments");
                if (args != null && !args.isEmpty()) {
                    out.accept(new StreamEvent.ToolCallDelta(keys.get(index), args));
                }
            }
            String finish = Json.text(choice, "finish_reason");
            if (finish != null) {
                closeTool(out);
                if (stop == null) {
                    stop = stopReason(finish);
                }
            }
            Usage u = UsageMap.read(ApiFormat.OPENAI_CHAT, chunk.get("usage"));
            if (u != null) {
                usage = u;
            }
        }

        private void closeTool(Consumer<StreamEvent> out) {
            if (openIndex != null) {
                out.accept(new StreamEvent.ToolCallEnd(keys.get(openIndex)));
                openIndex = null;
            }
        }

        @Override
        public void end(Consumer<StreamEvent> out) {
            if (!done()) {
                closeTool(out);
                finish(stop, usage, out);
            }
        }
    }

    @Override
    public BlockSink encoder(TranslateContext ctx, List<SseEvent> out) {
        return new Encoder(ctx, out);
    }

    /** Writes {@code chat.completion.chunk}s; usage rides on the final chunk, then {@code [DONE]}. */
    private static final class Encoder implements BlockSink {
        private final TranslateContext ctx;
        private final List<SseEvent> out;
        private String id;
        private int toolIndex = -1;

        Encoder(TranslateContext ctx, List<SseEvent> out) {
            this.ctx = ctx;
            this.out = out;
        }

        private ObjectNode chunk() {
            ObjectNode c = Json.object();
            c.put("id", id);
            c.put("object", "chat.completion.chunk");
            c.put("created", ctx.created());
            c.put("model", ctx.clientModel());
            return c;
        }

        private void emit(ObjectNode delta, String finish) {
            ObjectNode c = chunk();
            ObjectNode choice = c.putArray("choices").addObject();
            choice.put("index", 0);
            choice.set("delta", delta);
            if (finish == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finish);
            }
            out.add(new SseEvent(null, Json.write(c)));
        }

        @Override
        public void start(String upstreamId, String model, Usage usage) {
            id = completionId(upstreamId, ctx);
            emit(Json.object().put("role", "assistant").put("content", ""), null);
        }

        @Override
        public void text(String delta) {
            emit(Json.object().put("content", delta), null);
        }

        @Override
        public void thinking(String delta) {
            emit(Json.object().put("reasoning_content", delta), null);
        }

        @Override
        public void signature(String signature) {
            // Chat Completions has no place for reasoning signatures (lossy, documented).
        }

        @Override
        public void openTool(String callId, String name) {
            toolIndex++;
            ObjectNode delta = Json.object();
            ObjectNode tc = delta.putArray("tool_calls").addObject();
            tc.put("index", toolIndex);
            tc.put("id", callId);
            tc.put("type", "function");
            tc.putObject("function").put("name", name).put("arguments", "");
            emit(delta, null);
        }

        @Override
        public void toolArguments(String fragment) {
            ObjectNode delta = Json.object();
            ObjectNode tc = delta.putArray("tool_calls").addObject();
            tc.put("index", toolIndex);
            tc.putObject("function").put("arguments", fragment);
            emit(delta, null);
        }

        @Override
        public void closeTool() {
        }

        @Override
        public void finish(StopReason reason, Usage usage) {
            ObjectNode c = chunk();
            ObjectNode choice = c.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putObject("delta");
            choice.put("finish_reason", finishReason(reason));
            if (usage != null) {
                c.set("usage", UsageMap.write(ApiFormat.OPENAI_CHAT, usage));
            }
            out.add(new SseEvent(null, Json.write(c)));
            out.add(new SseEvent(null, "[DONE]"));
        }

        @Override
        public void fail(UpstreamError error) {
            out.add(Errors.streamEvent(ApiFormat.OPENAI_CHAT, error));
            out.add(new SseEvent(null, "[DONE]"));
        }
    }
}
