package dev.spacegate.space.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A fake Hugging Face Hub: the API endpoints the publisher calls, with huggingface_hub's request shapes
 * (platform.md §2), backed by real git repositories in a {@link GitHttpServer}. The runtime is simulated: a new
 * commit on {@code main} or a settings change starts a "build" (stage BUILDING) that hands the Dockerfile's image
 * to a {@link Builder}, whose verdict becomes RUNNING or BUILD_ERROR. The running Space itself is the builder's
 * business (the tests run the real image with {@link SpaceContainers}).
 */
public final class FakeHub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SPACE_PATH = Pattern.compile("/api/spaces/([^/]+/[^/]+)(/[a-z]+)?");

    /** Turns a Space's image and settings into a running app, or an error message. */
    public interface Builder {
        /** Returns null when the app runs, else the build error message. Runs off the request thread. */
        String build(String image, Map<String, String> env);
    }

    /** One API request as received. */
    public record Request(String method, String path, String authorization, JsonNode body) {
    }

    /** One Space's server-side state. */
    static final class Space {
        final Map<String, String> secretValues = new ConcurrentHashMap<>();
        final Map<String, String> secretDescriptions = new ConcurrentHashMap<>();
        final Map<String, String> variables = new ConcurrentHashMap<>();
        volatile int settingsVersion;
        volatile String stage = "NO_APP_FILE";
        volatile String errorMessage;
        volatile String builtCommit;
        volatile int builtSettings = -1;
        volatile String runningImage;
        /** The builder's verdict, applied once a poll has seen BUILDING (builds are never instant). */
        volatile String[] verdict;
        volatile boolean buildingReported;
    }

    private final HttpServer api;
    private final GitHttpServer git;
    private final String token;
    private final Map<String, Space> spaces = new ConcurrentHashMap<>();
    public final List<Request> requests = new CopyOnWriteArrayList<>();
    /** When true, creating a Space answers 402 like a free account. */
    public volatile boolean paymentRequired;
    /** Decides builds; default: every image "runs" (for tests that never reach the smoke step). */
    public volatile Builder builder = (image, env) -> null;

    public FakeHub(GitHttpServer git, String token) throws IOException {
        this.git = git;
        this.token = token;
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        api.createContext("/", this::handleApi);
        api.start();
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + api.getAddress().getPort();
    }

    public Map<String, String> secretValues(String id) {
        return Map.copyOf(space(id).secretValues);
    }

    public Map<String, String> variables(String id) {
        return Map.copyOf(space(id).variables);
    }

    public String stage(String id) {
        return space(id).stage;
    }

    public boolean exists(String id) {
        return spaces.containsKey(id);
    }

    private Space space(String id) {
        Space s = spaces.get(id);
        if (s == null) {
            throw new IllegalStateException("no Space " + id);
        }
        return s;
    }

    /** Creates a Space as Hugging Face does: a repo with .gitattributes and a README. */
    public void createSpace(String id) throws Exception {
        Path dir = git.repoDir(id);
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory("fakehub-init");
        try (Git g = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            Files.writeString(work.resolve(".gitattributes"), "*.bin filter=lfs diff=lfs merge=lfs -text\n");
            Files.writeString(work.resolve("README.md"), "---\ntitle: new\nsdk: docker\n---\n");
            g.add().addFilepattern(".").call();
            g.commit().setMessage("initial commit").setAuthor("hf", "hf@example.invalid")
                    .setCommitter("hf", "hf@example.invalid").call();
        }
        try (Git bare = Git.cloneRepository().setURI(work.toUri().toString()).setBare(true)
                .setDirectory(dir.toFile()).call()) {
            bare.getRepository().getConfig().setBoolean("http", null, "receivepack", true);
            bare.getRepository().getConfig().save();
        }
        spaces.put(id, new Space());
    }

    private void handleApi(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String auth = ex.getRequestHeaders().getFirst("authorization");
            byte[] raw = ex.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? null : JSON.readTree(raw);
            requests.add(new Request(ex.getRequestMethod(), path, auth, body));
            if (!("Bearer " + token).equals(auth)) {
                send(ex, 401, "{\"error\":\"Invalid username or password.\"}");
                return;
            }
            if (path.equals("/api/repos/create") && ex.getRequestMethod().equals("POST")) {
                create(ex, body);
                return;
            }
            Matcher m = SPACE_PATH.matcher(path);
            if (!m.matches()) {
                send(ex, 404, "{\"error\":\"Not Found\"}");
                return;
            }
            String id = m.group(1);
            Space s = spaces.get(id);
            if (s == null) {
                send(ex, 404, "{\"error\":\"Repository not found\"}");
                return;
            }
            String sub = m.group(2) == null ? "" : m.group(2);
            switch (ex.getRequestMethod() + " " + sub) {
                case "GET " -> send(ex, 200, "{\"id\":\"" + id + "\",\"sdk\":\"docker\",\"runtime\":" + runtime(id, s) + "}");
                case "GET /runtime" -> send(ex, 200, runtime(id, s).toString());
                case "GET /secrets" -> {
                    ObjectNode out = JSON.createObjectNode();
                    s.secretDescriptions.forEach((k, d) -> out.putObject(k).put("description", d)
                            .put("updatedAt", "2026-01-01T00:00:00.000Z"));
                    send(ex, 200, out.toString());
                }
                case "POST /secrets" -> {
                    s.secretValues.put(body.get("key").asText(), body.get("value").asText());
                    s.secretDescriptions.put(body.get("key").asText(), body.path("description").asText(""));
                    s.settingsVersion++;
                    send(ex, 200, "");
                }
                case "DELETE /secrets" -> {
                    s.secretValues.remove(body.get("key").asText());
                    s.secretDescriptions.remove(body.get("key").asText());
                    s.settingsVersion++;
                    send(ex, 200, "");
                }
                case "GET /variables" -> send(ex, 200, variablesJson(s));
                case "POST /variables" -> {
                    s.variables.put(body.get("key").asText(), body.get("value").asText());
                    s.settingsVersion++;
                    send(ex, 200, variablesJson(s));
                }
                case "DELETE /variables" -> {
                    s.variables.remove(body.get("key").asText());
                    s.settingsVersion++;
                    send(ex, 200, variablesJson(s));
                }
                default -> send(ex, 404, "{\"error\":\"Not Found\"}");
            }
        } catch (Exception e) {
            send(ex, 500, "{\"error\":\"fake hub: " + e.getClass().getSimpleName() + "\"}");
        }
    }

    private void create(HttpExchange ex, JsonNode body) throws Exception {
        if (body == null || !"space".equals(body.path("type").asText()) || !"docker".equals(body.path("sdk").asText())
                || body.path("name").asText().isEmpty()) {
            send(ex, 400, "{\"error\":\"expected type space, sdk docker and a name\"}");
            return;
        }
        if (paymentRequired) {
            send(ex, 402, "{\"error\":\"Payment required: Docker Spaces need a PRO subscription\"}");
            return;
        }
        String id = body.path("organization").asText() + "/" + body.path("name").asText();
        if (spaces.containsKey(id)) {
            send(ex, 409, "{\"error\":\"You already created this space repo\"}");
            return;
        }
        createSpace(id);
        send(ex, 200, "{\"url\":\"https://huggingface.co/spaces/" + id + "\"}");
    }

    private static String variablesJson(Space s) {
        ObjectNode out = JSON.createObjectNode();
        s.variables.forEach((k, v) -> out.putObject(k).put("value", v).put("description", "")
                .put("updatedAt", "2026-01-01T00:00:00.000Z"));
        return out.toString();
    }

    /** Advances the simulated runtime: a new commit or new settings start a build in the background. */
    private synchronized ObjectNode runtime(String id, Space s) throws IOException {
        String head;
        String dockerfile;
        try (Repository repo = Git.open(git.repoDir(id).toFile()).getRepository()) {
            ObjectId tip = repo.resolve("refs/heads/main");
            head = tip == null ? null : tip.name();
            dockerfile = tip == null ? null : file(repo, tip, "Dockerfile");
        }
        String[] verdict = s.verdict;
        if (s.stage.equals("BUILDING") && verdict != null && s.buildingReported) {
            s.verdict = null;
            s.errorMessage = verdict[1];
            s.runningImage = verdict[1] == null ? verdict[0] : s.runningImage;
            s.stage = verdict[1] == null ? "RUNNING" : "BUILD_ERROR";
        }
        boolean changed = head != null && (!head.equals(s.builtCommit) || s.settingsVersion != s.builtSettings);
        if (changed && !s.stage.equals("BUILDING")) {
            s.builtCommit = head;
            s.builtSettings = s.settingsVersion;
            if (dockerfile == null) {
                s.stage = "NO_APP_FILE";
            } else {
                String image = dockerfile.lines().filter(l -> l.startsWith("FROM ")).map(l -> l.substring(5).trim())
                        .findFirst().orElse("");
                Map<String, String> env = new ConcurrentHashMap<>(s.variables);
                env.putAll(s.secretValues);
                s.stage = "BUILDING";
                s.errorMessage = null;
                s.verdict = null;
                s.buildingReported = false;
                Builder b = builder;
                Thread.ofVirtual().start(() -> {
                    String error;
                    try {
                        error = b.build(image, env);
                    } catch (RuntimeException e) {
                        error = "builder crashed: " + e.getMessage();
                    }
                    s.verdict = new String[] {image, error};
                });
            }
        }
        ObjectNode rt = JSON.createObjectNode();
        rt.put("stage", s.stage);
        if (s.stage.equals("BUILDING")) {
            s.buildingReported = true;
        }
        rt.putObject("hardware").put("current", "cpu-basic").put("requested", "cpu-basic");
        rt.putNull("storage");
        rt.put("gcTimeout", 172800);
        rt.putObject("replicas").put("requested", 1);
        rt.put("devMode", false);
        rt.putArray("domains").addObject().put("domain", id.replace('/', '-') + ".hf.space").put("stage", "READY");
        if (s.errorMessage != null) {
            rt.put("errorMessage", s.errorMessage);
        }
        return rt;
    }

    private static String file(Repository repo, ObjectId commit, String path) throws IOException {
        try (RevWalk walk = new RevWalk(repo);
                TreeWalk tw = TreeWalk.forPath(repo, path, walk.parseCommit(commit).getTree())) {
            return tw == null ? null : new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Image the Space runs now (null before the first good build). */
    public String runningImage(String id) {
        return space(id).runningImage;
    }

    /** Turns {@code image -> error} into a builder that fails those images and runs the rest. */
    public static Builder failing(Function<String, String> errorFor) {
        return (image, env) -> errorFor.apply(image);
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("content-type", "application/json");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        api.stop(0);
    }
}
