package dev.spacegate.server.gateway.translate.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.gateway.translate.base.Effort;
import dev.spacegate.server.gateway.translate.base.Errors;
import dev.spacegate.server.gateway.translate.neutral.Json;
import dev.spacegate.server.gateway.translate.base.Signatures;
import dev.spacegate.server.gateway.translate.base.SseEvent;
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

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Google Gemini generateContent / streamGenerateContent?alt=sse (model and stream flag live in the URL).
 *
 * <p>Over 400 lines on purpose: one wire format's whole mapping (request, response and stream, both
 * directions) reads best in one place; its parts are nested classes.
 */
public final class GeminiCodec implements Codec {
    static final GeminiCodec INSTANCE = new GeminiCodec();
    /** Gemini 3 rejects replayed function calls without a signature unless given this documented sentinel. */
    static final String SKIP_SIGNATURE = "skip_thought_signature_validator";

    private GeminiCodec() {
    }

    @Override
    public ApiFormat format() {
        return ApiFormat.GEMINI;
    }

    /** Gemini calls carry no ids (or optional ones); a stable id from name, arguments and ordinal. */
    static String callId(String name, String args, int ordinal) {
        return "call_" + Json.sha256(name + "\u0000" + args + "\u0000" + ordinal).substring(0, 24);
    }

    // ---------------------------------------------------------------- request

    @Override
    public Conversation readRequest(ObjectNode body, TranslateContext ctx) {
        Conversation c = new Conversation();
        for (JsonNode p : body.path("systemInstruction").path("parts")) {
            String t = Json.text(p, "text");
            if (t != null) {
                c.system.add(new Part.Text(t));
            }
        }
        CallIds ids = new CallIds();
        for (JsonNode content : body.path("contents")) {
            Role role = "model".equals(Json.text(content, "role")) ? Role.ASSISTANT : Role.USER;
            List<Part> parts = new ArrayList<>();
            for (JsonNode p : content.path("parts")) {
                readPart(p, parts, ids);
            }
            c.add(role, parts);
        }
        readTools(body, c);
        JsonNode gc = body.path("generationConfig");
        readGenerationConfig(gc, c);
        c.noteUnknown(body, KNOWN);
        c.noteUnknown(gc, KNOWN_GENERATION);
        return c;
    }

    /** Call ids: Gemini's own, else made up; calls without ids are matched to responses by name, first come first
     * served. */
    private static final class CallIds {
        private final Map<String, Deque<String>> open = new HashMap<>();
        private int ordinal;

        String call(JsonNode fc, String name, String args) {
            String id = Json.text(fc, "id", callId(name, args, ordinal++));
            open.computeIfAbsent(name, k -> new ArrayDeque<>()).add(id);
            return id;
        }

        String response(JsonNode fr, String name) {
            Deque<String> q = open.get(name);
            String id = Json.text(fr, "id");
            if (id != null && q != null) {
                q.remove(id);
            } else if (q != null && !q.isEmpty()) {
                id = q.poll();
            } else if (id == null) {
                id = callId(name, "", ordinal++);
            }
            return id;
        }
    }

    private static void readPart(JsonNode p, List<Part> parts, CallIds ids) {
        String sig = Json.text(p, "thoughtSignature");
        if (p.has("functionCall")) {
            JsonNode fc = p.get("functionCall");
            String name = Json.text(fc, "name");
            String args = fc.has("args") ? Json.write(fc.get("args")) : "{}";
            String id = ids.call(fc, name, args);
            if (sig != null && !sig.equals(SKIP_SIGNATURE)) {
                parts.add(new Part.Thinking("", sig, false));
            }
            parts.add(new Part.ToolCall(id, name, args));
        } else if (p.has("functionResponse")) {
            JsonNode fr = p.get("functionResponse");
            String name = Json.text(fr, "name");
            parts.add(new Part.ToolResult(ids.response(fr, name), name,
                    List.of(new Part.Text(responseText(fr.get("response")))), false));
        } else if (p.has("inlineData")) {
            JsonNode d = p.get("inlineData");
            parts.add(new Part.Image(null, Json.text(d, "mimeType"), Json.text(d, "data")));
        } else if (p.has("fileData")) {
            parts.add(new Part.Image(Json.text(p.get("fileData"), "fileUri"), Json.text(p.get("fileData"),
                    "mimeType"), null));
        } else if (p.path("thought").asBoolean(false)) {
            addThinking(parts, Json.text(p, "text", ""), sig);
        } else if (p.has("text")) {
            if (sig != null) {
                addThinking(parts, "", sig);
            }
            parts.add(new Part.Text(Json.text(p, "text", "")));
        }
    }

