package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.base.TranslateContext;

import dev.spacegate.server.gateway.translate.base.SseEvent;

import dev.spacegate.server.gateway.translate.neutral.Json;

import dev.spacegate.server.providers.ApiFormat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.gateway.translate.format.Codec;
import dev.spacegate.server.gateway.translate.neutral.Conversation;
import dev.spacegate.server.gateway.translate.neutral.Message;
import dev.spacegate.server.gateway.translate.neutral.Part;
import dev.spacegate.server.gateway.translate.neutral.Reply;
import dev.spacegate.server.gateway.translate.neutral.Role;
import dev.spacegate.server.gateway.translate.neutral.Sequencer;
import dev.spacegate.server.gateway.translate.neutral.StopReason;
import dev.spacegate.server.gateway.translate.neutral.StreamEvent;
import dev.spacegate.server.gateway.translate.neutral.ToolDef;
import dev.spacegate.server.gateway.translate.neutral.Usage;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Property tests over seeded random conversations: for every pair, what the client said survives
 * client -> upstream -> client (requests), and what the upstream answered survives upstream -> client
 * (responses and streams, the stream cut into random fragments). Compared: roles, text, images, tool names,
 * tool arguments (as JSON), tool results, and tool ids where neither side is Gemini (Gemini has no ids).
 */
class TranslationRoundTripTest {
    private static final int SEEDS = 40;
    private static final String[] WORDS = {"alpha", "beta", "γάμμα", "delta \"quoted\"", "eps\nnewline", "zeta",
            "eta\ttab", "theta", "emoji 🚀", "{not json}", "back\\slash", "iota"};
    private static final String[] TOOLS = {"get_weather", "read_file", "run_shell", "search-docs", "mcp__fs__list"};

    @TestFactory
    Stream<DynamicTest> requestsSurviveClientToUpstreamAndBack() {
        return pairs().flatMap(p -> seeds().map(seed -> DynamicTest.dynamicTest(
                "request " + p[0] + " -> " + p[1] + " seed " + seed, () -> {
                    Random rnd = new Random(seed);
                    Conversation conv = conversation(rnd);
                    TranslateContext ctx = ctx();
                    ObjectNode clientBody = Codec.of(p[0]).writeRequest(conv, ctx);
                    ObjectNode upstreamBody = Translators.find(p[0], p[1]).orElseThrow()
                            .request(clientBody.deepCopy(), ctx);
                    ObjectNode back = Translators.find(p[1], p[0]).orElseThrow().request(upstreamBody, ctx());
                    boolean ids = p[0] != ApiFormat.GEMINI && p[1] != ApiFormat.GEMINI;
                    assertEquals(project(Codec.of(p[0]).readRequest(clientBody, ctx), ids),
                            project(Codec.of(p[0]).readRequest(back, ctx), ids));
                })));
    }

    @TestFactory
    Stream<DynamicTest> responsesSurviveUpstreamToClient() {
        return pairs().flatMap(p -> seeds().map(seed -> DynamicTest.dynamicTest(
                "response " + p[1] + " -> " + p[0] + " seed " + seed, () -> {
                    Random rnd = new Random(seed);
                    Reply reply = reply(rnd);
                    TranslateContext ctx = ctx();
                    ObjectNode upstreamBody = Codec.of(p[1]).writeResponse(reply, ctx);
                    ObjectNode clientBody = Translators.find(p[0], p[1]).orElseThrow().response(upstreamBody, ctx);
                    Reply got = Codec.of(p[0]).readResponse(clientBody, ctx);
                    assertEquals(project(reply, ids(p)), project(got, ids(p)));
                })));
    }

    @TestFactory
    Stream<DynamicTest> streamsSurviveUpstreamToClient() {
        return pairs().flatMap(p -> seeds().map(seed -> DynamicTest.dynamicTest(
                "stream " + p[1] + " -> " + p[0] + " seed " + seed, () -> {
                    Random rnd = new Random(seed);
                    Reply reply = reply(rnd);
                    TranslateContext ctx = ctx();
                    List<SseEvent> upstream = upstreamStream(p[1], reply, rnd, ctx);
                    StreamTranslator st = Translators.find(p[0], p[1]).orElseThrow().stream(ctx);
                    ResponseAggregator client = new ResponseAggregator(p[0], p[0], ctx);
                    for (SseEvent e : upstream) {
                        st.onEvent(e).forEach(client::onEvent);
                    }
                    st.finish().forEach(client::onEvent);
                    Reply got = Codec.of(p[0]).readResponse(client.finish(), ctx);
                    assertEquals(project(reply, ids(p)), project(got, ids(p)));
                })));
    }

