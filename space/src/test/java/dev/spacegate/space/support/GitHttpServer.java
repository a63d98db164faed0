package dev.spacegate.space.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real smart-HTTP git server: {@code git http-backend} behind a small CGI shim on com.sun.net.httpserver,
 * with HTTP Basic auth (any user name, the token as password, as the Hugging Face git server does).
 * Repositories live under {@code root}; a Space {@code o/n} is at {@code root/spaces/o/n}.
 */
public final class GitHttpServer implements AutoCloseable {
    private static final Path BACKEND = Path.of("/usr/lib/git-core/git-http-backend");

    private final HttpServer server;
    private final Path root;
    private final String token;
    /** Count of receive-pack POSTs, i.e. push attempts that got past auth. */
    public final AtomicInteger pushes = new AtomicInteger();
    public final AtomicInteger unauthorized = new AtomicInteger();

    public GitHttpServer(Path root, String token) throws IOException {
        Tools.requireThat(Files.isExecutable(BACKEND), "git http-backend not found at " + BACKEND + " (apt-get install git)");
        this.root = root;
        this.token = token;
        Files.createDirectories(root);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public Path repoDir(String spaceId) {
        return root.resolve("spaces").resolve(spaceId);
    }

    /** Makes every push to {@code spaceId} fail the way Hugging Face rejects binaries (pre-receive hook). */
    public void rejectPushes(String spaceId, boolean reject) throws IOException {
        Path hook = repoDir(spaceId).resolve("hooks/pre-receive");
        if (!reject) {
            Files.deleteIfExists(hook);
            return;
        }
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, "#!/bin/sh\necho 'Your push was rejected because it contains binary files.' >&2\n"
                + "echo 'Offending files: - image.bin (ref: refs/heads/main)' >&2\nexit 1\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                unauthorized.incrementAndGet();
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            if (path.endsWith("/git-receive-pack")) {
                pushes.incrementAndGet();
            }
            Map<String, String> env = new HashMap<>();
            env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            env.put("GIT_PROJECT_ROOT", root.toString());
            env.put("GIT_HTTP_EXPORT_ALL", "1");
            env.put("PATH_INFO", path);
            env.put("REQUEST_METHOD", ex.getRequestMethod());
            env.put("QUERY_STRING", ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
            env.put("CONTENT_LENGTH", String.valueOf(body.length));
            env.put("REMOTE_USER", "space-owner");
            env.put("REMOTE_ADDR", "127.0.0.1");
            putHeader(ex, env, "Content-Type", "CONTENT_TYPE");
            putHeader(ex, env, "Content-Encoding", "HTTP_CONTENT_ENCODING");
            putHeader(ex, env, "Git-Protocol", "GIT_PROTOCOL");
            ProcessBuilder pb = new ProcessBuilder(BACKEND.toString()).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            Thread writer = Thread.ofVirtual().start(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(body);
                } catch (IOException ignored) {
                    // backend closed its input early
                }
            });
            byte[] out;
            try (InputStream stdout = p.getInputStream()) {
                out = stdout.readAllBytes();
            }
            writer.join();
            p.waitFor();
            respond(ex, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void putHeader(HttpExchange ex, Map<String, String> env, String header, String var) {
        String v = ex.getRequestHeaders().getFirst(header);
        if (v != null) {
            env.put(var, v);
        }
    }

    /** Splits the CGI output into headers (Status: maps to the HTTP status) and body. */
    private static void respond(HttpExchange ex, byte[] cgi) throws IOException {
        int split = -1;
        int sepLen = 0;
        for (int i = 0; i + 1 < cgi.length; i++) {
            if (cgi[i] == '\n' && cgi[i + 1] == '\n') {
                split = i;
                sepLen = 2;
                break;
            }
            if (i + 3 < cgi.length && cgi[i] == '\r' && cgi[i + 1] == '\n' && cgi[i + 2] == '\r' && cgi[i + 3] == '\n') {
                split = i;
                sepLen = 4;
                break;
            }
        }
        if (split < 0) {
            ex.sendResponseHeaders(500, -1);
            return;
        }
        int status = 200;
        for (String line : new String(cgi, 0, split, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ")[0]);
            } else {
                ex.getResponseHeaders().add(name, value);
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(cgi, split + sepLen, cgi.length - split - sepLen);
        ex.sendResponseHeaders(status, body.size() == 0 ? -1 : body.size());
        if (body.size() > 0) {
            ex.getResponseBody().write(body.toByteArray());
        }
    }

    private boolean authorized(String header) {
        if (header == null || !header.startsWith("Basic ")) {
            return false;
        }
        String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon > 0 && decoded.substring(colon + 1).equals(token);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
