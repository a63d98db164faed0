package dev.spacegate.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.space.support.Cli;
import dev.spacegate.space.support.FakeHub;
import dev.spacegate.space.support.GitHttpServer;
import dev.spacegate.space.support.LocalRegistry;
import dev.spacegate.space.support.Processes;
import dev.spacegate.space.support.StandInServer;
import dev.spacegate.space.support.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built image really runs the way a Space runs it: the fake Hugging Face runtime "builds" a pushed commit by
 * pulling the image from the local registry and starting it with podman (runc) as uid 1000, with the Space's
 * secrets and variables as environment and PORT set, and reports RUNNING once {@code /health} answers. A second,
 * fresh container with the same PGSTORE_DSN finds what the first one wrote.
 */
class PodmanRunTest {
    static final String SPACE = "spacegate-owner/podman-space";
    static final String HF_TOKEN = "hf_podman-test-token-not-secret";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path podman;
    Path containersConf;
    final List<String> containers = new CopyOnWriteArrayList<>();
    String table;
    String pgUrl;

    @BeforeEach
    void requireTools() throws IOException {
        podman = Tools.require("podman", "podman");
        Tools.require("runc", "runc");
        Tools.require("skopeo", "skopeo");
        pgUrl = System.getenv("PG_TEST_URL");
        Tools.requireThat(pgUrl != null && !pgUrl.isBlank(),
                "PG_TEST_URL is not set (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres)");
        // As root on the project's machines crun trips over the hybrid cgroups and RLIMIT_NOFILE; runc with
        // cgroupfs works (RECIPES.md). Rootless podman (GitHub runners) keeps its own defaults.
        if (isRoot()) {
            containersConf = tmp.resolve("containers.conf");
            Files.writeString(containersConf,
                    "[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = \"cgroupfs\"\n");
        }
        table = "publisher_standin_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String name : containers) {
            podman("rm", "-f", name);
        }
        if (pgUrl != null && table != null) {
            try (Connection c = DriverManager.getConnection(pgUrl); Statement st = c.createStatement()) {
                st.execute("drop table if exists " + table);
            }
        }
    }

    @Test
    void theDeployedImageRunsAsUid1000AndKeepsItsDataInPostgres() throws Exception {
        StandInServer.Build app = StandInServer.build(tmp.resolve("app"));
        int port = Tools.freePort();
        try (LocalRegistry registry = LocalRegistry.start(tmp.resolve("registry"), false);
                GitHttpServer git = new GitHttpServer(tmp.resolve("git"), HF_TOKEN);
                FakeHub hub = new FakeHub(git, HF_TOKEN)) {
            hub.builder = (image, env) -> startContainer(image, env, port);

            Map<String, String> env = new HashMap<>();
            env.put("HF_TOKEN", HF_TOKEN);
            env.put("PGSTORE_DSN", pgUrl);
            env.put("MANAGEMENT_PASSWORD", "test-management-password-not-secret");
            env.put("STANDIN_TABLE", table);
            List<String> args = new ArrayList<>(List.of("deploy", "--space", SPACE, "--hf-endpoint", hub.apiUrl(),
                    "--git-url", git.baseUrl() + "/spaces/" + SPACE, "--space-url", "http://127.0.0.1:" + port,
                    "--image", registry.host() + "/spacegate", "--insecure-registry",
                    "--base", "tar://" + Tools.requireFile(Tools.cacheDir().resolve("base-jre.tar"), "test base image tar"),
                    "--jar", app.jar().toString(), "--libs", app.libsDir().toString(),
                    "--main-class", StandInServer.MAIN_CLASS, "--state-dir", tmp.resolve("state").toString(),
                    "--cache-dir", Tools.cacheDir().resolve("jib").toString(), "--poll", "200ms",
                    "--timeout", "120s", "--smoke-timeout", "30s", "--secret", "PGSTORE_DSN",
                    "--secret", "MANAGEMENT_PASSWORD", "--variable", "STANDIN_TABLE"));

            Processes.Result r = Cli.run(args, env, tmp);
            System.out.println(r.output());

            assertEquals(0, r.exit(), r.output());
            assertFalse(r.output().contains("test-management-password-not-secret"));
            JsonNode first = health(port);
            assertTrue(first.path("ok").asBoolean(), first.toString());
            assertEquals("1000", first.path("uid").asText(), "the container runs as uid 1000");
            assertEquals(1, first.path("starts").asLong(), "first start wrote one row");

            // A Space restart: the container and its disk are gone; a fresh one must find the data.
            String image = hub.runningImage(SPACE);
            podman("rm", "-f", containers.getLast());
            Map<String, String> spaceEnv = new HashMap<>(hub.secretValues(SPACE));
            spaceEnv.putAll(hub.variables(SPACE));
            String error = startContainer(image, spaceEnv, port);
            assertEquals(null, error);
            JsonNode second = health(port);
            assertEquals(2, second.path("starts").asLong(), "the second container found the first one's row");
        }
    }

    /** The fake runtime's "build": pull, run as uid 1000 with the Space env, wait for /health. */
    private String startContainer(String image, Map<String, String> env, int port) {
        Processes.Result pull = podman("pull", "--quiet", "--tls-verify=false", image);
        if (pull.exit() != 0) {
            return "pull failed: " + pull.output();
        }
        String name = "spacegate-publisher-test-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> cmd = new ArrayList<>(List.of("run", "-d", "--name", name));
        if (isRoot()) {
            cmd.addAll(List.of("--runtime", "runc"));
        }
        cmd.addAll(List.of("--network=host", "--user", "1000", "-e", "PORT=" + port));
        Map<String, String> processEnv = new HashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            // "-e NAME" takes the value from podman's own environment, so values stay off the command line.
            cmd.addAll(List.of("-e", e.getKey()));
            processEnv.put(e.getKey(), e.getValue());
        }
        cmd.add(image);
        Processes.Result run = podman(processEnv, cmd.toArray(String[]::new));
        if (run.exit() != 0) {
            return "container did not start: " + run.output();
        }
        containers.add(name);
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (health(port).path("ok").asBoolean()) {
                    return null;
                }
            } catch (IOException notYet) {
                // JVM still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
            Processes.Result state = podman("inspect", "--format", "{{.State.Running}}", name);
            if (!state.output().strip().equals("true")) {
                return "container exited: " + podman("logs", name).output();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return "no /health answer within 30 s: " + podman("logs", name).output();
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static JsonNode health(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private Processes.Result podman(String... args) {
        return podman(Map.of(), args);
    }

    private Processes.Result podman(Map<String, String> extraEnv, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(podman.toString());
        cmd.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(extraEnv);
        if (containersConf != null) {
            env.put("CONTAINERS_CONF", containersConf.toString());
        }
        return Processes.run(cmd, env, null, Duration.ofMinutes(2));
    }
}