    private static void readTools(ObjectNode body, Conversation c) {
        for (JsonNode t : body.path("tools")) {
            if (!t.has("functionDeclarations")) {
                t.fieldNames().forEachRemaining(n -> c.dropped.add("tools[" + n + "]"));
                continue;
            }
            for (JsonNode fd : t.path("functionDeclarations")) {
                JsonNode params = fd.has("parametersJsonSchema") ? fd.get("parametersJsonSchema") : fd.get("parameters");
                c.tools.add(new ToolDef(Json.text(fd, "name"), Json.text(fd, "description"),
                        params instanceof ObjectNode o ? lowerTypes(o.deepCopy()) : null, null));
            }
        }
        JsonNode fcc = body.path("toolConfig").path("functionCallingConfig");
        String mode = Json.text(fcc, "mode");
        if (mode != null) {
            JsonNode allowed = fcc.path("allowedFunctionNames");
            c.toolChoice = switch (mode.toUpperCase(Locale.ROOT)) {
                case "NONE" -> ToolChoice.of(ToolChoice.Mode.NONE);
                case "ANY" -> allowed.size() == 1 ? new ToolChoice(ToolChoice.Mode.NAMED, allowed.get(0).asText())
                        : ToolChoice.of(ToolChoice.Mode.REQUIRED);
                default -> ToolChoice.of(ToolChoice.Mode.AUTO);
            };
        }
    }

    private static void readGenerationConfig(JsonNode gc, Conversation c) {
        c.maxTokens = Json.integer(gc, "maxOutputTokens");
        c.temperature = Json.decimal(gc, "temperature");
        c.topP = Json.decimal(gc, "topP");
        gc.path("stopSequences").forEach(s -> c.stop.add(s.asText()));
        JsonNode tc = gc.path("thinkingConfig");
        boolean include = tc.path("includeThoughts").asBoolean(false);
        if (tc.path("thinkingBudget").isInt()) {
            c.reasoning = new Reasoning(null, tc.get("thinkingBudget").asInt(), include);
        } else if (Json.text(tc, "thinkingLevel") != null) {
            c.reasoning = new Reasoning(Json.text(tc, "thinkingLevel").toLowerCase(Locale.ROOT), null, include);
        }
        if ("application/json".equals(Json.text(gc, "responseMimeType"))) {
            JsonNode schema = gc.has("responseJsonSchema") ? gc.get("responseJsonSchema") : gc.get("responseSchema");
            c.outputFormat = new OutputFormat(null, schema instanceof ObjectNode o ? lowerTypes(o.deepCopy()) : null,
                    null);
        }
    }

    private static final java.util.Set<String> KNOWN = java.util.Set.of("model", "systemInstruction", "contents",
            "tools", "toolConfig", "generationConfig");
    private static final java.util.Set<String> KNOWN_GENERATION = java.util.Set.of("maxOutputTokens", "temperature",
            "topP", "stopSequences", "thinkingConfig", "responseMimeType", "responseSchema", "responseJsonSchema");

    /** Streamed thoughts come back as several parts with the signature on the last; join them into one. */
    private static void addThinking(List<Part> parts, String text, String sig) {
        if (!parts.isEmpty() && parts.getLast() instanceof Part.Thinking prev && prev.signature() == null) {
            parts.set(parts.size() - 1, new Part.Thinking(prev.text() + text, sig, false));
        } else {
            parts.add(new Part.Thinking(text, sig, false));
        }
    }

