package dev.spacegate.space.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

/**
 * The real server's build output that the publisher packages: {@code server/target/spacegate-server.jar} and its
 * dependency jars in {@code server/target/libs}, made by the reactor's {@code package} phase of the server module,
 * which runs before this module's tests under {@code ./mvnw -B verify}. When the space module runs alone
 * ({@code -pl space}) and the server was never built, or was edited since, the tests that ship it are skipped with
 * a message saying how to build it (and fail under {@code CI=true}); there is no stand-in.
 *
 * @param jar     the server jar
 * @param libsDir its dependency jars
 */
public record ServerBuild(Path jar, Path libsDir) {
    /** The server's main class, the publisher's default {@code --main-class}. */
    public static final String MAIN_CLASS = "dev.spacegate.server.Main";

    private static final String HOW = "build it first: ./mvnw -B -pl server,space -am verify (or ./mvnw -B -pl server "
            + "-am package -DskipTests, then the space tests)";

    /** The server build, or a skipped (under CI: failed) test naming what is missing. */
    public static ServerBuild require() {
        String dir = System.getProperty("spacegate.server.target");
        Tools.requireThat(dir != null && !dir.isBlank(),
                "system property spacegate.server.target is not set (run the tests through Maven)");
        Path target = Path.of(dir).toAbsolutePath().normalize();
        Path jar = target.resolve("spacegate-server.jar");
        Path libs = target.resolve("libs");
        Tools.requireThat(Files.isRegularFile(jar), "the server jar " + jar + " is missing: " + HOW);
        Tools.requireThat(hasJars(libs), "the server's dependency jars in " + libs + " are missing: " + HOW);
        Path repo = target.getParent().getParent();
        try {
            FileTime built = Files.getLastModifiedTime(jar);
            for (Path sources : new Path[] {repo.resolve("server/src/main"), repo.resolve("persistence/src/main")}) {
                Path newer = newerThan(sources, built);
                Tools.requireThat(newer == null, "the server jar " + jar + " is older than " + newer + ": " + HOW);
            }
        } catch (IOException e) {
            Tools.requireThat(false, "cannot read the server build in " + target + ": " + e.getMessage());
        }
        return new ServerBuild(jar, libs);
    }

    private static boolean hasJars(Path libs) {
        if (!Files.isDirectory(libs)) {
            return false;
        }
        try (Stream<Path> s = Files.list(libs)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".jar"));
        } catch (IOException e) {
            return false;
        }
    }

    private static Path newerThan(Path dir, FileTime time) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                try {
                    return Files.getLastModifiedTime(p).compareTo(time) > 0;
                } catch (IOException e) {
                    return false;
                }
            }).findFirst().orElse(null);
        }
    }
}
