package dev.spacegate.server.gateway.bench;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;

import dev.spacegate.server.gateway.GatewayService;
import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.Yaml;

/**
 * Translation through the real gateway: the same client format served by a same-format upstream
 * (passthrough) and by an upstream of another format (translated), against one fixed-latency fake upstream
 * that speaks both Chat Completions and Claude Messages. Reports added latency at concurrency 1, JSON
 * throughput at concurrency 64 and streamed throughput at concurrency 16, translated vs passthrough.
 *
 * <p>Run: {@code java -cp ... dev.spacegate.server.gateway.bench.TranslationGatewayBench
 * [requests=2000 latency-ms=5 seconds=5 events=40]}
 */
public final class TranslationGatewayBench {
    private static final String KEY = "bench-key-not-secret";
    /** Non-200 answers during the throughput rounds by status (reported; they do not count as done). */
    private static final Map<String, AtomicLong> FAILED = new ConcurrentHashMap<>();

    /** One client request shape against one model. */
    private record Scenario(String name, String path, byte[] plain, byte[] stream) {
    }

    private TranslationGatewayBench() {
    }

    public static void main(String[] args) throws Exception {
        // log as the packaged server does (logging.properties: access log written off the request thread)
        io.helidon.logging.common.LogConfig.configureRuntime();
        int rc = 0;
        try {
            run(args);
        } catch (Exception e) {
            System.err.println("benchmark failed: " + e);
            rc = 1;
        } finally {
            System.exit(rc);
        }
    }

