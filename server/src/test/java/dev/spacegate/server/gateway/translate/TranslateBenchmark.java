package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.base.TranslateContext;

import dev.spacegate.server.gateway.translate.base.SseEvent;

import dev.spacegate.server.providers.ApiFormat;

import dev.spacegate.server.gateway.translate.format.Codec;
import dev.spacegate.server.gateway.translate.neutral.Sequencer;
import dev.spacegate.server.gateway.translate.neutral.StopReason;
import dev.spacegate.server.gateway.translate.neutral.StreamEvent;
import dev.spacegate.server.gateway.translate.neutral.Usage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Translated vs passthrough throughput on a recorded stream, no JMH. The stream is a Codex (Responses) answer
 * with reasoning, text and parallel tool calls (or a .sse file given as the first argument, with its format as
 * the second). Baselines measured in the same run: raw byte copy (what same-format passthrough does) and byte
 * copy plus SSE framing. Prints MB/s, events/s, ratios and the added time per upstream event.
 *
 * <pre>./mvnw -B -q -pl server -am test-compile &amp;&amp; ./mvnw -B -q -pl server exec:java \
 *   -Dexec.classpathScope=test -Dexec.mainClass=dev.spacegate.server.gateway.translate.TranslateBenchmark</pre>
 */
public final class TranslateBenchmark {
    private static final int CHUNK = 8192;
    private static final int WARMUP = 30;
    private static final int RUNS = 60;

    private TranslateBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        byte[] recorded;
        ApiFormat upstream;
        if (args.length >= 2) {
            recorded = Files.readAllBytes(Path.of(args[0]));
            upstream = ApiFormat.valueOf(args[1]);
        } else {
            upstream = ApiFormat.OPENAI_RESPONSES;
            recorded = record(upstream, 42);
        }
        int events = SseText.parse(new String(recorded, StandardCharsets.UTF_8)).size();
        System.out.printf("recorded %s stream: %,d bytes, %,d events%n", upstream, recorded.length, events);

        List<String> names = new ArrayList<>(List.of("passthrough (byte copy)", "passthrough + SSE framing"));
        List<Body> bodies = new ArrayList<>(List.of(TranslateBenchmark::copy, TranslateBenchmark::framed));
        for (ApiFormat client : ApiFormat.values()) {
            if (client != upstream) {
                Translation t = Translators.find(client, upstream).orElseThrow();
                names.add("translated -> " + client);
                bodies.add(in -> translated(in, t));
            }
        }
        // Rounds interleave the variants so machine noise spreads evenly; the median of each is reported.
        double[][] rates = new double[bodies.size()][RUNS];
        long sink = 0;
        // Thread CPU time, not wall time: on a shared machine other processes' load does not count against a run.
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 0; round < WARMUP + RUNS; round++) {
            for (int v = 0; v < bodies.size(); v++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                sink += bodies.get(v).run(new ByteArrayInputStream(recorded));
                long ns = Math.max(1, cpu.getCurrentThreadCpuTime() - t0);
                if (round >= WARMUP) {
                    rates[v][round - WARMUP] = recorded.length / (ns / 1e9);
                }
            }
        }
        double perEvent = recorded.length / (double) events;
        double copy = median(rates[0]);
        double framed = median(rates[1]);
        for (int v = 0; v < bodies.size(); v++) {
            double rate = median(rates[v]);
            System.out.printf("%-30s %8.1f MB/s %10.0f events/s %7.2f us/event", names.get(v), rate / 1e6,
                    rate / perEvent, 1e6 * perEvent / rate);
            if (v >= 2) {
                System.out.printf("  | %.3fx byte copy, %.3fx framed, +%.2f us/event vs byte copy",
                        rate / copy, rate / framed, 1e6 * perEvent / rate - 1e6 * perEvent / copy);
            }
            System.out.println();
        }
        System.out.println("(checksum " + sink % 1000 + ")");
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private interface Body {
        long run(InputStream in) throws IOException;
    }

    private static long copy(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[CHUNK];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            out.flush();
        }
        return out.size();
    }

    private static long framed(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseText parser = new SseText();
        byte[] buf = new byte[CHUNK];
        int n;
        while ((n = in.read(buf)) > 0) {
            for (SseEvent e : parser.feed(buf, 0, n)) {
                out.write(SseText.write(e).getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        }
        return out.size();
    }

    private static long translated(InputStream in, Translation t) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TranslateContext ctx = new TranslateContext("client-model", "upstream-model", true).withCodex(true);
        StreamTranslator st = t.stream(ctx);
        SseText parser = new SseText();
        byte[] buf = new byte[CHUNK];
        int n;
        while ((n = in.read(buf)) > 0) {
            for (SseEvent e : parser.feed(buf, 0, n)) {
                for (SseEvent o : st.onEvent(e)) {
                    out.write(SseText.write(o).getBytes(StandardCharsets.UTF_8));
                }
            }
            out.flush();
        }
        for (SseEvent o : st.finish()) {
            out.write(SseText.write(o).getBytes(StandardCharsets.UTF_8));
        }
        return out.size();
    }

    /** A long answer as the upstream streams it: reasoning, text in small deltas, four parallel tool calls. */
    static byte[] record(ApiFormat upstream, long seed) {
        Random rnd = new Random(seed);
        List<SseEvent> events = new ArrayList<>();
        TranslateContext ctx = new TranslateContext("upstream-model", "upstream-model", true).withIds("bench", 1L);
        Sequencer seq = new Sequencer(Codec.of(upstream).encoder(ctx, events), s -> s);
        seq.accept(new StreamEvent.Started("resp_bench", "upstream-model", null));
        for (int i = 0; i < 400; i++) {
            seq.accept(new StreamEvent.ThinkingDelta(word(rnd)));
        }
        seq.accept(new StreamEvent.ThinkingSignature("gAAAAB" + "x".repeat(1200)));
        for (int i = 0; i < 2000; i++) {
            seq.accept(new StreamEvent.TextDelta(word(rnd)));
        }
        for (int c = 0; c < 4; c++) {
            String key = "k" + c;
            seq.accept(new StreamEvent.ToolCallStart(key, "call_" + c, "read_file"));
            seq.accept(new StreamEvent.ToolCallDelta(key, "{\"path\":\""));
            for (int i = 0; i < 40; i++) {
                seq.accept(new StreamEvent.ToolCallDelta(key, word(rnd)));
            }
            seq.accept(new StreamEvent.ToolCallDelta(key, "\"}"));
            seq.accept(new StreamEvent.ToolCallEnd(key));
        }
        seq.accept(new StreamEvent.Finished(StopReason.TOOL_USE, new Usage(12000, 3000, 9000, 0, 800)));
        StringBuilder sb = new StringBuilder();
        events.forEach(e -> sb.append(SseText.write(e)));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String word(Random rnd) {
        String[] w = {" the", " stream", " of", " tokens", " é", " 🚀", " translated", "\n", " quickly", ","};
        return w[rnd.nextInt(w.length)];
    }
}
