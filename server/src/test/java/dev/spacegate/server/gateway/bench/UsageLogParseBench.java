package dev.spacegate.server.gateway.bench;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.server.gateway.usage.UsageRecord;
import dev.spacegate.server.providers.ApiFormat;

/**
 * The usage writer's read of its log, per line: the tree it used to build ({@code readTree}, then the normaliser
 * walking it, {@link UsageEvent#fromJson(com.fasterxml.jackson.databind.JsonNode)}) against the streaming parse it
 * does now ({@link UsageEvent#fromJson(byte[], int, int)}), over the same lines written by {@link UsageRecord#toJsonLine} into one buffer as the log reader sees
 * them. Rounds alternate between the two; each prints wall and thread-CPU time and bytes allocated per line.
 *
 * <p>Run: {@code ./mvnw -q -B -o -pl server test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.spacegate.server.gateway.bench.UsageLogParseBench -Dexec.args="200000 6"}
 * (lines, rounds of each; the persistence module installed first).
 */
public final class UsageLogParseBench {
    private static final ObjectMapper TREES = new ObjectMapper();
    private static final List<String> MODELS = List.of("gpt-5", "gpt-5-mini", "claude-sonnet-4-5", "claude-haiku-4-5",
            "gemini-2.5-pro", "gemini-2.5-flash", "deepseek-chat", "qwen3-coder");
    private static final List<String> ENDPOINTS = List.of("POST /v1/chat/completions", "POST /v1/messages",
            "POST /v1/responses");

    private UsageLogParseBench() {
    }

    /** One way of turning a line into an event. */
    private interface Parse {
        UsageEvent parse(byte[] data, int from, int length) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        ByteArrayOutputStream log = new ByteArrayOutputStream(n * 1100);
        int[] starts = new int[n + 1];
        Random random = new Random(19);
        for (int i = 0; i < n; i++) {
            starts[i] = log.size();
            log.write(record(random, i).toJsonLine());
        }
        starts[n] = log.size();
        byte[] data = log.toByteArray();
        System.out.printf(Locale.ROOT, "%,d lines, %,d bytes (%d bytes a line), %d rounds each, alternating%n",
                n, data.length, data.length / n, rounds);

        Parse tree = (d, from, len) -> UsageEvent.fromJson(TREES.readTree(d, from, len));
        Parse streamed = UsageEvent::fromJson;
        sameEvents(data, starts, tree, streamed);

        double[][] results = new double[2][rounds];
        for (int r = -1; r < rounds; r++) { // round -1 warms both up
            for (int way = 0; way < 2; way++) {
                int w = (r + way) % 2 == 0 ? 0 : 1; // alternate which way goes first
                double[] m = round(data, starts, w == 0 ? tree : streamed);
                if (r >= 0) {
                    results[w][r] = m[1];
                    System.out.printf(Locale.ROOT, "round %d %-9s %6.0f ns/line wall, %6.0f ns/line CPU, %6.0f B/line%n",
                            r + 1, w == 0 ? "tree" : "streaming", m[0], m[1], m[2]);
                }
            }
        }
        double treeMedian = median(results[0]);
        double streamMedian = median(results[1]);
        System.out.printf(Locale.ROOT, "median CPU: tree %.0f ns/line, streaming %.0f ns/line (tree / streaming %.2fx)%n",
                treeMedian, streamMedian, treeMedian / streamMedian);
    }

    /** A request as the gateway records it: varied models, credentials, client keys, counts, a few failures. */
    private static UsageRecord record(Random random, int i) {
        UsageRecord u = new UsageRecord();
        u.timestamp = Instant.parse("2026-12-04T12:00:00Z").plusNanos(i * 7_000_123L);
        u.latencyMs = 150 + random.nextInt(12_000);
        u.ttftMs = u.latencyMs / 4;
        u.source = "fake-upstream-key-not-secret-" + random.nextInt(12);
        u.authIndex = HexFormat.of().toHexDigits(random.nextInt(12) * 0x9E3779B97F4A7C15L);
        u.clientIp = "203.0.113." + random.nextInt(250);
        u.userAgent = "OpenAI/Python 1.99.0";
        ObjectNode usage = JsonNodeFactory.instance.objectNode().put("prompt_tokens", 200 + random.nextInt(20_000))
                .put("completion_tokens", 10 + random.nextInt(2_000));
        usage.putObject("prompt_tokens_details").put("cached_tokens", random.nextInt(150));
        usage.putObject("completion_tokens_details").put("reasoning_tokens", random.nextInt(400));
        u.tokens.observe(ApiFormat.OPENAI_CHAT, JsonNodeFactory.instance.objectNode().set("usage", usage));
        u.provider = "openai-compatibility";
        u.executorType = "openai";
        String model = MODELS.get(random.nextInt(MODELS.size()));
        u.model = "up-" + model;
        u.alias = model;
        u.endpoint = ENDPOINTS.get(random.nextInt(ENDPOINTS.size()));
        u.apiKey = "fake-client-key-not-secret-" + random.nextInt(5);
        u.requestId = HexFormat.of().toHexDigits(random.nextInt());
        if (random.nextInt(100) < 3) {
            u.failed = true;
            u.statusCode = 429;
            u.failBody = "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\"}}";
        }
        return u;
    }

    /** Both ways give the same events (but for when they were created): the comparison is fair. */
    private static void sameEvents(byte[] data, int[] starts, Parse a, Parse b) throws Exception {
        for (int i = 0; i + 1 < starts.length; i++) {
            int len = starts[i + 1] - starts[i] - 1;
            ObjectNode x = a.parse(data, starts[i], len).toJson();
            ObjectNode y = b.parse(data, starts[i], len).toJson();
            x.remove("created_at_ms");
            y.remove("created_at_ms");
            if (!x.equals(y)) {
                throw new IllegalStateException("line " + i + " differs:\n" + x + "\n" + y);
            }
        }
    }

    /** Parses every line once; returns wall ns, thread CPU ns and bytes allocated, each per line. */
    private static double[] round(byte[] data, int[] starts, Parse way) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        int n = starts.length - 1;
        long sink = 0;
        long bytes0 = mx.getThreadAllocatedBytes(thread);
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            UsageEvent e = way.parse(data, starts[i], starts[i + 1] - starts[i] - 1); // without the '\n'
            sink += e.inputTokens() + e.eventHash().charAt(0);
        }
        long wall = System.nanoTime() - wall0;
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long bytes = mx.getThreadAllocatedBytes(thread) - bytes0;
        if (sink == 42) {
            System.out.println(); // keeps the results alive
        }
        return new double[] {(double) wall / n, (double) cpu / n, (double) bytes / n};
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
