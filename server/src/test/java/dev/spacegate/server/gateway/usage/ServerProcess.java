package dev.spacegate.server.gateway.usage;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.spacegate.server.testing.MainProcess;

/** A Spacegate server started as {@code Main} is, in a child JVM, killed or stopped like a container. */
final class ServerProcess implements AutoCloseable {
    static final String CLIENT_KEY = "usage-wal-client-key-not-secret";
    static final String MANAGEMENT_KEY = "usage-wal-management-key-not-secret";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MainProcess server;
    private final Process process;
    final int port;

    private ServerProcess(MainProcess server) {
        this.server = server;
        this.process = server.process();
        this.port = server.port();
    }

    /** Starts a server with its data in {@code dir}/data, answering with the fake upstream at {@code upstream}. */
    static ServerProcess start(Path dir, int upstream, Map<String, String> env) throws Exception {
        String yaml = """
                api-keys: ["%s"]
                openai-compatibility:
                  - name: fake
                    base-url: http://127.0.0.1:%d/v1
                    api-key-entries: [{api-key: upstream-key-not-secret}]
                    models: [{name: up, alias: wal}]
                """.formatted(CLIENT_KEY, upstream);
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("MANAGEMENT_PASSWORD", MANAGEMENT_KEY);
        return new ServerProcess(MainProcess.start("server", dir, yaml, "160m", all));
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
        return server.output();
    }

    /** The last line the server printed. */
    String lastLine() throws Exception {
        return server.lastLine();
    }

    @Override
    public void close() {
        server.close();
    }
}