    /** The text of a functionResponse.response: {@code result}/{@code output} when alone, else the JSON. */
    private static String responseText(JsonNode response) {
        if (response == null || response.isNull()) {
            return "";
        }
        if (response.isObject() && response.size() == 1) {
            JsonNode only = response.elements().next();
            if (only.isTextual() && (response.has("result") || response.has("output") || response.has("content"))) {
                return only.asText();
            }
        }
        return response.isTextual() ? response.asText() : Json.write(response);
    }

    /** Gemini's OpenAPI-style schemas say {@code "type": "OBJECT"}; JSON Schema wants lower case. */
    static ObjectNode lowerTypes(ObjectNode schema) {
        for (Map.Entry<String, JsonNode> e : schema.properties()) {
            JsonNode v = e.getValue();
            if (e.getKey().equals("type") && v.isTextual()) {
                e.setValue(TextNode.valueOf(v.asText().toLowerCase(Locale.ROOT)));
            } else if (v instanceof ObjectNode o) {
                lowerTypes(o);
            } else if (v.isArray()) {
                v.forEach(x -> {
                    if (x instanceof ObjectNode o) {
                        lowerTypes(o);
                    }
                });
            }
        }
        return schema;
    }

    @Override
    public ObjectNode writeRequest(Conversation c, TranslateContext ctx) {
        ObjectNode body = Json.object();
        ArrayNode contents = body.putArray("contents");
        for (Message m : c.messages) {
            ArrayNode parts = writeParts(m, c);
            if (parts.isEmpty()) {
                continue;
            }
            String role = m.role() == Role.USER ? "user" : "model";
            if (!contents.isEmpty() && role.equals(contents.get(contents.size() - 1).path("role").asText())) {
                ((ArrayNode) contents.get(contents.size() - 1).get("parts")).addAll(parts);
            } else {
                ObjectNode content = contents.addObject().put("role", role);
                content.set("parts", parts);
            }
        }
        if (!c.system.isEmpty()) {
            ArrayNode sys = body.putObject("systemInstruction").putArray("parts");
            c.system.forEach(t -> sys.addObject().put("text", t.text()));
        }
        writeTools(c, body);
        ObjectNode gc = generationConfig(c, ctx);
        if (!gc.isEmpty()) {
            body.set("generationConfig", gc);
        }
        return body;
    }

    /** One message's parts; a signature-only thought goes on the call that follows it. */
    private static ArrayNode writeParts(Message m, Conversation c) {
        ArrayNode parts = Json.array();
        String pendingSignature = null;
        for (Part p : m.parts()) {
            switch (p) {
                case Part.Text t -> {
                    if (!t.text().isEmpty()) {
                        parts.addObject().put("text", t.text());
                    }
                }
                case Part.Image img -> writeImage(parts, img);
                case Part.Thinking th -> {
                    String sig = Signatures.unwrap(ApiFormat.GEMINI, th.signature());
                    if (th.redacted() || sig == null) {
                        continue; // reasoning made elsewhere cannot be replayed to Gemini
                    }
                    if (th.text() == null || th.text().isEmpty()) {
                        pendingSignature = sig; // belongs to the call that follows
                    } else {
                        parts.addObject().put("text", th.text()).put("thought", true).put("thoughtSignature", sig);
                    }
                }
                case Part.ToolCall call -> {
                    ObjectNode part = parts.addObject();
                    ObjectNode fc = part.putObject("functionCall");
                    fc.put("name", call.name());
                    fc.set("args", ClaudeCodec.argumentsObject(call.arguments()));
                    part.put("thoughtSignature", pendingSignature != null ? pendingSignature : SKIP_SIGNATURE);
                    pendingSignature = null;
                }
                case Part.ToolResult r -> writeToolResult(parts, r, c);
            }
        }
        return parts;
    }

    private static void writeImage(ArrayNode parts, Part.Image img) {
        if (img.inline()) {
            parts.addObject().putObject("inlineData")
                    .put("mimeType", img.mediaType() == null ? "image/png" : img.mediaType())
                    .put("data", img.data());
        } else {
            ObjectNode fd = parts.addObject().putObject("fileData");
            if (img.mediaType() != null) {
                fd.put("mimeType", img.mediaType());
            }
            fd.put("fileUri", img.url());
        }
    }

