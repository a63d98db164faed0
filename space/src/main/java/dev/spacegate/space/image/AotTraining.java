package dev.spacegate.space.image;

import dev.spacegate.space.PublishException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The training run: loads the stage-1 image (no archive) into a container engine, asks its JVM for its version,
 * starts the server in a container with the flag that writes an archive at exit (a fresh embedded store in the
 * container's {@code /tmp}, as a Space's first start has), sends the requests a fresh deployment gets first, stops
 * it with SIGTERM so the JVM exits normally and writes the archive, and copies the archive out. Runs the image's own
 * JVM with the image's own flags and class path, which is what makes the archive valid for the final image.
 */
final class AotTraining {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** The AOT cache is assembled at exit by a second JVM; slow on two busy cores, so generous. */
    private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern SPEC_VERSION = Pattern.compile("java\\.specification\\.version = (\\d+)");

    private final ContainerRuntime runtime;
    private final Consumer<String> log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final SecureRandom random = new SecureRandom();

    AotTraining(ContainerRuntime runtime, Consumer<String> log) {
        this.runtime = runtime;
        this.log = log;
    }

    /** Trains on the stage-1 image written to {@code imageTar} as {@code imageName}; the archive goes to {@code out}. */
    AotArchive train(ImageSpec spec, Path imageTar, String imageName, Path outDir) {
        require(runtime.run(Map.of(), COMMAND_TIMEOUT, "load", "-i", imageTar.toString()), "load the stage-1 image");
        String container = "spacegate-aot-training-" + hex(4);
        try {
            int version = javaVersion(imageName);
            ArchiveKind kind = ArchiveKind.forJavaVersion(version);
            String inContainer = "/tmp/" + kind.fileName();
            log.accept("aot: training on the base image's JDK " + version + " with " + runtime.name() + " ("
                    + kind.writeFlag(inContainer) + ")");
            int port = freePort();
            String managementKey = "training-management-key-" + hex(16);
            String clientKey = "training-client-key-" + hex(16);
            List<String> command = ImageBuilder.entrypoint(spec, List.of(kind.writeFlag(inContainer)));
            List<String> args = new ArrayList<>(List.of("run", "-d", "--name", container, "--network", "host",
                    "-e", "PORT=" + port, "-e", "HOST=127.0.0.1", "-e", "MANAGEMENT_PASSWORD",
                    "--entrypoint", command.getFirst(), imageName));
            args.addAll(command.subList(1, command.size()));
            long started = System.nanoTime();
            // The key goes by name (-e NAME), so it is not on the command line; it is a throwaway anyway.
            require(runtime.run(Map.of("MANAGEMENT_PASSWORD", managementKey), COMMAND_TIMEOUT,
                    args.toArray(String[]::new)), "start the training container");
            String base = "http://127.0.0.1:" + port;
            awaitHealth(container, base);
            String exercised = exercise(base, managementKey, clientKey);
            log.accept(String.format(Locale.ROOT, "aot: server up in %.1f s; first requests: %s",
                    (System.nanoTime() - started) / 1e9, exercised));
            require(runtime.run(Map.of(), COMMAND_TIMEOUT, "kill", "--signal", "TERM", container), "stop the server");
            long stopping = System.nanoTime();
            ContainerRuntime.Result exited = runtime.run(Map.of(), EXIT_TIMEOUT, "wait", container);
            if (!exited.ok()) {
                throw failure("the training JVM did not exit: " + exited.output().strip(), container);
            }
            Files.createDirectories(outDir);
            Path out = outDir.resolve(kind.fileName());
            Files.deleteIfExists(out);
            ContainerRuntime.Result copied = runtime.run(Map.of(), COMMAND_TIMEOUT, "cp",
                    container + ":" + inContainer, out.toString());
            if (!copied.ok() || !Files.isRegularFile(out) || Files.size(out) == 0) {
                throw failure("the training JVM wrote no archive at " + inContainer, container);
            }
            log.accept(String.format(Locale.ROOT, "aot: wrote %s, %.1f MB, in %.1f s after the stop", kind.fileName(),
                    Files.size(out) / 1e6, (System.nanoTime() - stopping) / 1e9));
            return new AotArchive(out, kind, false);
        } catch (IOException e) {
            throw new PublishException("aot_training", "cannot store the archive in " + outDir + ": "
                    + e.getMessage());
        } finally {
            runtime.run(Map.of(), COMMAND_TIMEOUT, "rm", "-f", container);
            runtime.run(Map.of(), COMMAND_TIMEOUT, "rmi", imageName);
        }
    }

