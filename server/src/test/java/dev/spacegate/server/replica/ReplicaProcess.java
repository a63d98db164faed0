package dev.spacegate.server.replica;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.spacegate.server.Main;

/** One Spacegate server started as {@code Main} is, in a child JVM, with its output kept for failure messages. */
final class ReplicaProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String name;
    private final Process process;
    private final List<String> output;
    private final int port;

    private ReplicaProcess(String name, Process process, int port, List<String> output) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /** Starts a server in {@code dir} (its working and data directory) with {@code env} on top of loopback:0. */
    static ReplicaProcess start(String name, Path dir, String configYaml, Map<String, String> env) throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, configYaml);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--config", config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOST", "127.0.0.1");
        pb.environment().put("PORT", "0");
        pb.environment().put("DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("REPLICA_ID", name);
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
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
        });
        int bound;
        try {
            bound = port.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            bound = -1;
        }
        if (bound <= 0) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " did not start:\n" + String.join("\n", lines));
        }
        return new ReplicaProcess(name, p, bound, lines);
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
        synchronized (output) {
            return output.stream().filter(l -> l.contains(text)).toList();
        }
    }

    /** SIGTERM and wait: usage in memory is flushed on the way out. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            stop();
        }
    }
}
