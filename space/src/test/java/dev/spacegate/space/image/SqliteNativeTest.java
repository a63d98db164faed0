package dev.spacegate.space.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spacegate.space.support.Processes;
import dev.spacegate.space.support.ServerBuild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's SQLite driver loads the native library unpacked at build time: with the entrypoint's flags a JVM opens
 * a database without copying the library to its temporary directory; without them (the fallback) it copies it.
 */
class SqliteNativeTest {
    @TempDir
    Path dir;

    @Test
    void theDriverLoadsTheUnpackedLibraryInsteadOfCopyingItsOwn() throws Exception {
        ServerBuild server = ServerBuild.require();
        ImageSpec spec = new ImageSpec("unused-base", server.jar(), server.libsDir(), ServerBuild.MAIN_CLASS,
                ImageSpec.DEFAULT_JVM_FLAGS, "unused/target", List.of("latest"), null, null, null, false,
                dir.resolve("cache"));
        Path lib = ImageBuilder.sqliteNative(spec);
        assertNotNull(lib, "the server's dependencies hold sqlite-jdbc with a linux/amd64 library");
        assertEquals(lib, ImageBuilder.sqliteNative(spec), "unpacked once, then reused");
        List<String> entrypoint = ImageBuilder.entrypoint(spec, List.of());
        assertTrue(entrypoint.containsAll(ImageBuilder.SQLITE_NATIVE_FLAGS), entrypoint.toString());
        assertTrue(ImageBuilder.SQLITE_NATIVE_FLAGS.contains("-Dorg.sqlite.lib.name=" + lib.getFileName()));

        // the image's flags, with the image's /app/native replaced by where this build unpacked the library
        List<String> flags = ImageBuilder.SQLITE_NATIVE_FLAGS.stream()
                .map(f -> f.startsWith("-Dorg.sqlite.lib.path=") ? "-Dorg.sqlite.lib.path=" + lib.getParent() : f)
                .toList();
        String with = open(Files.createDirectory(dir.resolve("tmp-with")), flags);
        assertTrue(with.contains("sqlite 3."), with);
        assertTrue(with.contains("temporary files: []"), "no copy of the library in the temporary directory: " + with);

        String without = open(Files.createDirectory(dir.resolve("tmp-without")), List.of());
        assertTrue(without.contains("sqlite 3."), without);
        assertTrue(without.contains("libsqlitejdbc.so"),
                "without the flags the driver copies its library (what the flags avoid): " + without);
    }

    private String open(Path tmp, List<String> flags) throws Exception {
        String sqliteJar;
        try (Stream<Path> s = Files.list(ServerBuild.require().libsDir())) {
            sqliteJar = s.filter(p -> p.getFileName().toString().startsWith("sqlite-jdbc-")).findFirst()
                    .orElseThrow().toString();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Djava.io.tmpdir=" + tmp, "-Dorg.sqlite.tmpdir=" + tmp,
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(flags);
        command.addAll(List.of("-cp", sqliteJar + ":" + System.getProperty("java.class.path"), Probe.class.getName(),
                dir.resolve("probe.db").toString()));
        Processes.Result r = Processes.run(command, Map.of(), dir, Duration.ofSeconds(60));
        assertEquals(0, r.exit(), r.output());
        return r.output();
    }

    /**
     * Run in a child JVM: opens a SQLite database, prints the library's version and, while it is open, what the
     * temporary directory holds (the driver deletes its copy when the JVM exits).
     */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
                    ResultSet r = c.createStatement().executeQuery("SELECT sqlite_version()");
                    Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                r.next();
                System.out.println("sqlite " + r.getString(1));
                System.out.println("temporary files: " + tmp.map(p -> p.getFileName().toString()).toList());
            }
        }
    }
}