    private static void writeToolResult(ArrayNode parts, Part.ToolResult r, Conversation c) {
        String name = r.name() != null ? r.name() : c.toolNameFor(r.callId());
        ObjectNode fr = parts.addObject().putObject("functionResponse");
        fr.put("name", name == null ? "unknown" : name);
        fr.putObject("response").put("result", r.text());
        for (Part x : r.content()) {
            if (x instanceof Part.Image img && img.inline()) {
                parts.addObject().putObject("inlineData").put("mimeType", img.mediaType()).put("data", img.data());
            }
        }
    }

    private static void writeTools(Conversation c, ObjectNode body) {
        if (!c.tools.isEmpty()) {
            ArrayNode decls = body.putArray("tools").addObject().putArray("functionDeclarations");
            for (ToolDef t : c.tools) {
                ObjectNode fd = decls.addObject().put("name", t.name());
                if (t.description() != null) {
                    fd.put("description", t.description());
                }
                fd.set("parametersJsonSchema", t.parameters() != null ? t.parameters() : ChatCodec.emptySchema());
            }
        }
        if (c.toolChoice != null) {
            ObjectNode fcc = body.putObject("toolConfig").putObject("functionCallingConfig");
            switch (c.toolChoice.mode()) {
                case AUTO -> fcc.put("mode", "AUTO");
                case NONE -> fcc.put("mode", "NONE");
                case REQUIRED -> fcc.put("mode", "ANY");
                case NAMED -> {
                    fcc.put("mode", "ANY");
                    fcc.putArray("allowedFunctionNames").add(c.toolChoice.name());
                }
            }
        }
    }

    private static ObjectNode generationConfig(Conversation c, TranslateContext ctx) {
        ObjectNode gc = Json.object();
        Codec.writeSampling(c, gc, "maxOutputTokens", "topP", "stopSequences");
        if (c.outputFormat != null) {
            gc.put("responseMimeType", "application/json");
            if (c.outputFormat.schema() != null) {
                gc.set("responseJsonSchema", c.outputFormat.schema());
            }
        }
        Effort effort = Codec.effort(c, ctx);
        if (effort != null) {
            gc.set("thinkingConfig", thinkingConfig(effort, ctx.thinking()));
        }
        return gc;
    }

    /** Gemini's {@code thinkingConfig} for an effort: a level for models that take levels, else a budget. */
    private static ObjectNode thinkingConfig(Effort effort, ThinkingCapability cap) {
        ObjectNode tc = Json.object();
        if (cap != null && !cap.levels().isEmpty()) {
            tc.put("thinkingLevel", effort.level());
        } else {
            tc.put("thinkingBudget", effort.budget());
        }
        return tc.put("includeThoughts", effort.budget() != 0);
    }

    /** Writes an effort into a Gemini request body as it is (a model-name suffix on same-format traffic). */
    public static void writeEffort(ObjectNode body, Effort effort, ThinkingCapability cap) {
        if (effort != null) {
            body.withObject("/generationConfig").set("thinkingConfig", thinkingConfig(effort, cap));
        }
    }

    // ---------------------------------------------------------------- response

    @Override
    public Reply readResponse(ObjectNode body, TranslateContext ctx) {
        JsonNode cand = body.path("candidates").path(0);
        List<Part> parts = new ArrayList<>();
        int ordinal = 0;
        for (JsonNode p : cand.path("content").path("parts")) {
            String sig = Json.text(p, "thoughtSignature");
            if (p.has("functionCall")) {
                JsonNode fc = p.get("functionCall");
                String args = fc.has("args") ? Json.write(fc.get("args")) : "{}";
                String name = Json.text(fc, "name");
                if (sig != null) {
                    parts.add(new Part.Thinking("", sig, false));
                }
                parts.add(new Part.ToolCall(Json.text(fc, "id", callId(name, args, ordinal++)),
                        ctx.toolNames().original(name), args));
            } else if (p.path("thought").asBoolean(false)) {
                parts.add(new Part.Thinking(Json.text(p, "text", ""), sig, false));
            } else if (p.has("text")) {
                // A signature on plain text is optional to replay (Gemini docs); dropping it keeps clients'
                // transcripts free of empty reasoning blocks.
                parts.add(new Part.Text(Json.text(p, "text", "")));
            }
        }
        StopReason stop = stopReason(Json.text(cand, "finishReason"));
        if (stop == StopReason.END_TURN && parts.stream().anyMatch(x -> x instanceof Part.ToolCall)) {
            stop = StopReason.TOOL_USE;
        }
        return new Reply(Json.text(body, "responseId"), Json.text(body, "modelVersion"), parts, stop,
                UsageMap.read(ApiFormat.GEMINI, body.get("usageMetadata")));
    }

