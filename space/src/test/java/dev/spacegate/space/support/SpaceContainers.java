package dev.spacegate.space.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs a Space's image the way Hugging Face does, with podman (runc): pulled from the registry, started as uid
 * 1000 with the Space's secrets and variables as environment and {@code PORT} set, its disk gone when the container
 * is removed. Used as the fake Hub's runtime ({@link FakeHub.Builder}): a build succeeds once {@code /health}
 * answers 200. Containers share the host network and listen on loopback only.
 */
public final class SpaceContainers implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path podman;
    private final Path containersConf;
    private final int port;
    private final List<String> names = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Duration lastColdStart;

    /**
     * Requires podman and runc (skips, or fails under CI=true, without them).
     *
     * @param tmp  a scratch directory
     * @param port the port the containers listen on (their {@code PORT})
     */
    public SpaceContainers(Path tmp, int port) throws IOException {
        podman = Tools.require("podman", "podman");
        Tools.require("runc", "runc");
        this.port = port;
        // As root on the project's machines crun trips over the hybrid cgroups and RLIMIT_NOFILE; runc with
        // cgroupfs works (RECIPES.md). Rootless podman (GitHub runners) keeps its own defaults. The runtime is in the
        // file too, for the podman the publisher starts itself (its class archive's training run).
        if (isRoot()) {
            Files.createDirectories(tmp);
            containersConf = tmp.resolve("containers.conf");
            Files.writeString(containersConf, "[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "
                    + "\"cgroupfs\"\nruntime = \"runc\"\n");
        } else {
            containersConf = null;
        }
    }

    /** Environment under which another podman (the publisher's, in its own process) runs containers the same way. */
    public Map<String, String> podmanEnv() {
        return containersConf == null ? Map.of() : Map.of("CONTAINERS_CONF", containersConf.toString());
    }

    /** Base URL of the running container. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Time from {@code podman run} to the first {@code /health} 200 of the last successful start, or null. */
    public Duration lastColdStart() {
        return lastColdStart;
    }

    /** Name of the newest container (running or not), or null. */
    public String current() {
        return names.isEmpty() ? null : names.getLast();
    }

    /**
     * A Space (re)start: removes the running container, pulls {@code image} and starts a fresh one with {@code env};
     * returns null once {@code /health} answers 200, else what went wrong (with the container's log).
     */
    public String restart(String image, Map<String, String> env) {
        removeAll();
        Processes.Result pull = podman(Map.of(), "pull", "--quiet", "--tls-verify=false", image);
        if (pull.exit() != 0) {
            return "pull failed: " + pull.output();
        }
        String name = "spacegate-publisher-test-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> cmd = new ArrayList<>(List.of("run", "-d", "--name", name));
        if (isRoot()) {
            cmd.addAll(List.of("--runtime", "runc"));
        }
        // HOST: the Space's own network namespace is the host's here; listen on loopback only.
        cmd.addAll(List.of("--network=host", "--user", "1000", "-e", "PORT=" + port, "-e", "HOST=127.0.0.1"));
        Map<String, String> processEnv = new HashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            // "-e NAME" takes the value from podman's own environment, so values stay off the command line.
            cmd.addAll(List.of("-e", e.getKey()));
            processEnv.put(e.getKey(), e.getValue());
        }
        cmd.add(image);
        long started = System.nanoTime();
        Processes.Result run = podman(processEnv, cmd.toArray(String[]::new));
        if (run.exit() != 0) {
            return "container did not start: " + run.output();
        }
        names.add(name);
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (get("/health").statusCode() == 200) {
                    lastColdStart = Duration.ofNanos(System.nanoTime() - started);
                    return null;
                }
            } catch (IOException notYet) {
                // the JVM is still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
            if (!podman(Map.of(), "inspect", "--format", "{{.State.Running}}", name).output().strip().equals("true")) {
                return "container exited: " + logs();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return "no /health answer within " + START_TIMEOUT.toSeconds() + " s: " + logs();
    }

    /** GET {@code path} on the running container. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).GET(), null);
    }

    /** Sends a request to the running container, with a bearer token when {@code bearer} is not null. */
    public HttpResponse<String> send(HttpRequest.Builder request, String bearer)
            throws IOException, InterruptedException {
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The current container's output so far. */
    public String logs() {
        String name = current();
        return name == null ? "(no container)" : podman(Map.of(), "logs", name).output();
    }

    /** Runs {@code podman exec} in the current container. */
    public Processes.Result exec(String... command) {
        List<String> cmd = new ArrayList<>(List.of("exec", current()));
        cmd.addAll(List.of(command));
        return podman(Map.of(), cmd.toArray(String[]::new));
    }

    /** Removes every container started here (the Space's disk goes with them). */
    public void removeAll() {
        for (String name : names) {
            podman(Map.of(), "rm", "-f", "-t", "5", name);
        }
    }

    @Override
    public void close() {
        removeAll();
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

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
