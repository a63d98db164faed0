package dev.spacegate.space.image;

import dev.spacegate.space.PublishException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A container engine's command line, podman or docker: the publisher uses only commands both spell the same way
 * ({@code load}, {@code run}, {@code kill}, {@code wait}, {@code cp}, {@code logs}, {@code rm}, {@code rmi}).
 *
 * @param binary the executable
 */
public record ContainerRuntime(Path binary) {
    /** Looked for on PATH in this order when none is named: podman needs no daemon, docker is the common one. */
    static final List<String> KNOWN = List.of("podman", "docker");

    /** Exit code and combined output of one command. */
    public record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    /** The named runtime (a name on PATH or a path), else the first of {@link #KNOWN} on {@code path}. */
    public static Optional<ContainerRuntime> find(Optional<String> named, String path) {
        List<String> candidates = named.map(List::of).orElse(KNOWN);
        for (String name : candidates) {
            Path found = name.contains("/") ? Path.of(name) : onPath(name, path);
            if (found != null && Files.isExecutable(found)) {
                return Optional.of(new ContainerRuntime(found));
            }
        }
        return Optional.empty();
    }

    private static Path onPath(String name, String path) {
        return Arrays.stream((path == null ? "/usr/bin:/bin" : path).split(":")).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst().orElse(null);
    }

    /** {@code podman} or {@code docker}, for messages. */
    public String name() {
        return binary.getFileName().toString();
    }

    /**
     * Runs {@code <binary> args...} with {@code env} added to the publisher's environment (values passed by name
     * with {@code -e NAME} stay off the command line), waiting at most {@code timeout}.
     */
    public Result run(Map<String, String> env, Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    p.getInputStream().transferTo(out);
                } catch (IOException ended) {
                    // the process closed its output
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                reader.join();
                return new Result(-1, out.toString(StandardCharsets.UTF_8) + "\n(" + name() + " " + args[0]
                        + " timed out after " + timeout.toSeconds() + " s)");
            }
            reader.join();
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PublishException("container_runtime", "cannot run " + binary + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted", "interrupted while running " + name() + " " + args[0]);
        }
    }
}
