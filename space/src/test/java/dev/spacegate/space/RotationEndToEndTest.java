package dev.spacegate.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.spacegate.space.support.FakeHub;
import dev.spacegate.space.support.GitHttpServer;
import dev.spacegate.space.support.LocalRegistry;
import dev.spacegate.space.support.Processes;
import dev.spacegate.space.support.ServerBuild;
import dev.spacegate.space.support.SpaceContainers;
import dev.spacegate.space.support.TestDatabase;
import dev.spacegate.space.support.Tools;
import dev.spacegate.space.support.WorkflowRunner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key rotation end to end, as GitHub would run it: the deploy workflow's publish step and then both jobs of
 * {@code rotate-keys.yml} run step by step ({@link WorkflowRunner}: the same {@code ci/deploy.sh} commands with the
 * env the YAML maps, {@code $GITHUB_ENV} between steps) against a local registry, git server and Hub stand-in whose
 * runtime runs the built server image in podman on the local PostgreSQL. One client keeps calling with the old key
 * and one with the new key the whole time; an OAuth account (sealed under the old data key) must still serve after
 * the old data key is gone.
 */
class RotationEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SPACE = "spacegate-owner/rotating";
    static final String HF_TOKEN = "hf_rotation-test-token-not-secret";
    static final String SOURCE_COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
    static final String OLD_CLIENT = "sgk_rotation-old-client-key-not-secret";
    static final String OLD_ADMIN = "sgm_rotation-old-admin-key-not-secret";
    static final String OLD_DATA = randomKey();
    static final String ACCOUNT = "codex-rotation@example.com.json";
    /** A client key managed in the panel: stored in the config with its value sealed under the data key. */
    static final String PANEL_CLIENT = "fake-rotation-panel-key-not-secret";
    static final String WINDOW = "60s";

    @TempDir
    static Path tmp;
    static LocalRegistry registry;
    static GitHttpServer git;
    static FakeHub hub;
    static TestDatabase db;
    static SpaceContainers space;
    static HttpServer upstream;
    static final AtomicInteger upstreamCalls = new AtomicInteger();
    static WorkflowRunner runner;
    static Map<String, String> secrets;

    @BeforeAll
    static void start() throws Exception {
        ServerBuild server = ServerBuild.require();
        Tools.require("skopeo", "skopeo");
        Tools.require("git", "git");
        Path baseTar = Tools.requireFile(Tools.cacheDir().resolve("base-jre.tar"), "test base image tar");
        db = TestDatabase.require("publisher_rotation");
        space = new SpaceContainers(tmp.resolve("podman"), Tools.freePort());
        registry = LocalRegistry.start(tmp.resolve("registry"), false);
        git = new GitHttpServer(tmp.resolve("git"), HF_TOKEN);
        hub = new FakeHub(git, HF_TOKEN);
        hub.builder = space::restart;
        upstream = fakeCodexUpstream();

        secrets = Map.of("HF_TOKEN", HF_TOKEN, "PGSTORE_DSN", db.dsn("rotation-pg-password-not-secret"),
                "MANAGEMENT_PASSWORD", OLD_ADMIN, "DATA_KEY", OLD_DATA, "CLIENT_API_KEYS", OLD_CLIENT + ";label=ci");
        Map<String, String> base = new HashMap<>();
        base.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        base.put("HOME", System.getProperty("user.home"));
        base.put("JAVA_HOME", publisherShim().toString());
        base.put("SPACEGATE_PUBLISHER_JAR", Files.writeString(tmp.resolve("publisher.jar"), "shim").toString());
        base.put("SPACE_ID", SPACE);
        base.put("SPACEGATE_IMAGE", registry.host() + "/spacegate");
        base.put("SPACEGATE_PUBLISHER_FLAGS", String.join(" ", List.of("--hf-endpoint", hub.apiUrl(),
                "--git-url", git.baseUrl() + "/spaces/" + SPACE, "--space-url", space.url(), "--insecure-registry",
                "--base", "tar://" + baseTar, "--jar", server.jar().toString(), "--libs", server.libsDir().toString(),
                "--state-dir", tmp.resolve("state").toString(), "--cache-dir", Tools.cacheDir().resolve("jib")
                        .toString(), "--poll", "100ms", "--start-grace", "10s", "--timeout", "180s",
                // the class archive's training run is covered by PodmanRunTest; key rotation does not need it
                "--smoke-timeout", "60s", "--no-aot")));
        // a Space variable the operator sets once (here through the deploy): the test's own schema
        base.put("SPACEGATE_VARIABLES", "PGSTORE_SCHEMA");
        base.put("PGSTORE_SCHEMA", db.schema());
        base.put("GITHUB_ACTIONS", "true");
        base.put("GITHUB_REPOSITORY", "spacegate-owner/spacegate");
        base.put("GITHUB_ACTOR", "spacegate-owner");
        base.put("GITHUB_SHA", SOURCE_COMMIT);
        runner = new WorkflowRunner(WorkflowLintTest.ROOT, Files.createDirectories(tmp.resolve("runner")), base,
                secrets, Map.of("confirm", "rotate", "stage", "rotate", "window", WINDOW,
                "keys", "CLIENT_API_KEYS MANAGEMENT_PASSWORD DATA_KEY"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (space != null) {
            space.close();
        }
        if (db != null) {
            db.drop();
        }
        for (AutoCloseable c : new AutoCloseable[] {hub, git, registry}) {
            if (c != null) {
                c.close();
            }
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    /** A JDK whose {@code java -jar <publisher jar>} runs the publisher from this test's class path. */
    static Path publisherShim() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("shim-jdk/bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nif [ \"$1\" = -jar ]; then shift 2; fi\nexec '"
                + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                + System.getProperty("java.class.path") + "' dev.spacegate.space.Main \"$@\"\n");
        assertTrue(java.toFile().setExecutable(true));
        return bin.getParent();
    }

    /** ChatGPT's Codex backend as far as one streamed Responses call goes. */
    static HttpServer fakeCodexUpstream() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            upstreamCalls.incrementAndGet();
            byte[] b = ("event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}"
                    + "\n\nevent: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":"
                    + "\"resp_1\",\"status\":\"completed\",\"output\":[],\"usage\":{\"input_tokens\":3,"
                    + "\"output_tokens\":2,\"total_tokens\":5}}}\n\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(ex.getRequestURI().getPath().endsWith("/responses") ? 200 : 404, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.start();
        return s;
    }

    static String randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    /** The data key id Spacegate writes into sealed values (SecretBox's derivation, for a base64 key). */
    static String keyId(String base64Key) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update("spacegate-key-id:".getBytes(StandardCharsets.UTF_8));
        md.update(Base64.getDecoder().decode(base64Key));
        return HexFormat.of().formatHex(md.digest(), 0, 8);
    }

    static HttpResponse<String> call(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(space.url() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return space.send(b, key);
    }

    static HttpResponse<String> account(String clientKey) throws Exception {
        return call("POST", "/v1/responses", "{\"model\":\"gpt-5\",\"input\":\"hi\",\"stream\":true}", clientKey);
    }

    /** A client calling {@code /v1/models} with one key until stopped, recording every answer. */
    static final class Client extends Thread {
        record Answer(Instant sent, Instant received, int status, String body) {
        }

        final String key;
        final List<Answer> answers = new CopyOnWriteArrayList<>();
        final List<Instant> unreachable = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();

        Client(String key) {
            this.key = key;
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!stop.get()) {
                Instant sent = Instant.now();
                try {
                    HttpResponse<String> r = call("GET", "/v1/models", null, key);
                    answers.add(new Answer(sent, Instant.now(), r.statusCode(), r.body()));
                } catch (IOException e) {
                    unreachable.add(sent); // the Space restarting: nothing listens for a moment
                } catch (Exception e) {
                    return;
                }
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Test
    void aRotationThroughTheWorkflowsKeepsOldAndNewKeysWorkingForTheWindowThenRetiresTheOldOnes() throws Exception {
        // Deploy with the deploy workflow's own step: the client key comes from the CLIENT_API_KEYS secret.
        runner.runJob("deploy.yml", "deploy", (step, r) -> { });
        assertEquals(OLD_CLIENT + ";label=ci", hub.secretValues(SPACE).get("CLIENT_API_KEYS"));
        assertEquals(200, call("GET", "/v1/models", null, OLD_CLIENT).statusCode());

        // An account, sealed at rest under the old data key, serving through the old client key.
        String file = JSON.createObjectNode().put("type", "codex").put("access_token", "rotation-access-not-secret")
                .put("refresh_token", "rotation-refresh-not-secret").put("email", "rotation@example.com")
                .put("account_id", "acct-rotation").put("expired", Instant.now().plus(Duration.ofDays(30)).toString())
                .put("base_url", "http://127.0.0.1:" + upstream.getAddress().getPort() + "/backend-api/codex")
                .toString();
        HttpResponse<String> up = call("POST", "/v0/management/auth-files?name=" + ACCOUNT, file, OLD_ADMIN);
        assertEquals(200, up.statusCode(), up.body());
        HttpResponse<String> served = account(OLD_CLIENT);
        assertEquals(200, served.statusCode(), served.body());
        String oldId = keyId(OLD_DATA);
        assertEquals(List.of(oldId), sealedKeyIds());
        HttpResponse<String> panelKey = call("PUT", "/v0/management/api-keys", "[\"" + PANEL_CLIENT + "\"]",
                OLD_ADMIN);
        assertEquals(200, panelKey.statusCode(), panelKey.body());
        assertEquals(200, call("GET", "/v1/models", null, PANEL_CLIENT).statusCode());
        JsonNode sealedBefore = JSON.readTree(call("GET", "/status", null, OLD_ADMIN).body()).path("seal");
        assertEquals(0, sealedBefore.path("pendingTotal").asInt(-1), "everything under the current key before");

        // t0: the rotation job. The old-key client runs from before it; the new-key one from when the Space knows the key.
        Client oldClient = new Client(OLD_CLIENT);
        oldClient.start();
        Client[] newClient = new Client[1];
        Instant[] restart = new Instant[2];
        runner.runJob("rotate-keys.yml", "rotate", (step, r) -> {
            if (step.startsWith("Copy the new and previous keys")) {
                restart[0] = Instant.now();
            } else if (step.equals("Wait for the restarted Space")) {
                restart[1] = Instant.now();
                // the Space knows the new key from now on
                newClient[0] = new Client(runner.currentEnv().get("CLIENT_API_KEYS").split(";")[0]);
                newClient[0].start();
            }
        });
        Map<String, String> rotated = runner.jobEnvs.get("rotate");
        String newClientKey = rotated.get("CLIENT_API_KEYS").split(";")[0];
        String newAdmin = rotated.get("MANAGEMENT_PASSWORD");
        String newData = rotated.get("DATA_KEY");
        Instant until = Instant.parse(rotated.get("ROTATION_UNTIL"));
        assertTrue(newClientKey.startsWith("sgk_") && newAdmin.startsWith("sgm_"), "generated in the key formats");
        assertEquals(newClientKey + ";label=ci", rotated.get("CLIENT_API_KEYS"), "the label is kept");
        Map<String, String> onSpace = hub.secretValues(SPACE);
        assertEquals(OLD_CLIENT + ";label=ci;until=" + until, onSpace.get("CLIENT_API_KEYS_PREVIOUS"));
        assertEquals(OLD_ADMIN + ";until=" + until, onSpace.get("MANAGEMENT_PASSWORD_PREVIOUS"));
        assertEquals(OLD_DATA + ";until=" + until, onSpace.get("DATA_KEY_PREVIOUS"));
        assertEquals(newData, onSpace.get("DATA_KEY"));
        assertTrue(Instant.now().isBefore(until), "the rotation job finished inside the window");
        // the smoke test proved both keys and waited for re-sealing; the store agrees
        assertEquals(List.of(keyId(newData)), sealedKeyIds());
        String summary = runner.summaries.get("rotate");
        assertTrue(summary.contains(newClientKey) && summary.contains(newAdmin) && summary.contains(newData),
                "without ROTATION_GH_TOKEN the new values are shown once in the step summary");

        // t0 + window: the retire job. Right after the window the old keys are refused, naming the rotation.
        Instant[] retire = new Instant[2];
        runner.runJob("rotate-keys.yml", "retire", (step, r) -> {
            try {
                if (step.equals("Wait for the end of the window")) {
                    assertFalse(Instant.now().isBefore(until));
                    HttpResponse<String> refused = call("GET", "/v1/models", null, OLD_CLIENT);
                    assertEquals(401, refused.statusCode(), refused.body());
                    String message = JSON.readTree(refused.body()).path("error").path("message").asText();
                    assertEquals("This key was replaced in a key rotation: CLIENT_API_KEYS_PREVIOUS key 'ci' stopped"
                            + " working at " + until + ". Use the new key.", message);
                    HttpResponse<String> admin = call("GET", "/status", null, OLD_ADMIN);
                    assertEquals(401, admin.statusCode());
                    assertTrue(admin.body().contains("MANAGEMENT_PASSWORD_PREVIOUS"), admin.body());
                    retire[0] = Instant.now();
                } else if (step.equals("Wait for the restarted Space")) {
                    retire[1] = Instant.now();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        oldClient.stop.set(true);
        newClient[0].stop.set(true);
        oldClient.join();
        newClient[0].join();

        // After: the companions are gone, the new keys and the account serve, nothing is left under the old key.
        assertFalse(hub.secretValues(SPACE).keySet().stream().anyMatch(k -> k.endsWith("_PREVIOUS")),
                hub.secretValues(SPACE).keySet().toString());
        assertEquals(401, call("GET", "/v1/models", null, OLD_CLIENT).statusCode());
        assertEquals(200, call("GET", "/v1/models", null, newClientKey).statusCode());
        assertEquals(200, call("GET", "/v1/models", null, PANEL_CLIENT).statusCode(),
                "the panel's key, sealed in the config, opens under the new data key alone");
        int before = upstreamCalls.get();
        HttpResponse<String> after = account(newClientKey);
        assertEquals(200, after.statusCode(), after.body());
        assertEquals(before + 1, upstreamCalls.get(), "the account served the call");
        JsonNode status = JSON.readTree(call("GET", "/status", null, newAdmin).body());
        assertEquals(0, status.path("seal").path("pendingTotal").asInt(-1), status.toString());
        assertEquals(keyId(newData), status.path("seal").path("currentKeyId").asText());
        assertEquals(List.of(keyId(newData)), sealedKeyIds(), "0 values sealed under the old key id " + oldId);

        // The clients: every answer inside the window was 200 for both keys; the old key got 401 only after it.
        assertAnswers(oldClient, until, restart, retire, true);
        assertAnswers(newClient[0], until, restart, retire, false);
        System.out.println("old-key client: " + summary(oldClient) + "; new-key client: " + summary(newClient[0]));

        assertNoValueLeaked(List.of(OLD_CLIENT, OLD_ADMIN, OLD_DATA, newClientKey, newAdmin, newData, HF_TOKEN));
    }

    static void assertAnswers(Client c, Instant until, Instant[] restart, Instant[] retire, boolean old) {
        assertTrue(c.answers.size() > 20, "the client kept calling: " + c.answers.size());
        for (Client.Answer a : c.answers) {
            if (a.status() == 503 && a.body().contains("shutting_down")) {
                // the old container draining while the Space restarts: a restart answer, not a key's
                assertTrue(restarting(a.sent(), restart, retire), "shutting down outside a restart at " + a.sent());
            } else if (!old || a.received().isBefore(until)) {
                assertEquals(200, a.status(), "answer at " + a.received() + " (window until " + until + "): "
                        + a.body());
            } else if (a.sent().isAfter(until)) {
                assertEquals(401, a.status(), a.body());
            }
        }
        for (Instant t : c.unreachable) {
            assertTrue(restarting(t, restart, retire), "unreachable outside a Space restart at " + t);
        }
    }

    static String summary(Client c) {
        Map<Integer, Long> byStatus = new java.util.TreeMap<>(c.answers.stream().collect(java.util.stream.Collectors
                .groupingBy(Client.Answer::status, java.util.stream.Collectors.counting())));
        return c.answers.size() + " answers " + byStatus + ", " + c.unreachable.size() + " unreachable (restarts)";
    }

    static boolean restarting(Instant t, Instant[] restart, Instant[] retire) {
        return !t.isBefore(restart[0]) && !t.isAfter(restart[1]) || !t.isBefore(retire[0]) && !t.isAfter(retire[1]);
    }

    static List<String> sealedKeyIds() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select sealed from \"" + db.schema() + "\".auth_files")) {
            while (rs.next()) {
                ids.add(rs.getString(1).split(":")[1]);
            }
        }
        return ids.stream().distinct().toList();
    }

    /** No value in any step's output except on the runner's own {@code ::add-mask::} lines, nor in the Space repo. */
    static void assertNoValueLeaked(List<String> values) {
        assertTrue(runner.outputs.size() >= 10, "the steps ran");
        for (String out : runner.outputs) {
            for (String line : out.lines().toList()) {
                if (line.startsWith("::add-mask::")) {
                    continue;
                }
                for (String v : values) {
                    assertFalse(line.contains(v), "a secret value is in the log: " + line.replace(v, "<value>"));
                }
            }
        }
        String masks = String.join("\n", runner.outputs);
        for (String v : values.subList(3, 6)) {
            assertTrue(masks.contains("::add-mask::" + v), "each new value is masked");
        }
        Processes.Result history = Processes.run(List.of("git", "--git-dir", git.repoDir(SPACE).toString(), "log",
                "-p", "--all"), Map.of(), null, Duration.ofSeconds(30));
        assertEquals(0, history.exit());
        for (String v : values) {
            assertFalse(history.output().contains(v), "a secret value is in the Space repo");
        }
        assertNotEquals("", history.output());
    }
}