    private static boolean ids(ApiFormat[] p) {
        return p[0] != ApiFormat.GEMINI && p[1] != ApiFormat.GEMINI;
    }

    private static Stream<ApiFormat[]> pairs() {
        List<ApiFormat[]> out = new ArrayList<>();
        for (ApiFormat a : ApiFormat.values()) {
            for (ApiFormat b : ApiFormat.values()) {
                if (a != b) {
                    out.add(new ApiFormat[]{a, b});
                }
            }
        }
        return out.stream();
    }

    private static Stream<Long> seeds() {
        return Stream.iterate(1L, s -> s + 1).limit(SEEDS);
    }

    private static TranslateContext ctx() {
        return new TranslateContext("client-model", "upstream-model", false).withIds("rt", 1L);
    }

    // ------------------------------------------------------------------ generators

    private static String text(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private static String arguments(Random rnd) {
        ObjectNode o = Json.object();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(4)) {
                case 0 -> o.put("s" + i, text(rnd));
                case 1 -> o.put("n" + i, rnd.nextInt(100000) - 500);
                case 2 -> o.put("b" + i, rnd.nextBoolean());
                default -> {
                    ArrayNode a = o.putArray("a" + i);
                    a.add(text(rnd)).add(rnd.nextInt(10));
                    a.addObject().put("k", text(rnd));
                }
            }
        }
        return Json.write(o);
    }

    private static String id(Random rnd) {
        return "call_" + Long.toHexString(rnd.nextLong()).replace('-', 'x');
    }

    private static Conversation conversation(Random rnd) {
        Conversation c = new Conversation();
        if (rnd.nextBoolean()) {
            c.system.add(new Part.Text(text(rnd)));
        }
        for (String t : TOOLS) {
            ObjectNode schema = Json.object().put("type", "object");
            schema.putObject("properties").putObject("x").put("type", "string");
            c.tools.add(new ToolDef(t, "tool " + t, schema, null));
        }
        List<Part.ToolCall> open = new ArrayList<>();
        int turns = 1 + rnd.nextInt(4);
        for (int t = 0; t < turns; t++) {
            List<Part> user = new ArrayList<>();
            for (Part.ToolCall call : open) {
                user.add(new Part.ToolResult(call.id(), call.name(), List.of(new Part.Text(text(rnd))), false));
            }
            open.clear();
            user.add(new Part.Text(text(rnd)));
            if (rnd.nextInt(3) == 0) {
                user.add(rnd.nextBoolean() ? new Part.Image("https://example.com/" + rnd.nextInt(999) + ".png", null,
                        null) : new Part.Image(null, "image/png", "iVBORw0KGgo" + rnd.nextInt(999) + "AAAA"));
            }
            c.messages.add(new Message(Role.USER, user));
            List<Part> assistant = new ArrayList<>();
            if (rnd.nextBoolean() || t == turns - 1) {
                assistant.add(new Part.Text(text(rnd)));
            }
            int calls = t == turns - 1 ? 0 : rnd.nextInt(3);
            for (int i = 0; i < calls; i++) {
                Part.ToolCall call = new Part.ToolCall(id(rnd), TOOLS[rnd.nextInt(TOOLS.length)], arguments(rnd));
                assistant.add(call);
                open.add(call);
            }
            if (assistant.isEmpty()) {
                assistant.add(new Part.Text(text(rnd)));
            }
            c.messages.add(new Message(Role.ASSISTANT, assistant));
        }
        return c;
    }

    private static Reply reply(Random rnd) {
        List<Part> parts = new ArrayList<>();
        if (rnd.nextBoolean()) {
            parts.add(new Part.Thinking(text(rnd), null, false));
        }
        if (rnd.nextBoolean()) {
            parts.add(new Part.Text(text(rnd)));
        }
        int calls = rnd.nextInt(4);
        for (int i = 0; i < calls; i++) {
            parts.add(new Part.ToolCall(id(rnd), TOOLS[rnd.nextInt(TOOLS.length)], arguments(rnd)));
        }
        if (parts.isEmpty()) {
            parts.add(new Part.Text(text(rnd)));
        }
        long in = 10 + rnd.nextInt(5000);
        long cached = rnd.nextBoolean() ? rnd.nextInt((int) in) : 0;
        long out = 1 + rnd.nextInt(900);
        return new Reply("up-" + rnd.nextInt(1000), "upstream-model", parts,
                calls > 0 ? StopReason.TOOL_USE : StopReason.END_TURN, new Usage(in, out, cached, 0, 0));
    }

    /** The reply as the upstream would stream it, every delta cut into random fragments. */
    private static List<SseEvent> upstreamStream(ApiFormat upstream, Reply reply, Random rnd, TranslateContext ctx) {
        List<SseEvent> out = new ArrayList<>();
        Sequencer seq = new Sequencer(Codec.of(upstream).encoder(ctx, out), s -> s);
        seq.accept(new StreamEvent.Started(reply.id(), reply.model(), null));
        int k = 0;
        for (Part p : reply.content()) {
            switch (p) {
                case Part.Text t -> {
                    fragments(t.text(), rnd).forEach(f -> seq.accept(new StreamEvent.TextDelta(f)));
                    seq.accept(new StreamEvent.BlockEnd());
                }
                case Part.Thinking t -> {
                    fragments(t.text(), rnd).forEach(f -> seq.accept(new StreamEvent.ThinkingDelta(f)));
                    seq.accept(new StreamEvent.BlockEnd());
                }
                case Part.ToolCall c -> {
                    String key = "k" + k++;
                    seq.accept(new StreamEvent.ToolCallStart(key, c.id(), c.name()));
                    fragments(c.arguments(), rnd).forEach(f -> seq.accept(new StreamEvent.ToolCallDelta(key, f)));
                    seq.accept(new StreamEvent.ToolCallEnd(key));
                }
                default -> {
                }
            }
        }
        seq.accept(new StreamEvent.Finished(reply.stop(), reply.usage()));
        return out;
    }

    private static List<String> fragments(String s, Random rnd) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            int n = Math.min(s.length() - i, 1 + rnd.nextInt(8));
            if (Character.isHighSurrogate(s.charAt(i + n - 1)) && i + n < s.length()) {
                n++;
            }
            out.add(s.substring(i, i + n));
            i += n;
        }
        return out;
    }

    // ------------------------------------------------------------------ projections

    /** What must survive a request round trip, as comparable strings. */
    private static List<String> project(Conversation c, boolean ids) {
        List<String> out = new ArrayList<>();
        StringBuilder sys = new StringBuilder();
        c.system.forEach(t -> sys.append(t.text()).append("\n\n"));
        out.add("system:" + sys.toString().strip());
        for (Message m : c.messages) {
            out.add("role:" + m.role());
            StringBuilder text = new StringBuilder();
            for (Part p : m.parts()) {
                if (p instanceof Part.Text t) {
                    text.append(t.text()).append("\n\n");
                    continue;
                }
                if (!text.isEmpty()) {
                    out.add("text:" + text.toString().strip());
                    text.setLength(0);
                }
                switch (p) {
                    case Part.Image img -> out.add("image:" + img.asUrl());
                    case Part.ToolCall call -> out.add("call:" + (ids ? call.id() + ":" : "") + call.name() + ":"
                            + Json.parse(call.arguments()));
                    case Part.ToolResult r -> out.add("result:" + (ids ? r.callId() + ":" : "") + r.text());
                    case Part.Thinking th -> out.add("thinking:" + th.text());
                    default -> throw new IllegalStateException();
                }
            }
            if (!text.isEmpty()) {
                out.add("text:" + text.toString().strip());
            }
        }
        List<String> tools = new ArrayList<>();
        c.tools.forEach(t -> tools.add(t.name() + ":" + t.parameters()));
        out.add("tools:" + tools);
        return out;
    }

    /** What must survive a response: text, reasoning text, tool calls, stop kind, token counts. */
    private static List<String> project(Reply r, boolean ids) {
        List<String> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        for (Part p : r.content()) {
            switch (p) {
                case Part.Text t -> text.append(t.text());
                case Part.Thinking t -> thinking.append(t.text());
                case Part.ToolCall c -> out.add("call:" + (ids ? c.id() + ":" : "") + c.name() + ":"
                        + Json.parse(c.arguments()));
                default -> {
                }
            }
        }
        out.add("text:" + text);
        out.add("thinking:" + thinking);
        out.add("stop:" + r.stop());
        Usage u = r.usage();
        out.add("usage:" + u.input() + "/" + u.output() + "/" + u.cacheRead());
        return out;
    }
}
