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
import dev.spacegate.server.gateway.translate.neutral.ToolDef;
import dev.spacegate.server.gateway.translate.neutral.Usage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * OpenAI Responses ({@code /v1/responses}), and the ChatGPT Codex backend variant when {@code ctx.codex()}.
 *
 * <p>Over 400 lines on purpose: one wire format's whole mapping (request, response and stream, both
 * directions) reads best in one place; its parts are nested classes.
 */
public final class ResponsesCodec implements Codec {
    static final ResponsesCodec INSTANCE = new ResponsesCodec();

    private ResponsesCodec() {
    }

    @Override
    public ApiFormat format() {
        return ApiFormat.OPENAI_RESPONSES;
    }

    // ---------------------------------------------------------------- request

    @Override
    public Conversation readRequest(ObjectNode body, TranslateContext ctx) {
        Conversation c = new Conversation();
        String instructions = Json.text(body, "instructions");
        if (instructions != null && !instructions.isEmpty()) {
            c.system.add(new Part.Text(instructions));
        }
        JsonNode input = body.get("input");
        if (input != null && input.isTextual()) {
            c.add(Role.USER, List.of(new Part.Text(input.asText())));
        } else if (input != null) {
            for (JsonNode item : input) {
                readItem(c, item, ctx);
            }
        }
        for (JsonNode t : body.path("tools")) {
            if ("custom".equals(Json.text(t, "type"))) {
                ctx.toolNames().markCustom(Json.text(t, "name"));
                String description = Json.text(t, "description", "");
                JsonNode grammar = t.path("format").path("definition");
                if (grammar.isTextual()) {
                    description += "\n\nThe input must follow this grammar:\n" + grammar.asText();
                }
                c.tools.add(new ToolDef(Json.text(t, "name"), description, customSchema(), null));
                continue;
            }
            if (!"function".equals(Json.text(t, "type"))) {
                c.dropped.add("tools[" + Json.text(t, "type") + "]");
                continue;
            }
            c.tools.add(new ToolDef(Json.text(t, "name"), Json.text(t, "description"),
                    t.get("parameters") instanceof ObjectNode o ? o : null,
                    t.path("strict").isBoolean() ? t.get("strict").asBoolean() : null));
        }
        c.toolChoice = ChatCodec.readToolChoice(body.get("tool_choice"));
        if (body.path("parallel_tool_calls").isBoolean()) {
            c.parallelToolCalls = body.get("parallel_tool_calls").asBoolean();
        }
        c.maxTokens = Json.integer(body, "max_output_tokens");
        c.temperature = Json.decimal(body, "temperature");
        c.topP = Json.decimal(body, "top_p");
        JsonNode reasoning = body.path("reasoning");
        String effort = Json.text(reasoning, "effort");
        if (effort != null) {
            c.reasoning = new Reasoning(effort, null, Json.text(reasoning, "summary") != null);
        }
        JsonNode format = body.path("text").path("format");
        if ("json_schema".equals(Json.text(format, "type"))) {
            c.outputFormat = new OutputFormat(Json.text(format, "name"),
                    format.get("schema") instanceof ObjectNode o ? o : null,
                    format.path("strict").isBoolean() ? format.get("strict").asBoolean() : null);
        } else if ("json_object".equals(Json.text(format, "type"))) {
            c.outputFormat = new OutputFormat(null, null, null);
        }
        c.user = Json.text(body, "user");
        c.noteUnknown(body, KNOWN);
        return c;
    }

    private static final java.util.Set<String> KNOWN = java.util.Set.of("model", "instructions", "input", "tools",
            "tool_choice", "parallel_tool_calls", "max_output_tokens", "temperature", "top_p", "reasoning", "text",
            "user", "stream", "store", "include");

    /** A free-form custom tool becomes a function taking its text as {@code input}. */
    static final String CUSTOM_INPUT = "input";

    private static ObjectNode customSchema() {
        ObjectNode s = Json.object().put("type", "object");
        s.putObject("properties").putObject(CUSTOM_INPUT).put("type", "string");
        s.putArray("required").add(CUSTOM_INPUT);
        return s;
    }