    static StopReason stopReason(String r) {
        if (r == null) {
            return StopReason.END_TURN;
        }
        return switch (r) {
            case "MAX_TOKENS" -> StopReason.MAX_TOKENS;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> StopReason.REFUSAL;
            default -> StopReason.END_TURN;
        };
    }

    static String finishReason(StopReason r) {
        return switch (r) {
            case MAX_TOKENS -> "MAX_TOKENS";
            case REFUSAL -> "SAFETY";
            default -> "STOP";
        };
    }

    @Override
    public ObjectNode writeResponse(Reply r, TranslateContext ctx) {
        ObjectNode body = Json.object();
        ObjectNode cand = body.putArray("candidates").addObject();
        ArrayNode parts = cand.putObject("content").put("role", "model").putArray("parts");
        String pendingSignature = null;
        for (Part p : r.content()) {
            switch (p) {
                case Part.Text t -> parts.addObject().put("text", t.text());
                case Part.Thinking th -> {
                    if (th.text() == null || th.text().isEmpty()) {
                        pendingSignature = th.signature();
                    } else {
                        ObjectNode part = parts.addObject().put("text", th.text()).put("thought", true);
                        if (th.signature() != null) {
                            part.put("thoughtSignature", th.signature());
                        }
                    }
                }
                case Part.ToolCall call -> {
                    ObjectNode part = parts.addObject();
                    ObjectNode fc = part.putObject("functionCall");
                    fc.put("id", call.id());
                    fc.put("name", call.name());
                    fc.set("args", ClaudeCodec.argumentsObject(call.arguments()));
                    if (pendingSignature != null) {
                        part.put("thoughtSignature", pendingSignature);
                        pendingSignature = null;
                    }
                }
                default -> {
                }
            }
        }
        if (pendingSignature != null) {
            parts.addObject().put("text", "").put("thoughtSignature", pendingSignature);
        }
        cand.put("finishReason", finishReason(r.stop()));
        cand.put("index", 0);
        body.set("usageMetadata", UsageMap.write(ApiFormat.GEMINI, r.usage()));
        body.put("modelVersion", ctx.clientModel());
        body.put("responseId", r.id() != null ? r.id() : ctx.requestId());
        return body;
    }

    // ---------------------------------------------------------------- stream

    @Override
    public StreamDecoder decoder(TranslateContext ctx) {
        return new Decoder();
    }

    /** Each Gemini SSE event is a whole GenerateContentResponse holding the next parts; calls come whole. */
    private static final class Decoder extends EventDecoder {
        private boolean started;
        private int ordinal;
        private Usage usage;

        @Override
        protected void onEvent(ObjectNode chunk, SseEvent e, Consumer<StreamEvent> out) {
            if (chunk.path("error").isObject()) {
                fail(Errors.parse(ApiFormat.GEMINI, 0, e.data()), out);
                return;
            }
            if (!started) {
                started = true;
                out.accept(new StreamEvent.Started(Json.text(chunk, "responseId"), Json.text(chunk, "modelVersion"),
                        null));
            }
            JsonNode cand = chunk.path("candidates").path(0);
            for (JsonNode p : cand.path("content").path("parts")) {
                String sig = Json.text(p, "thoughtSignature");
                if (p.has("functionCall")) {
                    JsonNode fc = p.get("functionCall");
                    String name = Json.text(fc, "name");
                    String args = fc.has("args") ? Json.write(fc.get("args")) : "{}";
                    if (sig != null) {
                        out.accept(new StreamEvent.ThinkingSignature(sig));
                    }
                    String key = "gemini-" + ordinal;
                    out.accept(new StreamEvent.ToolCallStart(key, Json.text(fc, "id", callId(name, args, ordinal)),
                            name));
                    ordinal++;
                    out.accept(new StreamEvent.ToolCallDelta(key, args));
                    out.accept(new StreamEvent.ToolCallEnd(key));
                } else if (p.path("thought").asBoolean(false)) {
                    out.accept(new StreamEvent.ThinkingDelta(Json.text(p, "text", "")));
                    if (sig != null) {
                        out.accept(new StreamEvent.ThinkingSignature(sig));
                    }
                } else if (p.has("text")) {
                    out.accept(new StreamEvent.TextDelta(Json.text(p, "text", ""))); // text signatures: see readResponse
                }
            }
            Usage u = UsageMap.read(ApiFormat.GEMINI, chunk.get("usageMetadata"));
            if (u != null) {
                usage = u;
            }
            String finish = Json.text(cand, "finishReason");
            if (finish != null) {
                finish(stopReason(finish), usage, out);
            }
        }

