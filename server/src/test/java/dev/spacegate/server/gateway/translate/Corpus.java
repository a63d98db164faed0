package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.base.TranslateContext;

import dev.spacegate.server.gateway.translate.base.Errors;

import dev.spacegate.server.gateway.translate.base.ThinkingCapability;

import dev.spacegate.server.gateway.translate.base.SseEvent;

import dev.spacegate.server.gateway.translate.neutral.Json;

import dev.spacegate.server.providers.ApiFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.gateway.translate.neutral.Reasoning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The fixture corpus under {@code src/test/resources/translate}: native client requests, upstream responses
 * and recorded upstream SSE streams, crossed with every other format; expected outputs live in
 * {@code expected/<client>__<upstream>/<kind>-<name>.json}.
 */
final class Corpus {
    static final Path ROOT = Path.of("src/test/resources/translate");
    static final long CREATED = 1700000000L;

    /** One table row. */
    record Case(String kind, String name, ApiFormat client, ApiFormat upstream, Path input, boolean codex) {
        Path expected() {
            String dir = client.name().toLowerCase(Locale.ROOT) + "__" + upstream.name().toLowerCase(Locale.ROOT);
            return ROOT.resolve("expected").resolve(dir).resolve(kind + (codex ? "-codex" : "") + "-" + name
                    + ".json");
        }

        @Override
        public String toString() {
            return kind + (codex ? "(codex)" : "") + " " + name + ": " + client + " <- " + upstream;
        }
    }

    private Corpus() {
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (ApiFormat f : ApiFormat.values()) {
            for (Path p : files("requests", f)) {
                for (ApiFormat u : ApiFormat.values()) {
                    if (u != f) {
                        out.add(new Case("request", base(p), f, u, p, false));
                        if (u == ApiFormat.OPENAI_RESPONSES) {
                            out.add(new Case("request", base(p), f, u, p, true));
                        }
                    }
                }
            }
            for (Path p : files("responses", f)) {
                for (ApiFormat c : ApiFormat.values()) {
                    if (c != f) {
                        out.add(new Case("response", base(p), c, f, p, false));
                    }
                }
            }
            for (Path p : files("streams", f)) {
                for (ApiFormat c : ApiFormat.values()) {
                    if (c != f) {
                        out.add(new Case("stream", base(p), c, f, p, false));
                    }
                    if (f == ApiFormat.OPENAI_RESPONSES) {
                        // Codex always streams: non-stream clients get the folded answer, same format included.
                        out.add(new Case("aggregate", base(p), c, f, p, true));
                    }
                }
            }
        }
        return out;
    }

    private static String base(Path p) {
        String n = p.getFileName().toString();
        return n.substring(0, n.lastIndexOf('.'));
    }

    private static List<Path> files(String kind, ApiFormat f) {
        Path dir = ROOT.resolve(kind).resolve(f.name().toLowerCase(Locale.ROOT));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TranslateContext context(JsonNode ctxNode, boolean stream, boolean codex) {
        TranslateContext ctx = new TranslateContext("client-model", "upstream-model",
                ctxNode.path("stream").asBoolean(stream)).withIds("req1", CREATED).withCodex(codex);
        JsonNode r = ctxNode.get("reasoning");
        if (r != null) {
            ctx = ctx.withReasoning(r.isInt() ? Reasoning.budget(r.asInt()) : Reasoning.level(r.asText()));
        }
        JsonNode t = ctxNode.get("thinking");
        if (t != null) {
            List<String> levels = new ArrayList<>();
            t.path("levels").forEach(l -> levels.add(l.asText()));
            ctx = ctx.withThinking(new ThinkingCapability(t.path("supported").asBoolean(true),
                    t.path("min").asInt(), t.path("max").asInt(), t.path("zeroAllowed").asBoolean(),
                    t.path("dynamicAllowed").asBoolean(), levels, t.path("adaptive").asBoolean()));
        }
        return ctx;
    }

    /** Runs one case and returns what the translator produced. */
    static JsonNode run(Case c) {
        String text = read(c.input());
        switch (c.kind()) {
            case "request" -> {
                ObjectNode fixture = Json.parseObject(text);
                TranslateContext ctx = context(fixture.path("ctx"), false, c.codex());
                Translation t = Translators.find(c.client(), c.upstream()).orElseThrow();
                return t.request(fixture.get("body").deepCopy(), ctx);
            }
            case "response" -> {
                TranslateContext ctx = context(Json.object(), false, false);
                Translation t = Translators.find(c.client(), c.upstream()).orElseThrow();
                return t.response(Json.parseObject(text), ctx);
            }
            case "stream" -> {
                TranslateContext ctx = context(Json.object(), true, false);
                StreamTranslator st = Translators.find(c.client(), c.upstream()).orElseThrow().stream(ctx);
                List<SseEvent> out = new ArrayList<>();
                for (SseEvent e : SseText.parse(text)) {
                    out.addAll(st.onEvent(e));
                }
                out.addAll(st.finish());
                return events(out);
            }
            case "aggregate" -> {
                TranslateContext ctx = context(Json.object(), false, true);
                ResponseAggregator agg = new ResponseAggregator(c.upstream(), c.client(), ctx);
                SseText.parse(text).forEach(agg::onEvent);
                ObjectNode body = agg.finish();
                if (agg.error() != null) {
                    return Errors.render(c.client(), agg.error());
                }
                return body;
            }
            default -> throw new IllegalArgumentException(c.kind());
        }
    }

    /** Events as JSON: {event, data} with data parsed when it is JSON. */
    static ArrayNode events(List<SseEvent> events) {
        ArrayNode arr = Json.array();
        for (SseEvent e : events) {
            ObjectNode o = arr.addObject();
            if (e.event() != null) {
                o.put("event", e.event());
            }
            JsonNode data = Json.parse(e.data());
            if (data != null && data.isContainerNode()) {
                o.set("data", data);
            } else {
                o.put("data", e.data());
            }
        }
        return arr;
    }
}
