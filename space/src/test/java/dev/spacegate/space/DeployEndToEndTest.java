package dev.spacegate.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.space.git.SpaceRepository;
import dev.spacegate.space.image.ArchiveKind;
import dev.spacegate.space.support.Cli;
import dev.spacegate.space.support.FakeHub;
import dev.spacegate.space.support.GitHttpServer;
import dev.spacegate.space.support.LocalRegistry;
import dev.spacegate.space.support.Processes;
import dev.spacegate.space.support.ServerBuild;
import dev.spacegate.space.support.SpaceContainers;
import dev.spacegate.space.support.TestDatabase;
import dev.spacegate.space.support.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The publisher end to end on loopback: a real registry (docker-registry), a real smart-HTTP git server
 * ({@code git http-backend}, Basic auth) and a fake Hugging Face API with the real request shapes, whose runtime
 * runs the deployed server image with podman against the local PostgreSQL, so the smoke test reaches the real
 * server. Each test runs the CLI in its own JVM, as CI does, and checks the outcome with independent tools
 * (skopeo, git).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployEndToEndTest {
    static final String SPACE = "spacegate-owner/spacegate";
    static final String HF_TOKEN = "hf_test-token-not-secret";
    static final String SOURCE_COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final String PG_PASSWORD = "test-pg-password-not-secret";
    /** Fake secret values (the local database trusts loopback): none of them may ever appear in any output. */
    static Map<String, String> secrets;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static LocalRegistry registry;
    static GitHttpServer git;
    static FakeHub hub;
    static ServerBuild server;
    static TestDatabase db;
    static SpaceContainers space;
    static Path baseTar;
    static Path skopeo;
    static final List<String> outputs = new CopyOnWriteArrayList<>();
    /** Digest of the first deploy's image (default JVM flags). */
    static String firstDigest;

    @BeforeAll
    static void startServers() throws Exception {
        server = ServerBuild.require();
        skopeo = Tools.require("skopeo", "skopeo");
        Tools.require("git", "git");
        baseTar = Tools.requireFile(Tools.cacheDir().resolve("base-jre.tar"), "test base image tar");
        db = TestDatabase.require("publisher_deploy");
        secrets = Map.of("PGSTORE_DSN", db.dsn(PG_PASSWORD),
                "MANAGEMENT_PASSWORD", "test-management-password-not-secret",
                "DATA_KEY", "test-data-key-not-secret-0123456789");
        space = new SpaceContainers(tmp.resolve("podman"), Tools.freePort());
        registry = LocalRegistry.start(tmp.resolve("registry"), false);
        git = new GitHttpServer(tmp.resolve("git"), HF_TOKEN);
        hub = new FakeHub(git, HF_TOKEN);
        hub.builder = space::restart;
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (space != null) {
            space.close();
        }
        if (db != null) {
            db.drop();
        }
        if (hub != null) {
            hub.close();
        }
        if (git != null) {
            git.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    static String imageRepo() {
        return registry.host() + "/spacegate";
    }

    /** Flags shared by every run: all endpoints point at the local servers. */
    static List<String> common(String space) {
        return new ArrayList<>(List.of("--space", space, "--hf-endpoint", hub.apiUrl(),
                "--git-url", git.baseUrl() + "/spaces/" + space, "--space-url", DeployEndToEndTest.space.url(),
                "--image", imageRepo(), "--insecure-registry", "--base", "tar://" + baseTar,
                "--jar", server.jar().toString(), "--libs", server.libsDir().toString(),
                "--state-dir", tmp.resolve("state").toString(), "--cache-dir", Tools.cacheDir().resolve("jib").toString(),
                "--source-commit", SOURCE_COMMIT, "--poll", "100ms", "--start-grace", "10s", "--timeout", "180s",
                "--smoke-timeout", "20s", "--secret", "PGSTORE_DSN", "--secret", "MANAGEMENT_PASSWORD",
                "--secret", "DATA_KEY", "--variable", "PGSTORE_SCHEMA"));
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(secrets);
        env.put("HF_TOKEN", HF_TOKEN);
        env.put("PGSTORE_SCHEMA", db.schema());
        env.putAll(space.podmanEnv());
        return env;
    }

    static Processes.Result cli(String command, List<String> flags, Map<String, String> env) {
        List<String> args = new ArrayList<>();
        args.add(command);
        args.addAll(flags);
        Processes.Result r = Cli.run(args, env, tmp);
        outputs.add(r.output());
        System.out.println("$ publisher " + command + " -> exit " + r.exit() + "\n" + r.output());
        return r;
    }

    static String gitCmd(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "--git-dir", git.repoDir(SPACE).toString()));
        cmd.addAll(List.of(args));
        Processes.Result r = Processes.run(cmd, Map.of(), null, Duration.ofSeconds(30));
        assertEquals(0, r.exit(), r.output());
        return r.output();
    }

    static JsonNode skopeoInspect(String ref, boolean config) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(skopeo.toString(), "inspect", "--tls-verify=false"));
        if (config) {
            cmd.add("--config");
        }
        cmd.add("docker://" + ref);
        Processes.Result r = Processes.run(cmd, Map.of(), null, Duration.ofSeconds(60));
        assertEquals(0, r.exit(), r.output());
        return JSON.readTree(r.output());
    }

    /** The first dependency jar by name: the class path lists them sorted. */
    static String firstLib() throws Exception {
        try (var s = Files.list(server.libsDir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().findFirst()
                    .orElseThrow();
        }
    }

    static String recordedRef() throws Exception {
        return Files.readString(tmp.resolve("state/image.ref")).strip();
    }

    @Test
    @Order(1)
    void deployCreatesTheSpacePushesImageAndRepoSetsSecretsAndGoesRunning() throws Exception {
        assertFalse(hub.exists(SPACE));

        Processes.Result r = cli("deploy", common(SPACE), env());

        assertEquals(0, r.exit(), r.output());
        String ref = recordedRef();
        String digest = ref.substring(ref.indexOf('@') + 1);
        assertTrue(ref.startsWith(imageRepo() + "@sha256:"), ref);
        firstDigest = digest;

        // The image is in the registry under the source-commit tag, with the right config.
        JsonNode manifest = skopeoInspect(imageRepo() + ":" + SOURCE_COMMIT.substring(0, 12), false);
        assertEquals(digest, manifest.path("Digest").asText());
        JsonNode config = skopeoInspect(ref, true).path("config");
        assertEquals("1000", config.path("User").asText());
        assertTrue(config.path("ExposedPorts").has("7860/tcp"), config.toString());
        assertEquals("java", config.path("Entrypoint").get(0).asText());
        assertTrue(config.path("Entrypoint").toString().contains(ServerBuild.MAIN_CLASS), config.toString());
        assertTrue(config.path("Entrypoint").toString().contains("--enable-native-access=ALL-UNNAMED"),
                config.toString());
        assertTrue(config.path("Env").toString().contains("\"PORT=7860\""), config.toString());
        assertTrue(config.path("Env").toString().contains("\"DATA_DIR=/tmp/spacegate\""), config.toString());
        assertEquals("/app", config.path("WorkingDir").asText());
        // The class archive is in the image (trained now or kept from an earlier run on the same inputs) and the
        // entrypoint reads it; the class path names each jar, as in the training run.
        assertTrue(config.path("Entrypoint").toString().contains("\"" + ArchiveKind.AOT_CACHE.useFlag() + "\""),
                config.toString());
        assertTrue(config.path("Entrypoint").toString().contains(":/app/libs/" + firstLib() + ":"), config.toString());

        // The Space repo holds exactly the rendered tree, committed with the source commit and digest.
        assertEquals("Dockerfile\nREADME.md\n", gitCmd("ls-tree", "--name-only", "main"));
        String message = gitCmd("log", "-1", "--format=%B", "main");
        assertTrue(message.contains(SOURCE_COMMIT) && message.contains(digest), message);
        assertTrue(gitCmd("show", "main:Dockerfile").contains("FROM " + ref + "\n"));
        String readme = gitCmd("show", "main:README.md");
        Map<String, Object> front = new Yaml().load(readme.split("---\n", 3)[1]);
        assertEquals("docker", front.get("sdk"));
        assertEquals(7860, front.get("app_port"));
        assertEquals("Spacegate", front.get("title"));
        assertTrue(List.of("red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray")
                .contains(front.get("colorFrom")));
        assertFalse(readme.toLowerCase().contains("proxy"), "the Space description avoids 'proxy'");

        // The Space was created, secrets and variables set, with huggingface_hub's request shapes.
        FakeHub.Request create = hub.requests.stream().filter(q -> q.path().equals("/api/repos/create")).findFirst()
                .orElseThrow();
        assertEquals("POST", create.method());
        assertEquals("space", create.body().path("type").asText());
        assertEquals("docker", create.body().path("sdk").asText());
        assertEquals("spacegate", create.body().path("name").asText());
        assertEquals("spacegate-owner", create.body().path("organization").asText());
        assertEquals(secrets, hub.secretValues(SPACE));
        assertEquals(Map.of("PGSTORE_SCHEMA", db.schema()), hub.variables(SPACE));
        assertTrue(hub.requests.stream().allMatch(q -> ("Bearer " + HF_TOKEN).equals(q.authorization())));
        hub.requests.stream().filter(q -> q.method().equals("POST") && q.path().endsWith("/secrets"))
                .forEach(q -> assertEquals(List.of("key", "value", "description"), fieldNames(q.body())));

        // The runtime (the image in podman) was polled to RUNNING and the smoke test reached the real server.
        assertTrue(r.output().contains("BUILDING -> RUNNING"), r.output());
        assertEquals("RUNNING", hub.stage(SPACE));
        assertTrue(r.output().contains("GET /health -> 200") && r.output().contains("GET /healthz -> 200"));
        String log = space.logs();
        assertTrue(log.contains("Spacegate API gateway listening on"), log);
        assertTrue(log.contains("GET /health 200") && log.contains("GET /healthz 200"), log);
    }

    @Test
    @Order(2)
    void aSecondDeployWithNoChangePushesNothing() throws Exception {
        String before = gitCmd("rev-parse", "main");
        String refBefore = recordedRef();
        int pushesBefore = git.pushes.get();
        int requestsBefore = hub.requests.size();

        Processes.Result r = cli("deploy", common(SPACE), env());

        assertEquals(0, r.exit(), r.output());
        assertEquals(refBefore, recordedRef(), "same inputs, same digest");
        assertEquals(before, gitCmd("rev-parse", "main"));
        assertEquals(pushesBefore, git.pushes.get(), "no git push attempted");
        assertTrue(r.output().contains("nothing pushed"), r.output());
        assertTrue(r.output().contains("0 changed, 4 unchanged"), r.output());
        assertTrue(hub.requests.subList(requestsBefore, hub.requests.size()).stream()
                .noneMatch(q -> q.method().equals("POST") || q.method().equals("DELETE")), "no settings written");
    }

    @Test
    @Order(3)
    void twoImageRunsGiveTheSameDigest() throws Exception {
        List<String> flags = common(SPACE);
        flags.addAll(List.of("--tag", "first"));
        assertEquals(0, cli("image", flags, env()).exit());
        String first = recordedRef();
        flags = common(SPACE);
        flags.addAll(List.of("--tag", "second"));
        Processes.Result second = cli("image", flags, env());
        assertEquals(0, second.exit());
        assertEquals(first, recordedRef());
        // Two training runs would write different archives; the second build reuses the first one's.
        assertTrue(second.output().contains("aot: reusing the spacegate.aot trained on the same stage-1 image"),
                second.output());
        assertEquals(skopeoInspect(imageRepo() + ":first", false).path("Digest").asText(),
                skopeoInspect(imageRepo() + ":second", false).path("Digest").asText());
    }

    @Test
    @Order(4)
    void aBuildErrorRollsTheSpaceBackToThePreviousImage() throws Exception {
        String good = recordedRef();
        hub.builder = FakeHub.failing(image -> image.equals(good) ? null : "Build failed: exit code 1 (test)");
        try {
            List<String> flags = common(SPACE);
            // A different image; without the class archive's training run, which this test does not need.
            flags.addAll(List.of("--jvm-flags", "-XX:+UseSerialGC -Xss1m", "--no-aot"));
            Processes.Result r = cli("deploy", flags, env());

            assertEquals(1, r.exit(), r.output());
            String bad = recordedRef();
            assertNotEquals(good, bad);
            assertTrue(r.output().contains("aot: skipped (--no-aot)"), r.output());
            assertFalse(skopeoInspect(bad, true).path("config").path("Entrypoint").toString().contains("-XX:AOTCache"));
            assertTrue(r.output().contains("BUILD_ERROR"), r.output());
            assertTrue(r.output().contains("rolled back to " + good), r.output());
            assertTrue(gitCmd("show", "main:Dockerfile").contains("FROM " + good + "\n"));
            assertTrue(gitCmd("log", "-1", "--format=%s", "main").startsWith("Roll back to " + good));
            assertTrue(gitCmd("show", "main~1:Dockerfile").contains("FROM " + bad + "\n"));
        } finally {
            hub.builder = space::restart;
        }
    }

    @Test
    @Order(5)
    void aRejectedGitPushFailsClearlyAndChangesNothing() throws Exception {
        String before = gitCmd("rev-parse", "main");
        git.rejectPushes(SPACE, true);
        try {
            List<String> flags = common(SPACE);
            flags.addAll(List.of("--jvm-flags", "-XX:+UseSerialGC -Xss2m", "--no-aot"));
            Processes.Result r = cli("deploy", flags, env());

            assertEquals(1, r.exit(), r.output());
            assertTrue(r.output().contains("error [git_push_rejected]"), r.output());
            assertTrue(r.output().contains("binary files"), "the server's reason is shown: " + r.output());
            assertEquals(before, gitCmd("rev-parse", "main"));
        } finally {
            git.rejectPushes(SPACE, false);
        }
    }

    @Test
    @Order(6)
    void creatingADockerSpaceWithoutAPaidPlanFailsWithAClearMessage() throws Exception {
        String other = "spacegate-owner/needs-pro";
        hub.paymentRequired = true;
        try {
            List<String> flags = common(other);
            flags.addAll(List.of("--image-ref", recordedRef()));
            assertEquals(0, cli("render", flags, env()).exit());
            Processes.Result r = cli("push", flags, env());

            assertEquals(1, r.exit(), r.output());
            assertTrue(r.output().contains("error [hf_payment_required]"), r.output());
            assertTrue(r.output().contains("402") && r.output().contains("paid plan"), r.output());
            assertFalse(hub.exists(other));
        } finally {
            hub.paymentRequired = false;
        }
    }

    @Test
    @Order(7)
    void aRegistryThatRefusesTheCredentialsFailsClearly() throws Exception {
        try (LocalRegistry secured = LocalRegistry.start(tmp.resolve("secured-registry"), true)) {
            List<String> flags = common(SPACE);
            flags.set(flags.indexOf("--image") + 1, secured.host() + "/spacegate");
            Map<String, String> env = env();
            env.put("REGISTRY_USERNAME", LocalRegistry.USER);
            env.put("REGISTRY_PASSWORD", "test-wrong-registry-password");

            Processes.Result wrong = cli("image", flags, env);
            assertEquals(1, wrong.exit(), wrong.output());
            assertTrue(wrong.output().contains("error [registry_auth]"), wrong.output());
            assertTrue(wrong.output().contains("refused the credentials"), wrong.output());

            env.put("REGISTRY_PASSWORD", LocalRegistry.PASSWORD);
            Processes.Result right = cli("image", flags, env);
            assertEquals(0, right.exit(), right.output());
            assertFalse(right.output().contains(LocalRegistry.PASSWORD));
        }
    }

    @Test
    @Order(8)
    void rollbackCommandPushesThePreviousImage() throws Exception {
        String current = fromLine(gitCmd("show", "main:Dockerfile"));
        String previous = fromLine(gitCmd("show", "main~1:Dockerfile")); // the image the failed deploy tried
        assertNotEquals(current, previous);

        Processes.Result r = cli("rollback", common(SPACE), env());

        assertEquals(0, r.exit(), r.output());
        assertEquals(previous, fromLine(gitCmd("show", "main:Dockerfile")));
        assertTrue(gitCmd("log", "-1", "--format=%s", "main").startsWith("Roll back to " + previous));
    }

    private static String fromLine(String dockerfile) {
        return dockerfile.lines().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow().substring(5);
    }

    @Test
    @Order(9)
    void imageToATarNeedsNoRegistryAndGivesTheRegistryDigest() throws Exception {
        String pushed = firstDigest;
        List<String> flags = common(SPACE);
        flags.addAll(List.of("--tar", tmp.resolve("image.tar").toString()));
        Processes.Result r = cli("image", flags, env());

        assertEquals(0, r.exit(), r.output());
        assertTrue(Files.size(tmp.resolve("image.tar")) > 1_000_000);
        assertTrue(r.output().contains("wrote " + tmp.resolve("image.tar")), r.output());
        assertEquals(pushed, recordedRef().substring(recordedRef().indexOf('@') + 1));
    }

    @Test
    @Order(10)
    void aChangedSecretIsResentAndPruneDeletesWhatIsNotNamed() throws Exception {
        Map<String, String> env = env();
        env.put("MANAGEMENT_PASSWORD", "test-management-password-rotated-not-secret");
        List<String> flags = common(SPACE);
        flags.add("--prune");
        // Someone added a secret by hand; --prune removes it because the deploy does not name it.
        List<String> setBefore = List.of("PGSTORE_DSN", "MANAGEMENT_PASSWORD", "DATA_KEY");
        assertEquals(Set.copyOf(setBefore), hub.secretValues(SPACE).keySet());
        hubAddSecret("HAND_MADE", "test-hand-made-not-secret");

        Processes.Result r = cli("secrets", flags, env);

        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("secret MANAGEMENT_PASSWORD updated"), r.output());
        assertTrue(r.output().contains("secret HAND_MADE deleted"), r.output());
        assertTrue(r.output().contains("2 changed, 3 unchanged"), r.output());
        assertEquals("test-management-password-rotated-not-secret", hub.secretValues(SPACE).get("MANAGEMENT_PASSWORD"));
        assertFalse(hub.secretValues(SPACE).containsKey("HAND_MADE"));
    }

    @Test
    @Order(11)
    void aWrongTokenAtTheGitServerIsReportedAsAnAuthProblem() {
        try (SpaceRepository repo = new SpaceRepository(git.baseUrl() + "/spaces/" + SPACE, "someone",
                "hf_wrong-token-not-secret")) {
            PublishException e = assertThrows(PublishException.class, () -> repo.fetch(1));
            assertEquals("git_auth", e.code());
            assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
            assertFalse(e.getMessage().contains("hf_wrong-token-not-secret"));
        }
    }

    private static void hubAddSecret(String key, String value) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var body = JSON.createObjectNode().put("key", key).put("value", value).toString();
        int status = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.apiUrl() + "/api/spaces/"
                        + SPACE + "/secrets")).header("authorization", "Bearer " + HF_TOKEN)
                .header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        assertEquals(200, status);
    }

    @Test
    @Order(20)
    void noSecretValueAppearsInAnyOutput() {
        assertTrue(outputs.size() >= 8, "earlier tests ran");
        List<String> hidden = new ArrayList<>(secrets.values());
        hidden.addAll(List.of(HF_TOKEN, LocalRegistry.PASSWORD, "test-wrong-registry-password",
                "test-pg-password-not-secret", "test-management-password-rotated-not-secret"));
        for (String out : outputs) {
            for (String secret : hidden) {
                assertFalse(out.contains(secret), "a secret value leaked into the output");
            }
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
