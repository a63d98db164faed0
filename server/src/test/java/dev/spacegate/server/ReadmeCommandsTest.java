package dev.spacegate.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.spacegate.persistence.TestPg;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's two commands on a fresh machine: {@code JAVA_HOME} unset and an older {@code java} (17 here) first on
 * {@code PATH}, as on the CI machine. {@code ./spacegate run} builds and starts the server from a fresh copy of the
 * repository; without any JDK 21+ the launcher stops with one line saying what to install.
 */
class ReadmeCommandsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static Path copy;

    @BeforeAll
    static void freshCopy() throws Exception {
        copy = Files.createTempDirectory("sg-readme-");
        // the files a clone has: tracked and new ones, without build output
        Process p = new ProcessBuilder("sh", "-c", "git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C '"
                + copy + "'").directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        TestPg.deleteTree(copy);
    }

    /** A JDK older than 21 on this machine (the "fresh machine's default java"), if there is one. */
    private static Optional<Path> olderJdk() throws IOException {
        Path jvm = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvm)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jvm)) {
            return dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")))
                    .filter(d -> d.getFileName().toString().matches(".*-(1[1-7]|8)(-|\\.|$).*")).findFirst();
        }
    }

    private static ProcessBuilder fresh(String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(copy.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        Optional<Path> older = olderJdk();
        older.ifPresent(o -> env.put("PATH", o.resolve("bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin")));
        env.put("MAVEN_ARGS", "-o"); // the local repository is warm; stay off the network
        return pb;
    }

    @Test
    void theReadmeShowsTheseCommands() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains("```sh\n./spacegate run\n```"), "README build-and-run command");
        assertTrue(readme.contains("```sh\n./spacegate mvnw -B verify\n```"), "README test command");
        assertTrue(Files.readString(ROOT.resolve(".ci/run")).contains("./spacegate mvnw -B verify"), "CI runs the README's");
    }

    @Test
    void runBuildsAndStartsWithoutJavaHomeAndWithJava17FirstOnPath() throws Exception {
        ProcessBuilder pb = fresh("./spacegate", "run");
        pb.environment().putAll(Map.of("HOST", "127.0.0.1", "PORT", "0", "DATA_DIR", copy.resolve("data").toString(),
                "MANAGEMENT_PASSWORD", "mgmt-readme-not-secret"));
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        CompletableFuture<Boolean> listening = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (line.contains("Spacegate API gateway listening on")) {
                        return true;
                    }
                }
            } catch (IOException e) {
                return false;
            }
            return false;
        });
        try {
            boolean up = listening.get(15, TimeUnit.MINUTES);
            String output;
            synchronized (lines) {
                output = String.join("\n", lines);
            }
            assertTrue(up, "the server started:\n" + output);
            assertTrue(Files.isRegularFile(copy.resolve("server/target/spacegate-server.jar")));
        } finally {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void withoutAJdk21ItSaysWhatToInstallInOneLine() throws Exception {
        // no subcommand: with a JDK found it would only print its usage (exit 2), so nothing heavy can start
        ProcessBuilder pb = fresh("./spacegate");
        pb.environment().put("JDK_SEARCH_DIRS", copy.resolve("no-jdks-here").toString());
        pb.environment().put("PATH", olderJdk().map(o -> o.resolve("bin") + ":").orElse("") + "/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int code = p.waitFor();
        Assumptions.assumeTrue(code != 2, "a JDK 21+ is on this machine's PATH: " + out);
        assertEquals(1, code, out);
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("JDK 21 or newer") && out.contains("install"), out);
    }
}