    /** The image's JVM feature version, from {@code java -XshowSettings:properties -version} run in it. */
    private int javaVersion(String imageName) {
        ContainerRuntime.Result r = require(runtime.run(Map.of(), COMMAND_TIMEOUT, "run", "--rm", "--entrypoint",
                "java", imageName, "-XshowSettings:properties", "-version"), "run java -version in the image");
        Matcher m = SPEC_VERSION.matcher(r.output());
        if (!m.find()) {
            throw new PublishException("aot_training", "the base image's java printed no java.specification.version: "
                    + tail(r.output()));
        }
        return Integer.parseInt(m.group(1));
    }

    private void awaitHealth(String container, String base) {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (send(HttpRequest.newBuilder(URI.create(base + "/health")).GET(), null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // the JVM is still starting
            }
            String running = runtime.run(Map.of(), COMMAND_TIMEOUT, "inspect", "--format", "{{.State.Running}}",
                    container).output().strip();
            if (!running.equals("true")) {
                throw failure("the server in the training container exited before /health answered", container);
            }
            pause(Duration.ofMillis(100));
        }
        throw failure("no /health 200 from the training container within " + START_TIMEOUT.toSeconds() + " s",
                container);
    }

    /**
     * What a fresh deployment serves first, so those classes (and, on JDK 25+, their profiles) are in the archive:
     * health checks, the panel page, a management read and write, a client's model list and a chat request for a
     * model nobody serves (the gateway's parse, route and error path). Returns "path status" pairs.
     */
    private String exercise(String base, String managementKey, String clientKey) {
        record Call(String method, String path, String body, String bearer) {
        }
        List<Call> calls = List.of(new Call("GET", "/health", null, null), new Call("GET", "/healthz", null, null),
                new Call("GET", "/", null, null),
                new Call("GET", "/v0/management/api-keys", null, managementKey),
                new Call("PUT", "/v0/management/api-keys", "[\"" + clientKey + "\"]", managementKey),
                new Call("GET", "/v0/management/usage", null, managementKey),
                new Call("GET", "/status", null, managementKey),
                new Call("GET", "/v1/models", null, clientKey),
                new Call("POST", "/v1/chat/completions", "{\"model\":\"training-model\",\"messages\":[{\"role\":"
                        + "\"user\",\"content\":\"hello\"}]}", clientKey));
        List<String> seen = new ArrayList<>();
        for (Call c : calls) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + c.path()))
                    .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(c.body()));
            if (c.body() != null) {
                b.header("Content-Type", "application/json");
            }
            try {
                seen.add(c.method() + " " + c.path() + " " + send(b, c.bearer()).statusCode());
            } catch (IOException e) {
                seen.add(c.method() + " " + c.path() + " failed (" + e.getClass().getSimpleName() + ")");
            }
        }
        return String.join(", ", seen);
    }

    private HttpResponse<Void> send(HttpRequest.Builder request, String bearer) throws IOException {
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted", "interrupted during the training run");
        }
    }

    private ContainerRuntime.Result require(ContainerRuntime.Result r, String what) {
        if (!r.ok()) {
            throw new PublishException("aot_training", runtime.name() + " could not " + what + ": " + tail(r.output()));
        }
        return r;
    }

    /** A failure with the end of the container's log (minus the line that shows the training's generated key). */
    private PublishException failure(String message, String container) {
        String logs = runtime.run(Map.of(), COMMAND_TIMEOUT, "logs", container).output().lines()
                .filter(l -> !l.contains("shown once")).collect(Collectors.joining("\n"));
        return new PublishException("aot_training", message + "; container log:\n" + tail(logs));
    }

    private static String tail(String text) {
        List<String> lines = text.strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new PublishException("aot_training", "no free loopback port for the training run: " + e.getMessage());
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted", "interrupted during the training run");
        }
    }
}
