package dev.spacegate.space.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the external tools the publisher's tests use. A missing tool skips the test with a printed reason,
 * except under {@code CI=true}, where it fails: CI installs them with ci/install-publisher-test-deps.sh.
 */
public final class Tools {
    private Tools() {
    }

    /** The cache that ci/install-publisher-test-deps.sh fills (base image tar, npm packages). */
    public static Path cacheDir() {
        String env = System.getenv("SPACEGATE_TEST_CACHE");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "spacegate-test");
    }

    /** Path of an executable on PATH (or absolute), or null. */
    public static Path find(String name) {
        if (name.startsWith("/")) {
            return Files.isExecutable(Path.of(name)) ? Path.of(name) : null;
        }
        return Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst().orElse(null);
    }

    /** Requires a tool: returns its path, or skips (fails under CI=true) naming the package that provides it. */
    public static Path require(String name, String debianPackage) {
        Path p = find(name);
        requireThat(p != null, name + " not found (apt-get install " + debianPackage
                + ", or run ci/install-publisher-test-deps.sh)");
        return p;
    }

    /** Requires a file prepared by the installer script. */
    public static Path requireFile(Path file, String what) {
        requireThat(Files.isRegularFile(file), what + " missing at " + file + " (run ci/install-publisher-test-deps.sh)");
        return file;
    }

    /** Skips with {@code reason} printed when {@code ok} is false; under CI=true fails instead. */
    public static void requireThat(boolean ok, String reason) {
        if (ok) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail("CI=true and a test prerequisite is missing: " + reason);
        }
        System.out.println("SKIPPED: " + reason);
        System.err.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
