package dev.spacegate.persistence.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real smart-HTTP git server for tests: {@code git http-backend} run as CGI behind the JDK's HTTP server on
 * loopback, with HTTP basic auth. Repositories live under {@code root}; URLs are {@code <uri>/<name>.git}.
 */
public final class GitHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Path root;
    private final String expectedAuth;
    final AtomicInteger pushes = new AtomicInteger();

    public GitHttpServer(Path root, String user, String password) throws IOException {
        this.root = root;
        this.expectedAuth = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/git/", this::handle);
        server.start();
    }

    /** True when this machine has git with http-backend. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("git", "--exec-path").redirectErrorStream(true).start();
            String dir = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && Path.of(dir, "git-http-backend").toFile().canExecute();
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Creates an empty bare repository whose HEAD points at main. */
    public void createRepo(String name) throws IOException, InterruptedException {
        run("git", "-c", "init.defaultBranch=main", "init", "-q", "--bare", root.resolve(name + ".git").toString());
    }

    /** Runs git against a repository and returns its stdout. */
    public String git(String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "--git-dir", root.resolve(name + ".git").toString()));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    public static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("git failed: " + String.join(" ", cmd) + "\n" + out);
        }
        return out;
    }

    public String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/git/" + name + ".git";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!expectedAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            String pathInfo = ex.getRequestURI().getRawPath().substring("/git".length());
            if (pathInfo.endsWith("/git-receive-pack")) {
                pushes.incrementAndGet();
            }
            ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
            Map<String, String> env = pb.environment();
            env.put("GIT_PROJECT_ROOT", root.toString());
            env.put("GIT_HTTP_EXPORT_ALL", "1");
            env.put("PATH_INFO", pathInfo);
            env.put("QUERY_STRING", ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
            env.put("REQUEST_METHOD", ex.getRequestMethod());
            env.put("CONTENT_LENGTH", Integer.toString(body.length));
            env.put("REMOTE_USER", "tester");
            env.put("REMOTE_ADDR", "127.0.0.1");
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                env.put("CONTENT_TYPE", type);
            }
            String encoding = ex.getRequestHeaders().getFirst("Content-Encoding");
            if (encoding != null) {
                env.put("HTTP_CONTENT_ENCODING", encoding);
            }
            String protocol = ex.getRequestHeaders().getFirst("Git-Protocol");
            if (protocol != null) {
                env.put("HTTP_GIT_PROTOCOL", protocol);
            }
            Process p = pb.start();
            Thread.ofVirtual().start(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(body);
                } catch (IOException ignored) {
                    // the backend may close early on errors; its response says why
                }
            });
            Thread.ofVirtual().start(() -> {
                try (InputStream err = p.getErrorStream()) {
                    err.transferTo(OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // nothing to report
                }
            });
            byte[] out = p.getInputStream().readAllBytes();
            int split = indexOf(out, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            int skip = 4;
            if (split < 0) {
                split = indexOf(out, "\n\n".getBytes(StandardCharsets.US_ASCII));
                skip = 2;
            }
            int status = 200;
            String head = split < 0 ? "" : new String(out, 0, split, StandardCharsets.ISO_8859_1);
            for (String line : head.split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String k = line.substring(0, colon).trim();
                String v = line.substring(colon + 1).trim();
                if (k.equalsIgnoreCase("Status")) {
                    status = Integer.parseInt(v.split(" ")[0]);
                } else {
                    ex.getResponseHeaders().add(k, v);
                }
            }
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            if (split >= 0) {
                payload.write(out, split + skip, out.length - split - skip);
            }
            ex.sendResponseHeaders(status, payload.size() == 0 ? -1 : payload.size());
            if (payload.size() > 0) {
                ex.getResponseBody().write(payload.toByteArray());
            }
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
