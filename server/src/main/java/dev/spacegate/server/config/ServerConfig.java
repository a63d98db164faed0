package dev.spacegate.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The server's start-up settings: where to listen, which route profile, external owners, limits.
 *
 * <p>Read once from the YAML config file (CLIProxyAPI key names where the meaning is the same) with the
 * environment overriding the file. The whole YAML document is kept in {@link #document()} for the parts
 * (gateway providers, keys) that read their own sections.
 */
public record ServerConfig(String host,
                           int port,
                           String routeProfile,
                           Optional<String> gatewayUpstream,
                           Optional<String> managerUpstream,
                           long maxBodyBytes,
                           Duration upstreamReadTimeout,
                           Duration shutdownGrace,
                           Optional<Path> source,
                           ObjectNode document) {

    /** A config value that cannot be used; the message names the key and what is wrong. */
    public static final class InvalidConfigException extends RuntimeException {
        public InvalidConfigException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Loads from {@code --config PATH}, {@code CONFIG_PATH} or {@code ./config.yaml} (when present), then env. */
    public static ServerConfig load(String[] args, Map<String, String> env) {
        Optional<Path> file = configPath(args, env);
        ObjectNode doc = file.map(ServerConfig::readYamlOrEmpty).orElseGet(JSON::createObjectNode);
        return from(doc, env, file);
    }

    /** Builds the settings from a parsed document and the environment (environment wins). */
    public static ServerConfig from(ObjectNode doc, Map<String, String> env, Optional<Path> source) {
        String host = pick(env, "HOST", doc, "host").filter(s -> !s.isBlank()).orElse("0.0.0.0");
        int port = pick(env, "PORT", doc, "port").map(v -> parseInt("port", v)).orElse(7860);
        if (port < 0 || port > 65535) {
            throw new InvalidConfigException("port: " + port + " is not a TCP port (0-65535)");
        }
        String profile = pick(env, "ROUTE_PROFILE", doc, "route-profile").orElse("bundled")
                .trim().toLowerCase(Locale.ROOT);
        Optional<String> gateway = pick(env, "GATEWAY_UPSTREAM", doc, "gateway-upstream")
                .filter(s -> !s.isBlank()).map(v -> url("gateway-upstream", v));
        Optional<String> manager = pick(env, "MANAGER_UPSTREAM", doc, "manager-upstream")
                .filter(s -> !s.isBlank()).map(v -> url("manager-upstream", v));
        long maxBody = pick(env, "MAX_BODY_SIZE", doc, "max-body-size")
                .map(v -> parseSize("max-body-size", v)).orElse(100L * 1024 * 1024);
        Duration readTimeout = Duration.ofSeconds(pick(env, "UPSTREAM_READ_TIMEOUT", doc, "upstream-read-timeout-seconds")
                .map(v -> parseInt("upstream-read-timeout-seconds", v)).orElse(3600));
        Duration grace = Duration.ofSeconds(pick(env, "SHUTDOWN_GRACE_SECONDS", doc, "shutdown-grace-seconds")
                .map(v -> parseInt("shutdown-grace-seconds", v)).orElse(30));
        return new ServerConfig(host, port, profile, gateway, manager, maxBody, readTimeout, grace, source, doc);
    }

    /** The listen URL as printed at start-up. */
    public String listenUrl(int actualPort) {
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "0.0.0.0" : host;
        return "http://" + (shown.contains(":") ? "[" + shown + "]" : shown) + ":" + actualPort;
    }

    static Optional<Path> configPath(String[] args, Map<String, String> env) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") || args[i].equals("-config")) {
                if (i + 1 >= args.length) {
                    throw new InvalidConfigException("--config needs a file path");
                }
                return Optional.of(existing(Path.of(args[i + 1]), "--config"));
            }
            if (args[i].startsWith("--config=")) {
                return Optional.of(existing(Path.of(args[i].substring(9)), "--config"));
            }
        }
        String fromEnv = env.get("CONFIG_PATH");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(existing(Path.of(fromEnv), "CONFIG_PATH"));
        }
        Path local = Path.of("config.yaml");
        return Files.isRegularFile(local) ? Optional.of(local) : Optional.empty();
    }

    private static Path existing(Path p, String from) {
        if (!Files.isRegularFile(p)) {
            throw new InvalidConfigException(from + ": config file " + p + " does not exist");
        }
        return p;
    }

    /** Parses YAML text into a JSON object tree; an empty document is an empty object. */
    public static ObjectNode parseYaml(String text) {
        Object data;
        try {
            data = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (RuntimeException e) {
            // SnakeYAML messages quote the offending line, which may hold a key; keep only the position.
            String where = e.getMessage() == null ? "" : e.getMessage().lines()
                    .filter(l -> l.contains("line ")).findFirst().orElse("").trim();
            throw new InvalidConfigException("config is not valid YAML " + where);
        }
        if (data == null) {
            return JSON.createObjectNode();
        }
        if (recursive(data, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()),
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()))) {
            throw new InvalidConfigException("config is not valid: an alias refers to itself (a: &x [*x])");
        }
        JsonNode node = JSON.valueToTree(data);
        if (!(node instanceof ObjectNode obj)) {
            throw new InvalidConfigException("config must be a YAML mapping at the top level");
        }
        return obj;
    }

    /**
     * True when a YAML alias makes the loaded tree contain itself (converting it would never end). Each shared node is
     * walked once ({@code done}), so aliases that fan out cannot make this walk explode.
     */
    private static boolean recursive(Object node, java.util.Set<Object> path, java.util.Set<Object> done) {
        if (!(node instanceof Map<?, ?>) && !(node instanceof java.util.Collection<?>) || done.contains(node)) {
            return false;
        }
        if (!path.add(node)) {
            return true;
        }
        Iterable<?> children = node instanceof Map<?, ?> m ? m.values() : (java.util.Collection<?>) node;
        for (Object child : children) {
            if (recursive(child, path, done)) {
                return true;
            }
        }
        path.remove(node);
        done.add(node);
        return false;
    }

    /**
     * The file's document; a file that is not a YAML mapping does not stop the server (issue #23): it starts on the
     * environment and the stored config, and the manager reports the file as rejected.
     */
    private static ObjectNode readYamlOrEmpty(Path p) {
        String text;
        try {
            text = Files.readString(p);
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read config file " + p + ": " + e.getClass().getSimpleName());
        }
        try {
            return parseYaml(text);
        } catch (InvalidConfigException e) {
            System.getLogger(ServerConfig.class.getName()).log(System.Logger.Level.ERROR, "CONFIG REJECTED: config"
                    + " file " + p + ": " + e.getMessage() + "; starting without it (settings from the environment,"
                    + " the config from the store)");
            return JSON.createObjectNode();
        }
    }

    private static Optional<String> pick(Map<String, String> env, String envName, JsonNode doc, String key) {
        String v = env.get(envName);
        if (v != null && !v.isBlank()) {
            return Optional.of(v.trim());
        }
        JsonNode n = doc.get(key);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key + ": '" + v + "' is not a whole number");
        }
    }

    /** Accepts plain bytes or a number with KiB/MiB/GiB (also KB/MB/GB, k/m/g). */
    static long parseSize(String key, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        long mult = 1;
        String[][] units = {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}, {"kb", "1024"},
                {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1024"}, {"m", "1048576"}, {"g", "1073741824"},
                {"b", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                mult = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length());
                break;
            }
        }
        try {
            long n = Long.parseLong(s);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n * mult;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key + ": '" + v + "' is not a size (e.g. 104857600 or 100MiB)");
        }
    }

    private static String url(String key, String v) {
        String s = v.trim();
        if (!(s.startsWith("http://") || s.startsWith("https://"))) {
            throw new InvalidConfigException(key + ": '" + s + "' must be an http:// or https:// URL");
        }
        try {
            java.net.URI u = java.net.URI.create(s);
            if (u.getHost() == null) {
                throw new IllegalArgumentException();
            }
            if (u.getUserInfo() != null) {
                throw new InvalidConfigException(key + ": credentials in the URL are not supported");
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(key + ": '" + s + "' is not a valid URL");
        }
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