        @Override
        public void end(Consumer<StreamEvent> out) {
            finish(StopReason.END_TURN, usage, out);
        }
    }

    @Override
    public BlockSink encoder(TranslateContext ctx, List<SseEvent> out) {
        return new Encoder(ctx, out);
    }

    /** One chunk per delta; function calls are sent whole when their arguments are complete. */
    private static final class Encoder implements BlockSink {
        private final TranslateContext ctx;
        private final List<SseEvent> out;
        private String responseId;
        private String callId;
        private String callName;
        private final StringBuilder args = new StringBuilder();
        private String pendingSignature;

        Encoder(TranslateContext ctx, List<SseEvent> out) {
            this.ctx = ctx;
            this.out = out;
        }

        private ObjectNode chunk(ObjectNode part) {
            ObjectNode body = Json.object();
            ObjectNode cand = body.putArray("candidates").addObject();
            ArrayNode parts = cand.putObject("content").put("role", "model").putArray("parts");
            if (part != null) {
                parts.add(part);
            }
            cand.put("index", 0);
            body.put("modelVersion", ctx.clientModel());
            body.put("responseId", responseId);
            return body;
        }

        private void emit(ObjectNode body) {
            out.add(new SseEvent(null, Json.write(body)));
        }

        private void flushSignature() {
            if (pendingSignature != null) {
                emit(chunk(Json.object().put("text", "").put("thought", true)
                        .put("thoughtSignature", pendingSignature)));
                pendingSignature = null;
            }
        }

        @Override
        public void start(String id, String model, Usage usage) {
            responseId = id != null ? id : ctx.requestId();
        }

        @Override
        public void openText() {
            flushSignature();
        }

        @Override
        public void text(String delta) {
            emit(chunk(Json.object().put("text", delta)));
        }

        @Override
        public void openThinking() {
            flushSignature();
        }

        @Override
        public void thinking(String delta) {
            emit(chunk(Json.object().put("text", delta).put("thought", true)));
        }

        @Override
        public void signature(String signature) {
            pendingSignature = signature;
        }

        @Override
        public void openTool(String id, String name) {
            callId = id;
            callName = name;
            args.setLength(0);
        }

        @Override
        public void toolArguments(String fragment) {
            args.append(fragment);
        }

        @Override
        public void closeTool() {
            ObjectNode part = Json.object();
            ObjectNode fc = part.putObject("functionCall");
            if (callId != null) {
                fc.put("id", callId);
            }
            fc.put("name", callName);
            fc.set("args", ClaudeCodec.argumentsObject(args.toString()));
            if (pendingSignature != null) {
                part.put("thoughtSignature", pendingSignature);
                pendingSignature = null;
            }
            emit(chunk(part));
        }

        @Override
        public void finish(StopReason reason, Usage usage) {
            flushSignature();
            ObjectNode body = chunk(Json.object().put("text", ""));
            ((ObjectNode) body.path("candidates").get(0)).put("finishReason", finishReason(reason));
            body.set("usageMetadata", UsageMap.write(ApiFormat.GEMINI, usage));
            emit(body);
        }

        @Override
        public void fail(UpstreamError error) {
            out.add(Errors.streamEvent(ApiFormat.GEMINI, error));
        }
    }
}
