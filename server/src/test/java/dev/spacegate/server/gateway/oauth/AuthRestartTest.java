package dev.spacegate.server.gateway.oauth;

import dev.spacegate.persistence.auth.GitHttpServer;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.JSON;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.fields;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.file;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.responses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.spacegate.server.gateway.support.GatewayHarness;

/**
 * Restart survival on every AuthStore backend: a server process gets 10 auth files (one of them refreshed after a
 * 401), is killed with SIGKILL, loses its local data directory and starts again: all 10 are listed and usable and
 * the refreshed token is the one in use. Contents never reach the process's log output and are sealed at rest.
 */
class AuthRestartTest {
    private static final String GIT_USER = "tester";
    private static final String GIT_TOKEN = "git-token-not-secret";
    private static FakeProvider fake;
    private static GitHttpServer git;
    private static Path gitRoot;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        fake = new FakeProvider();
        if (GitHttpServer.available()) {
            gitRoot = Files.createTempDirectory("oauth-git");
            git = new GitHttpServer(gitRoot, GIT_USER, GIT_TOKEN);
        }
    }

    @AfterAll
    static void stop() {
        fake.close();
        if (git != null) {
            git.close();
        }
    }

    /** One server process and everything it printed. */
    private static final class Child {
        final Process process;
        final int port;
        final List<String> output = new CopyOnWriteArrayList<>();
        private final Thread reader;

        Child(Map<String, String> env) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), OAuthChild.class.getName());
            pb.environment().putAll(env);
            pb.redirectErrorStream(true);
            process = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            int p = -1;
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.add(line);
                if (line.startsWith("PORT ")) {
                    p = Integer.parseInt(line.substring(5).trim());
                    break;
                }
            }
            assertTrue(p > 0, "the server did not start: " + String.join("\n", output).replaceAll(
                    "[a-z0-9-]*not-secret", "<secret>"));
            port = p;
            reader = Thread.ofVirtual().start(() -> out.lines().forEach(output::add));
        }

        void kill9() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL: no shutdown hooks, nothing flushed
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
            reader.join(10_000); // everything the process printed before it died
        }
    }

    private HttpResponse<String> call(Child c, String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"database-sqlite", "database-postgres", "dir", "git"})
    void tenAuthFilesSurviveKillAndLostLocalData(String backend) throws Exception {
        Path root = Files.createTempDirectory("restart-" + backend);
        Path local = root.resolve("local");
        Path volume = root.resolve("volume");
        Map<String, String> env = new HashMap<>();
        env.put("DATA_KEY", OAuthTesting.DATA_KEY);
        env.put("FAKE_URL", fake.url());
        env.put("DATA_DIR", local.toString());
        String schema = "restart_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        String repo = "auths-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        switch (backend) {
            case "database-sqlite" -> {
                // embedded: the SQLite file is the store, so it lives on the persistent volume
                env.put("DATA_DIR", volume.toString());
                env.put("AUTH_STORE", "database");
            }
            case "database-postgres" -> {
                String url = Optional.ofNullable(System.getenv("PG_TEST_URL")).filter(s -> !s.isBlank()).orElse(null);
                if (url == null) {
                    System.out.println("AuthRestartTest[database-postgres] skipped: PG_TEST_URL is not set");
                    Assumptions.abort("PG_TEST_URL is not set");
                }
                env.put("PGSTORE_DSN", url);
                env.put("PGSTORE_SCHEMA", schema);
                env.put("PGSTORE_CONNECT_WAIT_SECONDS", "5");
                env.put("AUTH_STORE", "database");
            }
            case "dir" -> {
                env.put("AUTH_STORE", "dir");
                env.put("AUTH_DIR", volume.resolve("auths").toString());
            }
            case "git" -> {
                if (git == null) {
                    System.out.println("AuthRestartTest[git] skipped: git with http-backend is not installed");
                    Assumptions.abort("git http-backend not available");
                }
                git.createRepo(repo);
                env.put("AUTH_STORE", "git");
                env.put("GITSTORE_GIT_URL", git.url(repo));
                env.put("GITSTORE_GIT_USERNAME", GIT_USER);
                env.put("GITSTORE_GIT_TOKEN", GIT_TOKEN);
            }
            default -> throw new IllegalArgumentException(backend);
        }
        String tag = backend.replace("-", "");
        List<String> expected = new ArrayList<>();
        Child first = new Child(env);
        List<String> output = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                String token = i == 0 ? "stale-" + tag + "-not-secret" : fake.issueValid("rs-" + tag + i + "-not-secret");
                expected.add(token);
                byte[] json = file("codex", token, "rs-r-" + tag + i + "-not-secret",
                        Instant.now().plus(Duration.ofDays(30)), fields().put("prefix", tag + i));
                HttpResponse<String> up = call(first, "POST", "/v0/management/auth-files?name=codex-" + tag + i + ".json",
                        new String(json, StandardCharsets.UTF_8), GatewayHarness.MANAGEMENT_KEY);
                assertEquals(200, up.statusCode(), up.body());
            }
            // file 0 holds a token the provider rejects: 401 -> refresh -> retry, written through before the kill
            HttpResponse<String> r0 = call(first, "POST", "/v1/responses", responses(tag + "0/gpt-5"),
                    GatewayHarness.CLIENT_KEY);
            assertEquals(200, r0.statusCode(), r0.body());
            String fresh = fake.calls.get(fake.calls.size() - 1).token();
            assertNotEquals(expected.get(0), fresh);
            expected.set(0, fresh);
        } finally {
            first.kill9();
            output.addAll(first.output);
        }
        deleteTree(local);
        assertFalse(Files.exists(local));

        Child second = new Child(env);
        try {
            JsonNode files = JSON.readTree(call(second, "GET", "/v0/management/auth-files", null,
                    GatewayHarness.MANAGEMENT_KEY).body()).path("files");
            assertEquals(10, files.size(), files.toString());
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = call(second, "POST", "/v1/responses", responses(tag + i + "/gpt-5"),
                        GatewayHarness.CLIENT_KEY);
                assertEquals(200, r.statusCode(), "file " + i + ": " + r.body());
                assertEquals(expected.get(i), fake.calls.get(fake.calls.size() - 1).token(), "file " + i);
            }
            long refreshes = fake.tokenRequests.stream()
                    .filter(f -> ("rs-r-" + tag + "0-not-secret").equals(f.get("refresh_token"))).count();
            assertEquals(1, refreshes, "the token refreshed before the kill is used, not refreshed again");
        } finally {
            second.kill9();
            output.addAll(second.output);
        }
        assertTrue(output.stream().anyMatch(l -> l.contains("refreshed the token of auth file")),
                "the server's log output was captured");
        for (String line : output) {
            assertFalse(line.contains("not-secret") || line.contains("access_token"),
                    "auth file content in the server's output: " + line.replaceAll("[a-z0-9-]*not-secret", "<secret>"));
        }
        assertSealedAtRest(backend, env, volume, repo);
        deleteTree(root);
    }

    private void assertSealedAtRest(String backend, Map<String, String> env, Path volume, String repo)
            throws Exception {
        List<String> stored = new ArrayList<>();
        switch (backend) {
            case "database-sqlite" -> stored.addAll(sealedColumn("jdbc:sqlite:" + volume.resolve("spacegate.db"),
                    "SELECT sealed FROM auth_files"));
            case "database-postgres" -> stored.addAll(sealedColumn(env.get("PGSTORE_DSN"),
                    "SELECT sealed FROM \"" + env.get("PGSTORE_SCHEMA") + "\".auth_files"));
            case "dir" -> {
                try (Stream<Path> s = Files.list(volume.resolve("auths"))) {
                    for (Path p : s.toList()) {
                        stored.add(Files.readString(p, StandardCharsets.ISO_8859_1));
                    }
                }
            }
            case "git" -> stored.add(git.git(repo, "log", "-p", "--all"));
            default -> throw new IllegalArgumentException(backend);
        }
        assertTrue(stored.size() >= 1 && !String.join("", stored).isBlank(), "nothing found at rest for " + backend);
        for (String s : stored) {
            assertFalse(s.contains("not-secret") || s.contains("access_token"), backend + " holds plaintext");
        }
    }

    private static List<String> sealedColumn(String jdbcUrl, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        assertEquals(10, out.size());
        return out;
    }

    private static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
