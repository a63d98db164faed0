package dev.spacegate.server.gateway.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;


/**
 * Gateway benchmark: added latency at concurrency 1, throughput at concurrency 64 and 512 concurrent SSE streams,
 * against a fixed-latency fake upstream, for the upstream directly, Spacegate, and nginx (when installed).
 *
 * <p>Run: {@code ./mvnw -q -pl server -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.spacegate.server.gateway.bench.GatewayBench [-Dexec.args="requests=3000"]}
 */
public final class GatewayBench {
    private static final String KEY = "bench-key-not-secret";
    private static final byte[] CHAT = ("{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] STREAM = ("{\"model\":\"bench\",\"stream\":true,\"messages\":[]}")
            .getBytes(StandardCharsets.UTF_8);

    /** The image's entrypoint flags (space: ImageSpec.DEFAULT_JVM_FLAGS); {@code jvm-flags=...} overrides. */
    private static final String IMAGE_JVM_FLAGS = "-Xms64m -Xmx144m -Xmn48m -XX:+UseSerialGC "
            + "-XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=48m -XX:MaxDirectMemorySize=32m -Xss512k "
            + "-XX:+UnlockExperimentalVMOptions -XX:TrimNativeHeapInterval=5000 -XX:ThreadPriorityPolicy=1 "
            + "-XX:JavaPriority1_To_OSPriority=19 -XX:JavaPriority8_To_OSPriority=0 -XX:JavaPriority9_To_OSPriority=0 "
            + "-XX:JavaPriority10_To_OSPriority=0 "
            + "-XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED";

    private GatewayBench() {
    }

    public static void main(String[] args) throws Exception {
        // the fake upstream and the clients wake on sockets as the server does: less noise in the baseline
        dev.spacegate.server.Main.preferPlatformPollers();
        // log as the packaged server does (logging.properties: access log written off the request thread)
        io.helidon.logging.common.LogConfig.configureRuntime();
        int status = 0;
        try {
            run(args);
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        // the fake upstream's and clients' non-daemon threads would keep the JVM alive
        System.exit(status);
    }

    private static void run(String[] args) throws Exception {
        int requests = intArg(args, "requests", 3000);
        int latencyMs = intArg(args, "latency-ms", 5);
        int seconds = intArg(args, "seconds", 5);
        int streams = intArg(args, "streams", 512);
        int streamEvents = intArg(args, "stream-events", 20);
        byte[] answer = ("{\"id\":\"chatcmpl-b\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"up\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + "word ".repeat(40)
                + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":40,"
                + "\"total_tokens\":50}}").getBytes(StandardCharsets.UTF_8);

        WebServer upstream = WebServer.builder().port(0).host("127.0.0.1").routing(r -> r.post("/v1/chat/completions",
                (req, res) -> {
                    boolean stream = new String(req.content().as(byte[].class), StandardCharsets.UTF_8)
                            .contains("\"stream\":true");
                    if (!stream) {
                        Thread.sleep(latencyMs);
                        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(answer);
                        return;
                    }
                    res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
                    try (OutputStream out = res.outputStream()) {
                        for (int i = 0; i < streamEvents; i++) {
                            Thread.sleep(100);
                            out.write(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t" + i
                                    + "\"}}]}\n\n").getBytes(StandardCharsets.UTF_8));
                            out.flush();
                        }
                        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                    }
                })).build().start();

        Path dir = Files.createTempDirectory("gateway-bench");
        // the packaged server in its own JVM with the image's flags, as it runs in production (nginx is its own
        // process too, so neither shares the benchmark's threads)
        String flags = stringArg(args, "jvm-flags", IMAGE_JVM_FLAGS);
        Child spacegate = Server.start(dir.resolve("a"), upstream.port(), flags,
                stringArg(args, "cp", System.getProperty("java.class.path")), stringArg(args, "env", ""));
        // another build of the server (compare-cp=its classpath) as a fourth target: before/after in one run
        // or the same build with other JVM flags (compare-jvm-flags=...): heap sizes A/B in one run
        String compareFlags = stringArg(args, "compare-jvm-flags", "");
        String compareCp = stringArg(args, "compare-cp",
                compareFlags.isEmpty() ? "" : stringArg(args, "cp", System.getProperty("java.class.path")));
        Child compare = compareCp.isEmpty() ? null : Server.start(dir.resolve("b"), upstream.port(),
                compareFlags.isEmpty() ? flags : compareFlags, compareCp, stringArg(args, "compare-env", ""));
        if (stringArg(args, "only", "").equals("streams")) {
            // the stream phase alone (after a warm-up), each Spacegate in turn, stream-rounds times
            throughput(spacegate.port(), 16, intArg(args, "warmup-seconds", 20));
            if (compare != null) {
                throughput(compare.port(), 16, intArg(args, "warmup-seconds", 20));
            }
            boolean histogram = !stringArg(args, "histogram", "").isEmpty();
            for (int r = 0; r < intArg(args, "stream-rounds", 1); r++) {
                streams("spacegate", spacegate, streams, streamEvents, histogram);
                if (compare != null) {
                    streams("compare", compare, streams, streamEvents, histogram);
                }
            }
            if (compare != null) {
                compare.close();
            }
            spacegate.close();
            upstream.stop();
            return;
        }
        Child nginx = Nginx.start(upstream.port(), dir);

        System.out.printf(Locale.ROOT, "fake upstream latency %d ms, %d requests at concurrency 1, %d s at 64%n",
                latencyMs, requests, seconds);
        List<String[]> targets = new ArrayList<>();
        targets.add(new String[]{"upstream", Integer.toString(upstream.port())});
        targets.add(new String[]{"spacegate", Integer.toString(spacegate.port())});
        if (nginx != null) {
            targets.add(new String[]{"nginx", Integer.toString(nginx.port())});
        }
        if (compare != null) {
            targets.add(new String[]{"compare", Integer.toString(compare.port())});
        }
        int[] ports = targets.stream().mapToInt(t -> Integer.parseInt(t[1])).toArray();
        interleaved(ports, requests / 3); // warm-up
        // the JIT keeps compiling Helidon, Jackson and the gateway for tens of seconds on two cores: measure the
        // steady state, as a server that has been up for a while runs
        throughput(ports[1], 16, intArg(args, "warmup-seconds", 20));
        if (compare != null) {
            throughput(compare.port(), 16, intArg(args, "warmup-seconds", 20));
        }
        for (int port : ports) {
            throughput(port, 64, 2);
        }
        // requests to the targets alternate, so machine noise hits all of them alike
        long[][] lat = interleaved(ports, requests);
        // 1 s slices that take turns between the targets, so a burst of other load hits all of them alike
        // and CPU time per request of the Spacegate processes, which other load on the machine hardly moves
        long[] pids = new long[ports.length];
        pids[1] = spacegate.process().pid();
        if (compare != null) {
            pids[ports.length - 1] = compare.process().pid();
        }
        double[] rps = new double[ports.length];
        long[] cpuTicks = new long[ports.length];
        for (int r = 0; r < seconds; r++) {
            for (int i = 0; i < ports.length; i++) {
                long before = cpuTicks(pids[i]);
                rps[i] += throughput(ports[i], 64, 1) / seconds;
                cpuTicks[i] += cpuTicks(pids[i]) - before;
            }
        }
        double b50 = pct(lat[0], 50);
        double b99 = pct(lat[0], 99);
        System.out.printf(Locale.ROOT, "%-10s p50 %.3f ms  p99 %.3f ms  c64 %.0f req/s (baseline)%n", targets.get(0)[0],
                b50, b99, rps[0]);
        for (int i = 1; i < ports.length; i++) {
            double p50 = pct(lat[i], 50);
            double p99 = pct(lat[i], 99);
            System.out.printf(Locale.ROOT, "%-10s p50 %.3f ms  p99 %.3f ms  c64 %.0f req/s  added p50 %+.3f ms"
                            + "  added p99 %+.3f ms  throughput %.2fx of upstream%n", targets.get(i)[0], p50, p99,
                    rps[i], p50 - b50, p99 - b99, rps[i] / rps[0]);
        }
        for (int i = 0; i < ports.length; i++) {
            if (pids[i] != 0) {
                // /proc ticks are 1/100 s on Linux
                System.out.printf(Locale.ROOT, "%-10s CPU per request at 64: %.1f us (%d ticks for %.0f requests)%n",
                        targets.get(i)[0], cpuTicks[i] * 1e4 / (rps[i] * seconds), cpuTicks[i], rps[i] * seconds);
            }
        }
        for (int i = 0; i < ports.length; i++) {
            System.out.printf(Locale.ROOT, "%-10s tail at 1: p90 %.3f  p95 %.3f  p99 %.3f  p99.9 %.3f ms%n",
                    targets.get(i)[0], pct(lat[i], 90), pct(lat[i], 95), pct(lat[i], 99), pct(lat[i], 99.9));
        }
        if (streams > 0) {
            streams("spacegate", spacegate, streams, streamEvents, false);
            if (compare != null) {
                streams("compare", compare, streams, streamEvents, false);
            }
        }

        if (nginx != null) {
            nginx.close();
        }
        if (compare != null) {
            compare.close();
        }
        spacegate.close();
        upstream.stop();
    }

    /** Sequential requests, one keep-alive connection per target, taking turns; latencies in nanoseconds. */
    private static long[][] interleaved(int[] ports, int n) throws IOException {
        long[][] out = new long[ports.length][n];
        RawHttp[] cs = new RawHttp[ports.length];
        try {
            for (int t = 0; t < ports.length; t++) {
                cs[t] = new RawHttp(ports[t]);
            }
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < ports.length; t++) {
                    long t0 = System.nanoTime();
                    int code = cs[t].post("/v1/chat/completions", KEY, CHAT, null);
                    out[t][i] = System.nanoTime() - t0;
                    if (code != 200) {
                        throw new IllegalStateException("status " + code);
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

    /** User plus system CPU time of a process in clock ticks (Linux /proc), 0 when unknown. */
    private static long cpuTicks(long pid) {
        if (pid == 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Requests per second with {@code conc} clients, each on its own connection, for {@code seconds}. */
    private static double throughput(int port, int conc, int seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < conc; i++) {
                fs.add(ex.submit(() -> {
                    try (RawHttp c = new RawHttp(port)) {
                        while (System.nanoTime() < end) {
                            if (c.post("/v1/chat/completions", KEY, CHAT, null) == 200) {
                                done.incrementAndGet();
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

    /**
     * Opens {@code n} SSE streams at once and checks every event arrives without stalls; prints the server's RSS
     * after them. With {@code histogram}, the server's live heap (a class histogram, which collects first) is taken
     * once before the streams and once while all of them are open, and the difference per open stream printed.
     */
    private static void streams(String name, Child server, int n, int eventsPerStream, boolean histogram)
            throws Exception {
        int port = server.port();
        long[] maxGap = new long[n];
        int[] events = new int[n];
        long idle = histogram ? liveHeap(server, null) : 0;
        java.util.concurrent.CountDownLatch flowing = new java.util.concurrent.CountDownLatch(n);
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(ex.submit(() -> {
                    long[] last = {0};
                    try (RawHttp c = new RawHttp(port)) {
                        c.post("/v1/chat/completions", KEY, STREAM, chunk -> {
                            long now = System.nanoTime();
                            String s = new String(chunk, StandardCharsets.UTF_8);
                            int count = s.split("data: ", -1).length - 1;
                            if (count > 0) {
                                if (last[0] != 0) {
                                    maxGap[k] = Math.max(maxGap[k], now - last[0]);
                                }
                                if (events[k] < 2 && events[k] + count >= 2) {
                                    flowing.countDown();
                                }
                                last[0] = now;
                                events[k] += count;
                            }
                        });
                    }
                    return null;
                }));
            }
            if (histogram) {
                if (flowing.await(60, TimeUnit.SECONDS)) {
                    long open = liveHeap(server, name);
                    System.out.printf(Locale.ROOT, "%s: live heap idle %.1f MB, with %d streams open %.1f MB: %.0f"
                            + " bytes per open stream%n", name, idle / 1e6, n, open / 1e6, (open - idle) / (double) n);
                } else {
                    System.out.println(name + ": not every stream was flowing within 60 s; no histogram");
                }
            }
            for (Future<?> f : fs) {
                f.get(60L + eventsPerStream / 5, TimeUnit.SECONDS);
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        long complete = Arrays.stream(events).filter(e -> e == eventsPerStream + 1).count();
        long[] gaps = Arrays.stream(maxGap).sorted().toArray();
        System.out.printf(Locale.ROOT, "%s: %d concurrent SSE streams (%d events, 100 ms apart): %d complete, wall"
                        + " %.2f s, worst inter-event gap p50 %.0f ms, p90 %.0f ms, max %.0f ms (upstream gap 100 ms);"
                        + " RSS %s; load average %s%n", name, n, eventsPerStream, complete, wall,
                gaps[gaps.length / 2] / 1e6, gaps[gaps.length * 9 / 10] / 1e6, gaps[gaps.length - 1] / 1e6,
                server.process().isAlive() ? rssMb(server.process().pid()) + " MB" : "- (the server exited)",
                Files.readString(Path.of("/proc/loadavg")).substring(0, 14));
    }

    /** The server's RSS in MB (VmRSS from /proc), or -1. */
    private static long rssMb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return -1;
    }

    /**
     * Bytes of live objects in the server (jcmd GC.class_histogram, a full collection first); with a label, its
     * top 25 classes are printed and the whole histogram saved beside the server's log.
     */
    private static long liveHeap(Child server, String label) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(server.process().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        long total = 0;
        for (String l : out.split("\n")) {
            String t = l.trim();
            if (t.startsWith("Total")) {
                total = Long.parseLong(t.split("\\s+")[2]);
            }
        }
        if (label != null) {
            Path file = Files.createTempFile("histogram-" + label + "-", ".txt");
            Files.writeString(file, out);
            System.out.println(label + ": class histogram with the streams open in " + file + "; top classes:");
            out.lines().skip(1).limit(27).forEach(System.out::println);
        }
        return total;
    }

    private static double pct(long[] v, double p) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e6;
    }

    private static String stringArg(String[] args, String name, String dflt) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return dflt;
    }

    private static int intArg(String[] args, String name, int dflt) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(dflt)));
    }

    /** A server the benchmark started as its own process, listening on {@code port}. */
    private record Child(Process process, int port) implements AutoCloseable {
        @Override
        public void close() {
            process.destroy();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Spacegate's {@code Main} in a child JVM: embedded SQLite, usage recorded, access log on, as packaged. */
    private static final class Server {
        private Server() {
        }

        /** {@code env} is extra environment for the server, {@code K=V} pairs separated by spaces. */
        static Child start(Path dir, int upstreamPort, String jvmFlags, String classPath, String env)
                throws Exception {
            int port = freePort();
            Path data = Files.createDirectories(dir.resolve("spacegate"));
            Path config = data.resolve("config.yaml");
            Files.writeString(config, """
                    api-keys: ["%s"]
                    openai-compatibility:
                      - name: bench
                        base-url: http://127.0.0.1:%d/v1
                        api-key-entries: [{api-key: upstream-bench-key}]
                        models: [{name: up, alias: bench}]
                    """.formatted(KEY, upstreamPort));
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(Arrays.asList(jvmFlags.trim().split("\\s+")));
            cmd.addAll(List.of("-cp", classPath, "dev.spacegate.server.Main",
                    "--config", config.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(data.resolve("out.log").toFile());
            pb.environment().put("PORT", Integer.toString(port));
            pb.environment().put("HOST", "127.0.0.1");
            pb.environment().put("DATA_DIR", data.resolve("data").toString());
            pb.environment().put("MANAGEMENT_PASSWORD", "bench-management-key-not-secret");
            for (String kv : env.trim().split("\\s+")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            Process p = pb.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && p.isAlive()) {
                try (RawHttp c = new RawHttp(port)) {
                    if (c.post("/v1/chat/completions", KEY, CHAT, null) == 200) {
                        System.out.println("spacegate (" + dir.getFileName() + "): the packaged server, JVM flags "
                                + jvmFlags + (env.isBlank() ? "" : ", with " + env.replaceAll("=\\S*", "=…")));
                        return new Child(p, port);
                    }
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            p.destroy();
            throw new IllegalStateException("spacegate did not start; see " + data.resolve("out.log"));
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** nginx as a plain reverse proxy in front of the same upstream, when the binary is installed. */
    private static final class Nginx {
        private Nginx() {
        }

        static Child start(int upstreamPort, Path dir) throws Exception {
            Path bin = Path.of("/usr/sbin/nginx");
            if (!Files.isExecutable(bin)) {
                System.out.println("nginx not installed: skipping the nginx comparison");
                return null;
            }
            int port = freePort();
            Path prefix = Files.createDirectories(dir.resolve("nginx"));
            Path conf = prefix.resolve("nginx.conf");
            Files.writeString(conf, """
                    worker_processes 1;
                    daemon off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log warn;
                    events { worker_connections 4096; }
                    http {
                      access_log off;
                      client_body_temp_path %1$s/body;
                      proxy_temp_path %1$s/proxy;
                      fastcgi_temp_path %1$s/fastcgi;
                      uwsgi_temp_path %1$s/uwsgi;
                      scgi_temp_path %1$s/scgi;
                      upstream up { server 127.0.0.1:%2$d; keepalive 128; }
                      server {
                        listen 127.0.0.1:%3$d;
                        keepalive_requests 1000000;
                        location / {
                          proxy_pass http://up;
                          proxy_http_version 1.1;
                          proxy_set_header Connection "";
                          proxy_buffering off;
                        }
                      }
                    }
                    """.formatted(prefix, upstreamPort, port));
            Process p = new ProcessBuilder(bin.toString(), "-p", prefix.toString(), "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("out.log").toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                    s.shutdownOutput();
                    return new Child(p, port);
                } catch (IOException e) {
                    Thread.sleep(50);
                }
            }
            p.destroy();
            System.out.println("nginx did not start: skipping the nginx comparison");
            return null;
        }
    }
}