    private static void readItem(Conversation c, JsonNode item, TranslateContext ctx) {
        String type = Json.text(item, "type", "message");
        switch (type) {
            case "message" -> {
                String role = Json.text(item, "role", "user");
                List<Part> parts = ChatCodec.content(item.get("content"));
                switch (role) {
                    case "system", "developer" -> parts.stream().filter(p -> p instanceof Part.Text)
                            .forEach(p -> c.system.add((Part.Text) p));
                    case "assistant" -> c.add(Role.ASSISTANT, parts);
                    default -> c.add(Role.USER, parts);
                }
            }
            case "function_call" -> c.add(Role.ASSISTANT, List.of(new Part.ToolCall(Json.text(item, "call_id"),
                    Json.text(item, "name"), ChatCodec.argumentsText(item.get("arguments")))));
            case "custom_tool_call" -> {
                ctx.toolNames().markCustom(Json.text(item, "name"));
                c.add(Role.ASSISTANT, List.of(new Part.ToolCall(Json.text(item, "call_id"), Json.text(item, "name"),
                        Json.write(Json.object().put(CUSTOM_INPUT, Json.text(item, "input", ""))))));
            }
            case "function_call_output", "custom_tool_call_output" -> {
                String id = Json.text(item, "call_id");
                JsonNode output = item.get("output");
                List<Part> content = new ArrayList<>();
                if (output != null && output.isTextual()) {
                    content.add(new Part.Text(output.asText()));
                } else if (output != null) {
                    content.addAll(ChatCodec.content(output));
                }
                c.add(Role.USER, List.of(new Part.ToolResult(id, c.toolNameFor(id), content, false)));
            }
            case "reasoning" -> {
                StringBuilder text = new StringBuilder();
                for (JsonNode s : item.path("summary")) {
                    if (!text.isEmpty()) {
                        text.append("\n\n");
                    }
                    text.append(Json.text(s, "text", ""));
                }
                c.add(Role.ASSISTANT, List.of(new Part.Thinking(text.toString(),
                        Json.text(item, "encrypted_content"), false)));
            }
            default -> c.dropped.add("input[" + type + "]");
        }
    }

    @Override
    public ObjectNode writeRequest(Conversation c, TranslateContext ctx) {
        ObjectNode body = Json.object();
        body.put("model", ctx.upstreamModel());
        ArrayNode input = Json.array();
        if (ctx.codex()) {
            // The Codex backend reserves instructions for its own prompt; system text goes in as developer input.
            body.put("instructions", "");
            for (Part.Text t : c.system) {
                ObjectNode dev = input.addObject().put("type", "message").put("role", "developer");
                dev.putArray("content").addObject().put("type", "input_text").put("text", t.text());
            }
        } else if (!c.system.isEmpty()) {
            body.put("instructions", ChatCodec.joinText(c.system));
        }
        for (Message m : c.messages) {
            writeMessage(input, m, ctx);
        }
        body.set("input", input);
        writeTools(c, ctx, body);
        writeOptions(c, ctx, body);
        if (ctx.codex()) {
            body.put("stream", true);
            body.put("store", false);
            body.putArray("include").add("reasoning.encrypted_content");
        } else {
            if (c.user != null) {
                body.put("user", c.user);
            }
            if (ctx.stream()) {
                body.put("stream", true);
            }
        }
        return body;
    }

