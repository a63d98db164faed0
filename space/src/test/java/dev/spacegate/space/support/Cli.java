package dev.spacegate.space.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the publisher CLI in its own JVM, as CI does, capturing everything it prints and its exit code. */
public final class Cli {
    private Cli() {
    }

    /** Runs {@code dev.spacegate.space.Main args} with exactly {@code env} (plus PATH and HOME). */
    public static Processes.Result run(List<String> args, Map<String, String> env, Path dir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.spacegate.space.Main");
        cmd.addAll(args);
        Map<String, String> full = new HashMap<>();
        full.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        full.put("HOME", System.getProperty("user.home"));
        full.putAll(env);
        return Processes.runClean(cmd, full, dir, Duration.ofMinutes(4));
    }
}
