package dev.spacegate.server.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.spacegate.server.Main;

/** A Spacegate server started as {@code Main} is, in a child JVM on loopback port 0, with its output kept. */
public final class MainProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");

    private final Process process;
    private final List<String> output;
    private final CompletableFuture<Void> ended;
    private final int port;

    private MainProcess(Process process, int port, List<String> output, CompletableFuture<Void> ended) {
        this.process = process;
        this.port = port;
        this.output = output;
        this.ended = ended;
    }

    /**
     * Writes {@code configYaml} to {@code dir}/config.yaml and starts a server there (data in {@code dir}/data) with
     * {@code env} on top; waits until it prints where it listens.
     *
     * @param maxHeap the child's {@code -Xmx}, e.g. {@code 160m}
     */
    public static MainProcess start(String name, Path dir, String configYaml, String maxHeap,
            Map<String, String> env) throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, configYaml);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--config", config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOST", "127.0.0.1");
        pb.environment().put("PORT", "0");
        pb.environment().put("DATA_DIR", dir.resolve("data").toString());
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
            throw new IllegalStateException(name + " did not start:\n" + String.join("\n", lines));
        }
        return new MainProcess(p, bound, lines, ended);
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    /** Everything it printed so far. */
    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** Its output lines that contain {@code text}. */
    public List<String> logLines(String text) {
        synchronized (output) {
            return output.stream().filter(l -> l.contains(text)).toList();
        }
    }

    /** The last line it printed, once its output has ended. */
    public String lastLine() throws Exception {
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
