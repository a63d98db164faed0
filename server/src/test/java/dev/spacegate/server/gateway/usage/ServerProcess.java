package dev.spacegate.server.gateway.usage;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.spacegate.server.Main;

/** A Spacegate server started as {@code Main} is, in a child JVM, killed or stopped like a container. */
final class ServerProcess implements AutoCloseable {
    static final String CLIENT_KEY = "usage-wal-client-key-not-secret";
    static final String MANAGEMENT_KEY = "usage-wal-management-key-not-secret";
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final List<String> output;
    private final CompletableFuture<Void> ended;
    final int port;

    private ServerProcess(Process process, int port, List<String> output, CompletableFuture<Void> ended) {
        this.process = process;
        this.port = port;
        this.output = output;
        this.ended = ended;
    }

    /** Starts a server with its data in {@code dir}/data, answering with the fake upstream at {@code upstream}. */
    static ServerProcess start(Path dir, int upstream, Map<String, String> env) throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, """
                api-keys: ["%s"]
                openai-compatibility:
                  - name: fake
                    base-url: http://127.0.0.1:%d/v1
                    api-key-entries: [{api-key: upstream-key-not-secret}]
                    models: [{name: up, alias: wal}]
                """.formatted(CLIENT_KEY, upstream));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--config", config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOST", "127.0.0.1");
        pb.environment().put("PORT", "0");
        pb.environment().put("DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("MANAGEMENT_PASSWORD", MANAGEMENT_KEY);
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (Exception ignored) {
                // the process ended
            }
            port.complete(-1);
            ended.complete(null);
        });
        int bound;
        try {
            bound = port.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            bound = -1;
        }
        if (bound <= 0) {
            p.destroyForcibly();
            throw new IllegalStateException("server did not start:\n" + String.join("\n", lines));
        }
        return new ServerProcess(p, bound, lines, ended);
    }

    /** SIGKILL: nothing runs on the way out. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, waits for the exit; returns how long the stop took in milliseconds. */
    long sigterm() throws Exception {
        long t0 = System.nanoTime();
        new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not stop within 60 s");
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (process.exitValue() != 0) {
            throw new IllegalStateException("server exited with " + process.exitValue() + ":\n"
                    + String.join("\n", output().subList(Math.max(0, output().size() - 30), output().size())));
        }
        return ms;
    }

    /** The usage block of {@code /status}. */
    JsonNode usageStatus() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                .header("Authorization", "Bearer " + MANAGEMENT_KEY).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/status answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("usage");
    }

    /** Waits until the usage log is drained into the database. */
    void awaitDrained(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode u = usageStatus();
        while (u.path("pending").asLong(-1) != 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("usage log not drained: " + u + "\n" + String.join("\n", output()));
            }
            Thread.sleep(200); // polling the server's own status, nothing to wait on in this process
            u = usageStatus();
        }
    }

    List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** The last line the server printed. */
    String lastLine() throws Exception {
        ended.get(10, TimeUnit.SECONDS);
        List<String> out = output();
        return out.isEmpty() ? "" : out.getLast();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