    private static void run(String[] args) throws Exception {
        int requests = intArg(args, "requests", 2000);
        int latencyMs = intArg(args, "latency-ms", 5);
        int seconds = intArg(args, "seconds", 5);
        int events = intArg(args, "events", 40);
        WebServer upstream = fakeUpstream(latencyMs, events);
        Path dir = Files.createTempDirectory("translation-bench");
        GatewayService gateway = new GatewayService(Yaml.tree("""
                api-keys: ["%1$s"]
                openai-compatibility:
                  - name: bench
                    base-url: http://127.0.0.1:%2$d/v1
                    api-key-entries: [{api-key: upstream-bench-key}]
                    models: [{name: chat-up, alias: chat-m}]
                claude-api-key:
                  - api-key: upstream-bench-key
                    base-url: http://127.0.0.1:%2$d
                    models: [{name: claude-up, alias: claude-m}]
                """.formatted(KEY, upstream.port())), (req, res) -> false, records -> { },
                CooldownStore.none(), dir.resolve("journal"));
        WebServer spacegate = WebServer.builder().port(0).host("127.0.0.1")
                .connectionOptions(o -> o.tcpNoDelay(true)) // as Spacegate's server does
                .routing(r -> r.any("/*", (req, res) -> gateway.serve(req, res, req.path().path()))).build().start();
        int port = spacegate.port();

        // pairs: [passthrough, translated] for the same client format
        Scenario[][] pairs = {
            {chat("chat client <- Chat upstream (passthrough)", "chat-m"),
             chat("chat client <- Claude upstream (translated)", "claude-m")},
            {claude("Claude client <- Claude upstream (passthrough)", "claude-m"),
             claude("Claude client <- Chat upstream (translated)", "chat-m")},
        };
        List<Scenario> all = new ArrayList<>();
        for (Scenario[] p : pairs) {
            all.addAll(List.of(p));
        }
        System.out.printf(Locale.ROOT, "fake upstream latency %d ms; %d requests at concurrency 1, %d x 1 s at 64 (JSON)"
                + " and at 16 (streams of %d events)%n", latencyMs, requests, Math.max(2, seconds), events);
        interleaved(port, all, requests / 4); // warm-up
        for (Scenario s : all) {
            throughput(port, s, false, 64, 1);
            throughput(port, s, true, 16, 1);
        }
        long[][] lat = interleaved(port, all, requests);
        // throughput in short rounds that take turns (order flipped every round), so load from other
        // processes and JIT warm-up land on every scenario alike; the figure is the mean over the rounds
        double[] rps = new double[all.size()];
        double[] sps = new double[all.size()];
        int rounds = Math.max(2, seconds);
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < all.size(); k++) {
                int i = r % 2 == 0 ? k : all.size() - 1 - k;
                rps[i] += throughput(port, all.get(i), false, 64, 1) / rounds;
                sps[i] += throughput(port, all.get(i), true, 16, 1) / rounds;
            }
        }
        for (int p = 0; p < pairs.length; p++) {
            int b = 2 * p;
            int t = b + 1;
            System.out.printf(Locale.ROOT, "%-48s p50 %.3f ms  p99 %.3f ms  c64 %.0f req/s  c16 streams %.0f/s%n",
                    all.get(b).name(), pct(lat[b], 50), pct(lat[b], 99), rps[b], sps[b]);
            System.out.printf(Locale.ROOT, "%-48s p50 %.3f ms  p99 %.3f ms  c64 %.0f req/s  c16 streams %.0f/s%n",
                    all.get(t).name(), pct(lat[t], 50), pct(lat[t], 99), rps[t], sps[t]);
            System.out.printf(Locale.ROOT, "  translated vs passthrough: added p50 %+.3f ms, added p99 %+.3f ms,"
                            + " JSON throughput %.2fx, stream throughput %.2fx%n",
                    pct(lat[t], 50) - pct(lat[b], 50), pct(lat[t], 99) - pct(lat[b], 99), rps[t] / rps[b],
                    sps[t] / sps[b]);
        }
        System.out.printf(Locale.ROOT, "non-200 answers during throughput rounds: %s%n", FAILED);
        spacegate.stop();
        gateway.close();
        upstream.stop();
    }

    private static Scenario chat(String name, String model) {
        return new Scenario(name, "/v1/chat/completions",
                ("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                        + "{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":256}").getBytes(StandardCharsets.UTF_8),
                ("{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"system\",\"content\":"
                        + "\"Be brief.\"},{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":256}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static Scenario claude(String name, String model) {
        return new Scenario(name, "/v1/messages",
                ("{\"model\":\"" + model + "\",\"max_tokens\":256,\"system\":\"Be brief.\",\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8),
                ("{\"model\":\"" + model + "\",\"max_tokens\":256,\"stream\":true,\"system\":\"Be brief.\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8));
    }

    /** One upstream that answers Chat Completions and Claude Messages after the same fixed latency. */
    private static WebServer fakeUpstream(int latencyMs, int events) {
        String words = "word ".repeat(40);
        byte[] chatJson = ("{\"id\":\"chatcmpl-b\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"chat-up\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + words + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":40,"
                + "\"total_tokens\":50}}").getBytes(StandardCharsets.UTF_8);
        byte[] claudeJson = ("{\"id\":\"msg_b\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-up\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"" + words + "\"}],\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":40}}")
                .getBytes(StandardCharsets.UTF_8);
        StringBuilder cs = new StringBuilder();
        String head = "{\"id\":\"chatcmpl-b\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"chat-up\",";
        cs.append("data: ").append(head).append("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                + "\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        for (int i = 0; i < events; i++) {
            cs.append("data: ").append(head).append("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word")
                    .append(i).append(" \"},\"finish_reason\":null}]}\n\n");
        }
        cs.append("data: ").append(head).append("\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"
                + "\n\n");
        cs.append("data: ").append(head).append("\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":"
                + "40,\"total_tokens\":50}}\n\ndata: [DONE]\n\n");
        byte[] chatStream = cs.toString().getBytes(StandardCharsets.UTF_8);
        StringBuilder ms = new StringBuilder();
        ms.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_b\",\"type\":"
                + "\"message\",\"role\":\"assistant\",\"model\":\"claude-up\",\"content\":[],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n");
        ms.append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        for (int i = 0; i < events; i++) {
            ms.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                    + "{\"type\":\"text_delta\",\"text\":\"word").append(i).append(" \"}}\n\n");
        }
        ms.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        ms.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":40}}\n\n");
        ms.append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        byte[] claudeStream = ms.toString().getBytes(StandardCharsets.UTF_8);
        return WebServer.builder().port(0).host("127.0.0.1").routing(r -> r
                .post("/v1/chat/completions", (req, res) -> answer(req.content().as(byte[].class), res, latencyMs,
                        chatJson, chatStream))
                .post("/v1/messages", (req, res) -> answer(req.content().as(byte[].class), res, latencyMs,
                        claudeJson, claudeStream))).build().start();
    }

    private static void answer(byte[] request, io.helidon.webserver.http.ServerResponse res, int latencyMs,
                               byte[] json, byte[] stream) throws Exception {
        boolean streamed = new String(request, StandardCharsets.UTF_8).contains("\"stream\":true");
        Thread.sleep(latencyMs);
        if (!streamed) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json").send(json);
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        try (OutputStream out = res.outputStream()) {
            // a fast model: the whole stream in one write, so the figure is the gateway's per-event work
            out.write(stream);
        }
    }

    /** Sequential non-stream requests on one keep-alive connection per scenario, taking turns; nanoseconds. */
    private static long[][] interleaved(int port, List<Scenario> all, int n) throws Exception {
        long[][] out = new long[all.size()][n];
        RawHttp[] cs = new RawHttp[all.size()];
        try {
            for (int t = 0; t < cs.length; t++) {
                cs[t] = new RawHttp(port);
            }
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < cs.length; t++) {
                    long t0 = System.nanoTime();
                    int code = cs[t].post(all.get(t).path(), KEY, all.get(t).plain(), null);
                    out[t][i] = System.nanoTime() - t0;
                    if (code != 200) {
                        throw new IllegalStateException(all.get(t).name() + ": status " + code);
                    }
                }
            }
        } finally {
            for (RawHttp c : cs) {
                if (c != null) {
                    c.close();
                }
            }
        }
        return out;
    }

    /** Completed requests per second with {@code conc} clients on their own connections for {@code seconds}. */
    private static double throughput(int port, Scenario s, boolean stream, int conc, int seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < conc; i++) {
                fs.add(ex.submit(() -> {
                    try (RawHttp c = new RawHttp(port)) {
                        while (System.nanoTime() < end) {
                            int code = c.post(s.path(), KEY, stream ? s.stream() : s.plain(), stream ? b -> { } : null);
                            if (code == 200) {
                                done.incrementAndGet();
                            } else {
                                FAILED.computeIfAbsent(s.name() + " " + code, k -> new AtomicLong()).incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        return done.get() / (double) seconds;
    }

    private static double pct(long[] v, int p) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e6;
    }

    private static int intArg(String[] args, String name, int dflt) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return dflt;
    }
}
