package dev.spacegate.space.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * A stand-in for the server's jars while the real server is not on this branch: a tiny HTTP app (java.base and
 * java.sql only) that answers {@code GET /health} with {@code {"ok":true,...}} and {@code GET /healthz} with
 * {@code {"status":"ok"}} on {@code PORT}, and, when {@code PGSTORE_DSN} (a JDBC URL here) is set, records each
 * start in a table and reports how many starts it finds. Built into a reproducible jar; the PostgreSQL driver
 * goes into the libs directory, like the server's dependencies.
 */
public final class StandInServer {
    public static final String MAIN_CLASS = "standin.Main";

    private static final String SOURCE = """
            package standin;

            import java.io.*;
            import java.net.*;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.*;
            import java.sql.*;

            public final class Main {
                public static void main(String[] args) throws Exception {
                    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "7860"));
                    String dsn = System.getenv("PGSTORE_DSN");
                    String table = System.getenv().getOrDefault("STANDIN_TABLE", "standin_starts");
                    long starts = -1;
                    if (dsn != null && !dsn.isBlank()) {
                        try (Connection c = DriverManager.getConnection(dsn); Statement st = c.createStatement()) {
                            st.execute("create table if not exists " + table + " (id serial primary key)");
                            st.execute("insert into " + table + " default values");
                            try (ResultSet rs = st.executeQuery("select count(*) from " + table)) {
                                rs.next();
                                starts = rs.getLong(1);
                            }
                        }
                    }
                    String uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
                            .filter(l -> l.startsWith("Uid:")).map(l -> l.split("\\\\s+")[1]).findFirst().orElse("?");
                    String health = "{\\"ok\\":true,\\"uid\\":\\"" + uid + "\\",\\"starts\\":" + starts + "}";
                    try (ServerSocket server = new ServerSocket()) {
                        server.bind(new InetSocketAddress("0.0.0.0", port));
                        System.out.println("stand-in listening on " + port);
                        while (true) {
                            try (Socket s = server.accept()) {
                                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                        StandardCharsets.ISO_8859_1));
                                String line = in.readLine();
                                while (true) {
                                    String h = in.readLine();
                                    if (h == null || h.isEmpty()) {
                                        break;
                                    }
                                }
                                String path = line == null ? "" : line.split(" ")[1];
                                String body = path.equals("/health") ? health
                                        : path.equals("/healthz") ? "{\\"status\\":\\"ok\\"}" : null;
                                String status = body == null ? "404 Not Found" : "200 OK";
                                byte[] b = (body == null ? "{}" : body).getBytes(StandardCharsets.UTF_8);
                                OutputStream out = s.getOutputStream();
                                out.write(("HTTP/1.1 " + status + "\\r\\nContent-Type: application/json\\r\\n"
                                        + "Content-Length: " + b.length + "\\r\\nConnection: close\\r\\n\\r\\n")
                                        .getBytes(StandardCharsets.ISO_8859_1));
                                out.write(b);
                                out.flush();
                            } catch (IOException e) {
                                // next client
                            }
                        }
                    }
                }
            }
            """;

    /** Where the jar and libs were written. */
    public record Build(Path jar, Path libsDir) {
    }

    private StandInServer() {
    }

    /** Compiles the stand-in into {@code dir/standin.jar} and copies the PostgreSQL driver into {@code dir/libs}. */
    public static Build build(Path dir) throws IOException {
        Path src = dir.resolve("src/standin/Main.java");
        Path classes = dir.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, SOURCE);
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "21", "-d",
                classes.toString(), src.toString());
        if (rc != 0) {
            throw new IllegalStateException("stand-in server did not compile");
        }
        Path jar = dir.resolve("standin.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, MAIN_CLASS);
        FileTime fixed = FileTime.fromMillis(315532800000L); // 1980-01-01: fixed entry times, reproducible jar
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
            JarEntry m = new JarEntry("META-INF/MANIFEST.MF");
            m.setLastModifiedTime(fixed);
            out.putNextEntry(m);
            mf.write(out);
            out.closeEntry();
            List<Path> files;
            try (Stream<Path> s = Files.walk(classes)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                JarEntry e = new JarEntry(classes.relativize(f).toString().replace('\\', '/'));
                e.setLastModifiedTime(fixed);
                out.putNextEntry(e);
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        Path libs = dir.resolve("libs");
        Files.createDirectories(libs);
        Files.copy(driverJar(), libs.resolve("postgresql.jar"), StandardCopyOption.REPLACE_EXISTING);
        return new Build(jar, libs);
    }

    private static Path driverJar() {
        try {
            return Path.of(Class.forName("org.postgresql.Driver").getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException("PostgreSQL driver not on the test classpath", e);
        }
    }
}