    private static void writeTools(Conversation c, TranslateContext ctx, ObjectNode body) {
        if (!c.tools.isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDef t : c.tools) {
                ChatCodec.writeFunction(tools.addObject().put("type", "function"), t, ctx);
            }
        }
        if (c.toolChoice != null) {
            body.set("tool_choice", ChatCodec.writeToolChoice(c.toolChoice, ctx, true));
        }
        if (ctx.codex()) {
            body.put("parallel_tool_calls", c.parallelToolCalls == null || c.parallelToolCalls);
        } else if (c.parallelToolCalls != null && !c.tools.isEmpty()) {
            body.put("parallel_tool_calls", c.parallelToolCalls);
        }
    }

    /** Limits and sampling (not for Codex), reasoning, output format. */
    private static void writeOptions(Conversation c, TranslateContext ctx, ObjectNode body) {
        if (!ctx.codex()) {
            // The Codex backend rejects sampling and length parameters; a plain Responses upstream takes them.
            if (c.maxTokens != null) {
                body.put("max_output_tokens", c.maxTokens);
            }
            if (c.temperature != null) {
                body.put("temperature", c.temperature);
            }
            if (c.topP != null) {
                body.put("top_p", c.topP);
            }
        }
        if (!c.stop.isEmpty()) {
            c.dropped.add("stop"); // the Responses API has no stop sequences
        }
        Effort effort = Codec.effort(c, ctx);
        if (effort != null || ctx.codex()) {
            ObjectNode reasoning = body.putObject("reasoning");
            reasoning.put("effort", effort == null ? "medium" : effort.openAiLevel());
            Reasoning asked = ctx.reasoning() != null ? ctx.reasoning() : c.reasoning;
            if (asked != null && asked.includeThoughts() && (effort == null || !"none".equals(effort.level()))) {
                reasoning.put("summary", "auto");
            }
        }
        if (c.outputFormat != null) {
            ObjectNode format = body.putObject("text").putObject("format");
            if (c.outputFormat.schema() == null) {
                format.put("type", "json_object");
            } else {
                format.put("type", "json_schema");
                format.put("name", c.outputFormat.name() == null ? "output" : c.outputFormat.name());
                format.set("schema", c.outputFormat.schema());
                if (c.outputFormat.strict() != null) {
                    format.put("strict", c.outputFormat.strict());
                }
            }
        }
    }

    private static void writeMessage(ArrayNode input, Message m, TranslateContext ctx) {
        ArrayNode content = null;
        for (Part p : m.parts()) {
            switch (p) {
                case Part.Text t -> {
                    if (content == null) {
                        ObjectNode msg = input.addObject().put("type", "message")
                                .put("role", m.role() == Role.USER ? "user" : "assistant");
                        content = msg.putArray("content");
                    }
                    content.addObject().put("type", m.role() == Role.USER ? "input_text" : "output_text")
                            .put("text", t.text());
                }
                case Part.Image img -> {
                    if (content == null || m.role() != Role.USER) {
                        content = input.addObject().put("type", "message").put("role", "user").putArray("content");
                    }
                    content.addObject().put("type", "input_image").put("image_url", img.asUrl());
                }
                case Part.Thinking th -> {
                    content = null;
                    String sig = Signatures.unwrap(ApiFormat.OPENAI_RESPONSES, th.signature());
                    if (sig == null || th.redacted()) {
                        continue; // reasoning without OpenAI's encrypted form cannot be replayed
                    }
                    ObjectNode r = input.addObject().put("type", "reasoning");
                    ArrayNode summary = r.putArray("summary");
                    if (th.text() != null && !th.text().isEmpty()) {
                        summary.addObject().put("type", "summary_text").put("text", th.text());
                    }
                    r.put("encrypted_content", sig);
                }
                case Part.ToolCall call -> {
                    content = null;
                    input.addObject().put("type", "function_call").put("call_id", ToolNames.shortId(call.id()))
                            .put("name", ctx.toolNames().shorten(call.name())).put("arguments", call.arguments());
                }
                case Part.ToolResult r -> {
                    content = null;
                    ObjectNode out = input.addObject().put("type", "function_call_output")
                            .put("call_id", ToolNames.shortId(r.callId()));
                    boolean images = r.content().stream().anyMatch(x -> x instanceof Part.Image);
                    if (images) {
                        ArrayNode arr = out.putArray("output");
                        for (Part x : r.content()) {
                            if (x instanceof Part.Text t) {
                                arr.addObject().put("type", "input_text").put("text", t.text());
                            } else if (x instanceof Part.Image img) {
                                arr.addObject().put("type", "input_image").put("image_url", img.asUrl());
                            }
                        }
                    } else {
                        out.put("output", r.text());
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- response

    @Override
    public Reply readResponse(ObjectNode body, TranslateContext ctx) {
        JsonNode resp = body.has("response") && !body.has("output") ? body.path("response") : body;
        List<Part> parts = new ArrayList<>();
        boolean refusal = false;
        for (JsonNode item : resp.path("output")) {
            switch (Json.text(item, "type", "")) {
                case "message" -> {
                    for (JsonNode c : item.path("content")) {
                        if ("refusal".equals(Json.text(c, "type"))) {
                            refusal = true;
                            parts.add(new Part.Text(Json.text(c, "refusal", "")));
                        } else {
                            parts.add(new Part.Text(Json.text(c, "text", "")));
                        }
                    }
                }
                case "reasoning" -> parts.add(new Part.Thinking(summaryText(item),
                        Json.text(item, "encrypted_content"), false));
                case "function_call" -> parts.add(new Part.ToolCall(Json.text(item, "call_id"),
                        ctx.toolNames().original(Json.text(item, "name")),
                        ChatCodec.argumentsText(item.get("arguments"))));
                case "custom_tool_call" -> {
                    ctx.toolNames().markCustom(Json.text(item, "name"));
                    parts.add(new Part.ToolCall(Json.text(item, "call_id"), Json.text(item, "name"),
                            Json.write(Json.object().put(CUSTOM_INPUT, Json.text(item, "input", "")))));
                }
                default -> {
                }
            }
        }
        StopReason stop = stopReason(resp, parts);
        if (refusal) {
            stop = StopReason.REFUSAL;
        }
        return new Reply(Json.text(resp, "id"), Json.text(resp, "model"), parts, stop,
                UsageMap.read(ApiFormat.OPENAI_RESPONSES, resp.get("usage")));
    }

    private static String summaryText(JsonNode item) {
        StringBuilder text = new StringBuilder();
        for (JsonNode s : item.path("summary")) {
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            text.append(Json.text(s, "text", ""));
        }
        if (text.isEmpty()) {
            for (JsonNode s : item.path("content")) {
                text.append(Json.text(s, "text", ""));
            }
        }
        return text.toString();
    }

    private static StopReason stopReason(JsonNode resp, List<Part> parts) {
        if ("incomplete".equals(Json.text(resp, "status"))) {
            String why = Json.text(resp.path("incomplete_details"), "reason", "");
            return why.equals("content_filter") ? StopReason.REFUSAL : StopReason.MAX_TOKENS;
        }
        return parts.stream().anyMatch(p -> p instanceof Part.ToolCall) ? StopReason.TOOL_USE : StopReason.END_TURN;
    }

    static String responseId(String id, TranslateContext ctx) {
        if (id == null) {
            return "resp_" + ctx.requestId();
        }
        return id.startsWith("resp_") ? id : "resp_" + id;
    }

    @Override
    public ObjectNode writeResponse(Reply r, TranslateContext ctx) {
        ObjectNode body = envelope(responseId(r.id(), ctx), ctx, r.stop() == StopReason.MAX_TOKENS
                || r.stop() == StopReason.REFUSAL ? "incomplete" : "completed", r.stop());
        ArrayNode output = body.putArray("output");
        int index = 0;
        ObjectNode message = null;
        for (Part p : r.content()) {
            switch (p) {
                case Part.Text t -> {
                    if (message == null) {
                        message = messageItem(itemId("msg", ctx, index++));
                        output.add(message);
                    }
                    ArrayNode content = (ArrayNode) message.get("content");
                    if (content.isEmpty()) {
                        content.add(textPart(t.text()));
                    } else {
                        ObjectNode last = (ObjectNode) content.get(0);
                        last.put("text", last.get("text").asText() + t.text());
                    }
                }
                case Part.Thinking th -> {
                    message = null;
                    output.add(reasoningItem(itemId("rs", ctx, index++), th.text(), th.signature()));
                }
                case Part.ToolCall call -> {
                    message = null;
                    output.add(ctx.toolNames().isCustom(call.name())
                            ? customItem(itemId("ctc", ctx, index++), call.id(), call.name(),
                            customInput(call.arguments()), "completed")
                            : callItem(itemId("fc", ctx, index++), call.id(), call.name(), call.arguments(),
                            "completed"));
                }
                default -> {
                }
            }
        }
        body.set("usage", UsageMap.write(ApiFormat.OPENAI_RESPONSES, r.usage()));
        return body;
    }

    static ObjectNode envelope(String id, TranslateContext ctx, String status, StopReason stop) {
        ObjectNode body = Json.object();
        body.put("id", id);
        body.put("object", "response");
        body.put("created_at", ctx.created());
        body.put("status", status);
        body.putNull("error");
        if ("incomplete".equals(status)) {
            body.putObject("incomplete_details").put("reason",
                    stop == StopReason.REFUSAL ? "content_filter" : "max_output_tokens");
        } else {
            body.putNull("incomplete_details");
        }
        body.putNull("instructions");
        body.putNull("metadata");
        body.put("model", ctx.clientModel());
        body.putArray("output");
        body.put("parallel_tool_calls", true);
        body.putArray("tools");
        body.put("tool_choice", "auto");
        body.putNull("temperature");
        body.putNull("top_p");
        return body;
    }

    static String itemId(String prefix, TranslateContext ctx, int index) {
        return prefix + "_" + ctx.requestId() + "_" + index;
    }

    static ObjectNode textPart(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    static ObjectNode messageItem(String id) {
        ObjectNode item = Json.object().put("id", id).put("type", "message").put("status", "completed")
                .put("role", "assistant");
        item.putArray("content");
        return item;
    }

    static ObjectNode reasoningItem(String id, String text, String signature) {
        ObjectNode item = Json.object().put("id", id).put("type", "reasoning");
        ArrayNode summary = item.putArray("summary");
        if (text != null && !text.isEmpty()) {
            summary.addObject().put("type", "summary_text").put("text", text);
        }
        if (signature != null) {
            item.put("encrypted_content", signature);
        }
        return item;
    }

    static ObjectNode customItem(String id, String callId, String name, String input, String status) {
        return Json.object().put("id", id).put("type", "custom_tool_call").put("status", status)
                .put("call_id", callId).put("name", name).put("input", input);
    }

    /** The free-form text of a custom tool call from the function arguments the upstream produced. */
    static String customInput(String arguments) {
        ObjectNode o = Json.parseObject(arguments);
        if (o == null) {
            return arguments == null ? "" : arguments;
        }
        JsonNode v = o.get(CUSTOM_INPUT);
        return v == null ? arguments : v.isTextual() ? v.asText() : Json.write(v);
    }

    static ObjectNode callItem(String id, String callId, String name, String args, String status) {
        return Json.object().put("id", id).put("type", "function_call").put("status", status)
                .put("arguments", args).put("call_id", callId).put("name", name);
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamDecoder decoder(TranslateContext ctx) {
        return new Decoder(ctx);
    }

    /** Responses events, keyed by item id; tolerates upstreams that send only {@code output_item.done}. */
    private static final class Decoder extends EventDecoder {
        private final Set<String> started = new HashSet<>();
        private final Set<String> withDeltas = new HashSet<>();
        private final Set<String> ended = new HashSet<>();
        private final TranslateContext ctx;

        Decoder(TranslateContext ctx) {
            this.ctx = ctx;
        }

        /** Custom tool input streams as raw text; it is carried as the JSON arguments {"input": "..."}. */
        private static String quoted(String raw) {
            return new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(raw));
        }

        @Override
        protected void onEvent(ObjectNode ev, SseEvent e, Consumer<StreamEvent> out) {
            String type = Json.text(ev, "type", e.event() == null ? "" : e.event());
            switch (type) {
                case "response.created" -> {
                    JsonNode r = ev.path("response");
                    out.accept(new StreamEvent.Started(Json.text(r, "id"), Json.text(r, "model"), null));
                }
                case "response.output_item.added" -> itemAdded(ev, out);
                case "response.output_text.delta", "response.refusal.delta" -> {
                    withDeltas.add(Json.text(ev, "item_id", ""));
                    out.accept(new StreamEvent.TextDelta(Json.text(ev, "delta", "")));
                }
                case "response.reasoning_summary_text.delta", "response.reasoning_text.delta" -> {
                    withDeltas.add(Json.text(ev, "item_id", ""));
                    out.accept(new StreamEvent.ThinkingDelta(Json.text(ev, "delta", "")));
                }
                case "response.reasoning_summary_part.added" -> {
                    if (ev.path("summary_index").asInt(0) > 0) {
                        out.accept(new StreamEvent.ThinkingDelta("\n\n"));
                    }
                }
                case "response.function_call_arguments.delta" -> {
                    String key = Json.text(ev, "item_id", String.valueOf(ev.path("output_index").asInt()));
                    withDeltas.add(key);
                    out.accept(new StreamEvent.ToolCallDelta(key, Json.text(ev, "delta", "")));
                }
                case "response.custom_tool_call_input.delta" -> {
                    String key = Json.text(ev, "item_id", String.valueOf(ev.path("output_index").asInt()));
                    withDeltas.add(key);
                    out.accept(new StreamEvent.ToolCallDelta(key, quoted(Json.text(ev, "delta", ""))));
                }
                case "response.output_item.done" -> itemDone(ev, out);
                case "response.completed", "response.incomplete" -> completed(ev, type, out);
                case "response.failed", "error" -> failed(ev, type, out);
                default -> {
                    // in_progress, content_part.*, *.done duplicates: nothing new for the client
                }
            }
        }

        private void itemAdded(ObjectNode ev, Consumer<StreamEvent> out) {
            JsonNode item = ev.path("item");
            if ("custom_tool_call".equals(Json.text(item, "type"))) {
                String key = key(ev, item);
                started.add(key);
                ctx.toolNames().markCustom(Json.text(item, "name"));
                out.accept(new StreamEvent.ToolCallStart(key, Json.text(item, "call_id"), Json.text(item, "name")));
                out.accept(new StreamEvent.ToolCallDelta(key, "{\"" + CUSTOM_INPUT + "\":\""));
            }
            if ("function_call".equals(Json.text(item, "type"))) {
                String key = key(ev, item);
                started.add(key);
                out.accept(new StreamEvent.ToolCallStart(key, Json.text(item, "call_id"), Json.text(item, "name")));
                String args = Json.text(item, "arguments");
                if (args != null && !args.isEmpty()) {
                    withDeltas.add(key);
                    out.accept(new StreamEvent.ToolCallDelta(key, args));
                }
            }
        }

        private void completed(ObjectNode ev, String type, Consumer<StreamEvent> out) {
            JsonNode r = ev.path("response");
            StopReason stop = StopReason.END_TURN;
            if ("incomplete".equals(Json.text(r, "status")) || type.equals("response.incomplete")) {
                String why = Json.text(r.path("incomplete_details"), "reason", "");
                stop = why.equals("content_filter") ? StopReason.REFUSAL : StopReason.MAX_TOKENS;
            }
            finish(stop, UsageMap.read(ApiFormat.OPENAI_RESPONSES, r.get("usage")), out);
        }

        /** {@code response.failed} (the response's error) or a bare {@code error} event. */
        private void failed(ObjectNode ev, String type, Consumer<StreamEvent> out) {
            if (type.equals("response.failed")) {
                JsonNode err = ev.path("response").path("error");
                fail(new UpstreamError(502, "api_error", Json.text(err, "message", "upstream response failed")), out);
                return;
            }
            JsonNode err = ev.has("error") ? ev.get("error") : ev;
            String code = Json.text(err, "code", Json.text(err, "type"));
            fail(new UpstreamError(502, code != null && code.contains("rate_limit") ? "rate_limit_error"
                    : "api_error", Json.text(err, "message", "upstream error")), out);
        }

        private static String key(JsonNode ev, JsonNode item) {
            String id = Json.text(item, "id");
            return id != null ? id : String.valueOf(ev.path("output_index").asInt());
        }

        private void itemDone(JsonNode ev, Consumer<StreamEvent> out) {
            JsonNode item = ev.path("item");
            String key = key(ev, item);
            switch (Json.text(item, "type", "")) {
                case "custom_tool_call" -> callDone(key, item, true, out);
                case "function_call" -> callDone(key, item, false, out);
                case "reasoning" -> {
                    if (!withDeltas.contains(key)) {
                        String text = summaryText(item);
                        if (!text.isEmpty()) {
                            out.accept(new StreamEvent.ThinkingDelta(text));
                        }
                    }
                    String enc = Json.text(item, "encrypted_content");
                    out.accept(enc != null ? new StreamEvent.ThinkingSignature(enc) : new StreamEvent.BlockEnd());
                }
                case "message" -> {
                    if (!withDeltas.contains(key)) {
                        for (JsonNode c : item.path("content")) {
                            String t = Json.text(c, "text", Json.text(c, "refusal", ""));
                            if (!t.isEmpty()) {
                                out.accept(new StreamEvent.TextDelta(t));
                            }
                        }
                    }
                    out.accept(new StreamEvent.BlockEnd());
                }
                default -> {
                }
            }
        }

        /** A finished call: started and filled here when the upstream sent no earlier events for it. */
        private void callDone(String key, JsonNode item, boolean custom, Consumer<StreamEvent> out) {
            if (!ended.add(key)) {
                return;
            }
            if (started.add(key)) {
                if (custom) {
                    ctx.toolNames().markCustom(Json.text(item, "name"));
                }
                out.accept(new StreamEvent.ToolCallStart(key, Json.text(item, "call_id"), Json.text(item, "name")));
                if (custom) {
                    out.accept(new StreamEvent.ToolCallDelta(key, "{\"" + CUSTOM_INPUT + "\":\""));
                }
            }
            if (!withDeltas.contains(key)) {
                out.accept(new StreamEvent.ToolCallDelta(key, custom ? quoted(Json.text(item, "input", ""))
                        : Json.text(item, "arguments", "{}")));
            }
            if (custom) {
                out.accept(new StreamEvent.ToolCallDelta(key, "\"}"));
            }
            out.accept(new StreamEvent.ToolCallEnd(key));
        }

        @Override
        public void end(Consumer<StreamEvent> out) {
            finish(StopReason.END_TURN, null, out);
        }
    }

    @Override
    public BlockSink encoder(TranslateContext ctx, List<SseEvent> out) {
        return new Encoder(ctx, out);
    }

    /** Writes the Responses event lifecycle with contiguous output indices and a full final response. */
    private static final class Encoder implements BlockSink {
        private final TranslateContext ctx;
        private final List<SseEvent> out;
        private final ArrayNode items = Json.array();
        private String id;
        private int seq;
        private ObjectNode item;
        private final StringBuilder buf = new StringBuilder();
        private String signature;
        private boolean customOpen;

        Encoder(TranslateContext ctx, List<SseEvent> out) {
            this.ctx = ctx;
            this.out = out;
        }

        private ObjectNode event(String type) {
            ObjectNode e = Json.object();
            e.put("type", type);
            e.put("sequence_number", seq++);
            return e;
        }

        private void emit(ObjectNode e) {
            out.add(new SseEvent(e.get("type").asText(), Json.write(e)));
        }

        private int index() {
            return items.size();
        }

        @Override
        public void start(String upstreamId, String model, Usage usage) {
            id = responseId(upstreamId, ctx);
            ObjectNode created = event("response.created");
            created.set("response", envelope(id, ctx, "in_progress", null));
            emit(created);
            ObjectNode progress = event("response.in_progress");
            progress.set("response", envelope(id, ctx, "in_progress", null));
            emit(progress);
        }

        private void added(ObjectNode it) {
            ObjectNode e = event("response.output_item.added");
            e.put("output_index", index());
            e.set("item", it);
            emit(e);
        }

        private void done(ObjectNode it) {
            ObjectNode e = event("response.output_item.done");
            e.put("output_index", index());
            e.set("item", it);
            emit(e);
            items.add(it);
        }

        @Override
        public void openText() {
            item = messageItem(itemId("msg", ctx, index())).put("status", "in_progress");
            added(item.deepCopy());
            ObjectNode e = event("response.content_part.added");
            e.put("item_id", item.get("id").asText()).put("output_index", index()).put("content_index", 0);
            e.set("part", textPart(""));
            emit(e);
            buf.setLength(0);
        }

        @Override
        public void text(String delta) {
            buf.append(delta);
            ObjectNode e = event("response.output_text.delta");
            e.put("item_id", item.get("id").asText()).put("output_index", index()).put("content_index", 0)
                    .put("delta", delta);
            e.putArray("logprobs");
            emit(e);
        }

        @Override
        public void closeText() {
            String itemId = item.get("id").asText();
            ObjectNode e = event("response.output_text.done");
            e.put("item_id", itemId).put("output_index", index()).put("content_index", 0)
                    .put("text", buf.toString());
            e.putArray("logprobs");
            emit(e);
            ObjectNode pd = event("response.content_part.done");
            pd.put("item_id", itemId).put("output_index", index()).put("content_index", 0);
            pd.set("part", textPart(buf.toString()));
            emit(pd);
            item.put("status", "completed");
            ((ArrayNode) item.get("content")).add(textPart(buf.toString()));
            done(item);
        }

        @Override
        public void openThinking() {
            item = reasoningItem(itemId("rs", ctx, index()), null, null);
            added(item.deepCopy());
            buf.setLength(0);
            signature = null;
        }

        @Override
        public void thinking(String delta) {
            String itemId = item.get("id").asText();
            if (buf.isEmpty()) {
                ObjectNode e = event("response.reasoning_summary_part.added");
                e.put("item_id", itemId).put("output_index", index()).put("summary_index", 0);
                e.putObject("part").put("type", "summary_text").put("text", "");
                emit(e);
            }
            buf.append(delta);
            ObjectNode e = event("response.reasoning_summary_text.delta");
            e.put("item_id", itemId).put("output_index", index()).put("summary_index", 0).put("delta", delta);
            emit(e);
        }

        @Override
        public void signature(String sig) {
            signature = sig;
        }

        @Override
        public void closeThinking() {
            String itemId = item.get("id").asText();
            if (!buf.isEmpty()) {
                ObjectNode e = event("response.reasoning_summary_text.done");
                e.put("item_id", itemId).put("output_index", index()).put("summary_index", 0)
                        .put("text", buf.toString());
                emit(e);
                ObjectNode pd = event("response.reasoning_summary_part.done");
                pd.put("item_id", itemId).put("output_index", index()).put("summary_index", 0);
                pd.putObject("part").put("type", "summary_text").put("text", buf.toString());
                emit(pd);
            }
            done(reasoningItem(itemId, buf.toString(), signature));
        }

        @Override
        public void openTool(String callId, String name) {
            customOpen = ctx.toolNames().isCustom(name);
            item = customOpen ? customItem(itemId("ctc", ctx, index()), callId, name, "", "in_progress")
                    : callItem(itemId("fc", ctx, index()), callId, name, "", "in_progress");
            added(item.deepCopy());
            buf.setLength(0);
        }

        @Override
        public void toolArguments(String fragment) {
            buf.append(fragment);
            if (customOpen) {
                return; // the free-form input is known once the JSON arguments are complete
            }
            ObjectNode e = event("response.function_call_arguments.delta");
            e.put("item_id", item.get("id").asText()).put("output_index", index()).put("delta", fragment);
            emit(e);
        }

        @Override
        public void closeTool() {
            if (customOpen) {
                String input = customInput(buf.toString());
                String itemId = item.get("id").asText();
                ObjectNode d = event("response.custom_tool_call_input.delta");
                d.put("item_id", itemId).put("output_index", index()).put("delta", input);
                emit(d);
                ObjectNode e = event("response.custom_tool_call_input.done");
                e.put("item_id", itemId).put("output_index", index()).put("input", input);
                emit(e);
                item.put("input", input).put("status", "completed");
                done(item);
                return;
            }
            ObjectNode e = event("response.function_call_arguments.done");
            e.put("item_id", item.get("id").asText()).put("output_index", index()).put("arguments", buf.toString());
            emit(e);
            item.put("arguments", buf.toString()).put("status", "completed");
            done(item);
        }

        @Override
        public void finish(StopReason reason, Usage usage) {
            boolean incomplete = reason == StopReason.MAX_TOKENS || reason == StopReason.REFUSAL;
            ObjectNode e = event(incomplete ? "response.incomplete" : "response.completed");
            ObjectNode resp = envelope(id, ctx, incomplete ? "incomplete" : "completed", reason);
            resp.set("output", items);
            resp.set("usage", UsageMap.write(ApiFormat.OPENAI_RESPONSES, usage));
            e.set("response", resp);
            emit(e);
        }

        @Override
        public void fail(UpstreamError error) {
            out.add(Errors.streamEvent(ApiFormat.OPENAI_RESPONSES, error));
        }
    }
}
