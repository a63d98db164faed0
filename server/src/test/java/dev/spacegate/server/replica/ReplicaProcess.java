package dev.spacegate.server.replica;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.spacegate.server.testing.MainProcess;

/** One Spacegate server started as {@code Main} is, in a child JVM, with its output kept for failure messages. */
final class ReplicaProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String name;
    private final MainProcess server;
    private final int port;

    private ReplicaProcess(String name, MainProcess server) {
        this.name = name;
        this.server = server;
        this.port = server.port();
    }

    /** Starts a server in {@code dir} (its working and data directory) with {@code env} on top of loopback:0. */
    static ReplicaProcess start(String name, Path dir, String configYaml, Map<String, String> env) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("REPLICA_ID", name);
        return new ReplicaProcess(name, MainProcess.start(name, dir, configYaml, "192m", all));
    }

    HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Its output lines that contain {@code text}. */
    List<String> logLines(String text) {
        return server.logLines(text);
    }

    /** SIGTERM and wait: usage in memory is flushed on the way out. */
    void stop() throws InterruptedException {
        server.process().destroy();
        if (!server.process().waitFor(30, TimeUnit.SECONDS)) {
            server.close();
        }
    }

    @Override
    public void close() throws Exception {
        if (server.process().isAlive()) {
            stop();
        }
    }
}
