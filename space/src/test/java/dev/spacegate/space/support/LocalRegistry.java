package dev.spacegate.space.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** A real Docker registry (Debian's docker-registry) on a free loopback port, optionally with htpasswd auth. */
public final class LocalRegistry implements AutoCloseable {
    /** Registry user for the authenticated registry. */
    public static final String USER = "publisher";
    /** Its password; fake. */
    public static final String PASSWORD = "test-registry-password-not-secret";
    /** bcrypt of {@link #PASSWORD} (htpasswd accepts only bcrypt). */
    private static final String HTPASSWD_LINE = USER + ":$2b$12$KO465CoWbCQyUNtV6Pfb/.863fw2fdvJvzQIqTZ8hoGD940rNIuya\n";

    private final Process process;
    private final int port;

    private LocalRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a registry; {@code withAuth} requires {@link #USER}/{@link #PASSWORD}. */
    public static LocalRegistry start(Path dir, boolean withAuth) throws IOException, InterruptedException {
        Path binary = Tools.require("docker-registry", "docker-registry");
        int port = Tools.freePort();
        Files.createDirectories(dir);
        String auth = "";
        if (withAuth) {
            Files.writeString(dir.resolve("htpasswd"), HTPASSWD_LINE);
            auth = "auth: {htpasswd: {realm: test, path: " + dir.resolve("htpasswd") + "}}\n";
        }
        Path config = dir.resolve("registry.yml");
        Files.writeString(config, "version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\n"
                + "storage: {filesystem: {rootdirectory: " + dir.resolve("data") + "}, delete: {enabled: true}}\n"
                + "http: {addr: 127.0.0.1:" + port + "}\n" + auth);
        Process p = new ProcessBuilder(binary.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalRegistry r = new LocalRegistry(p, port);
        r.awaitUp();
        return r;
    }

    private void awaitUp() throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited with " + process.exitValue());
            }
            try {
                int s = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (s == 200 || s == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(Duration.ofMillis(50));
        }
        throw new IllegalStateException("docker-registry did not answer on port " + port);
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
