package dev.spacegate.space.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion and captures its combined output. */
public final class Processes {
    /** Exit code and combined stdout+stderr. */
    public record Result(int exit, String output) {
    }

    private Processes() {
    }

    public static Result run(List<String> command, Map<String, String> env, Path dir, Duration timeout) {
        return start(command, env, dir, timeout, false);
    }

    /** Like {@link #run} but the child sees only {@code env}, nothing inherited. */
    public static Result runClean(List<String> command, Map<String, String> env, Path dir, Duration timeout) {
        return start(command, env, dir, timeout, true);
    }

    private static Result start(List<String> command, Map<String, String> env, Path dir, Duration timeout,
            boolean clean) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (clean) {
            pb.environment().clear();
        }
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        if (env != null) {
            pb.environment().putAll(env);
        }
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            var out = new java.io.ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    p.getInputStream().transferTo(out);
                } catch (IOException ignored) {
                    // process ended
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                reader.join();
                return new Result(-1, out.toString(StandardCharsets.UTF_8) + "\n[timed out after " + timeout + "]");
            }
            reader.join();
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
