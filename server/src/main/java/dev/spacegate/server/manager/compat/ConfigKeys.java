package dev.spacegate.server.manager.compat;

import dev.spacegate.server.web.ClientError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every config key Spacegate knows, declared once: CLIProxyAPI's {@code config.yaml} keys (honoured, mapped to a
 * Spacegate equivalent, or ignored with the reason and the alternative) and Spacegate's own keys. A document's
 * top-level keys outside this list are refused ({@code unknown_keys}); ignored keys are reported and logged, never
 * dropped silently. Each key also says when a change takes effect ({@link Apply}): the config API refuses to change a
 * {@link Apply#RESTART} key ({@link #restartKeysChanged}). docs/migrating.md carries {@link #markdown()},
 * docs/configuration.md {@link #restartMarkdown()}.
 */
public final class ConfigKeys {
    private static final System.Logger LOG = System.getLogger(ConfigKeys.class.getName());

    /** What Spacegate does with a key. */
    public enum Status { HONOURED, MAPPED, IGNORED }

    /**
     * When a change of the key takes effect: {@code LIVE} at once (the gateway and manager follow every saved
     * change, on every replica; an ignored key has nothing to apply), {@code RESTART} only when the server starts,
     * because it is read before the config store is opened (how to listen, which parts to build), from the
     * environment or the config file.
     */
    public enum Apply { LIVE, RESTART }

    /**
     * One key (dotted for the parts of a section that differ from the section as a whole).
     *
     * @param origin   {@code cliproxyapi} or {@code spacegate}
     * @param note     what it does in Spacegate, what it maps to, or why it is ignored and what to use instead
     * @param honoured for keys honoured only with some values: the values that are honoured (others are ignored)
     * @param apply    when a change takes effect
     * @param env      for a {@code RESTART} key, the environment variable that sets it (and wins over the file)
     */
    public record Key(String name, Status status, String origin, String note, Predicate<JsonNode> honoured,
                      Apply apply, String env) {
        /** The key's status for a value in a document. */
        public Status statusFor(JsonNode value) {
            return honoured == null || honoured.test(value) ? status : Status.IGNORED;
        }
    }

    /** The keys of a document Spacegate ignores, and those it does not know at all. */
    public record Report(List<String> ignored, List<String> unknown) {
    }

    private static final String CPA = "cliproxyapi";
    private static final String SG = "spacegate";
    private static final Map<String, Key> KEYS = new LinkedHashMap<>();

    private static void key(String name, Status status, String origin, String note) {
        KEYS.put(name, new Key(name, status, origin, note, null, Apply.LIVE, null));
    }

    private static void keyIf(String name, Status status, Predicate<JsonNode> honoured, String note) {
        KEYS.put(name, new Key(name, status, CPA, note, honoured, Apply.LIVE, null));
    }

    /** A key read only at start, from {@code env} or the config file (see {@link Apply#RESTART}). */
    private static void atStart(String name, String origin, String env, String note) {
        KEYS.put(name, new Key(name, Status.HONOURED, origin, note, null, Apply.RESTART, env));
    }

    static {
        atStart("host", CPA, "HOST", "listen address (env `HOST` wins)");
        atStart("port", CPA, "PORT", "listen port (env `PORT` wins; a Space needs 7860)");
        key("tls", Status.IGNORED, CPA, "TLS ends at the platform or reverse proxy; Spacegate speaks plain HTTP");
        key("remote-management", Status.HONOURED, CPA, "see its parts");
        key("remote-management.secret-key", Status.HONOURED, CPA, "the management key when `MANAGEMENT_PASSWORD`"
                + " is unset: a plaintext value is hashed, the hash stored in its place; a CLIProxyAPI bcrypt hash"
                + " cannot be reused (set the plaintext key or `MANAGEMENT_PASSWORD`)");
        key("remote-management.allow-remote", Status.MAPPED, CPA, "management is always reachable remotely and"
                + " always needs the key (as CLIProxyAPI with `MANAGEMENT_PASSWORD`)");
        key("remote-management.disable-control-panel", Status.IGNORED, CPA, "the panel is part of Spacegate;"
                + " without the management key it shows nothing");
        key("remote-management.disable-auto-update-panel", Status.MAPPED, CPA, "the panel ships inside the jar"
                + " and never updates itself");
        key("remote-management.panel-github-repository", Status.IGNORED, CPA, "the panel ships inside the jar");
        key("auth-dir", Status.HONOURED, CPA, "folder of CLIProxyAPI auth files imported once into the auth store"
                + " (also `AUTH_IMPORT_DIR`), and the base of `auth_index`");
        key("api-keys", Status.HONOURED, CPA, "client keys");
        key("debug", Status.IGNORED, CPA, "log levels come from logging.properties; `GET /v0/management/logs`"
                + " shows the recent lines");
        key("pprof", Status.IGNORED, CPA, "use the JDK's tools (`jcmd`, Flight Recorder)");
        key("commercial-mode", Status.IGNORED, CPA, "Spacegate has no per-request file logging to turn off");
        key("logging-to-file", Status.IGNORED, CPA, "Spacegate logs to standard output (the platform keeps it);"
                + " `GET /v0/management/logs` tails the recent lines");
        key("logs-max-total-size-mb", Status.IGNORED, CPA, "no log files: the recent lines are kept in memory");
        key("error-logs-max-files", Status.IGNORED, CPA, "failed requests are in the usage store with their error"
                + " body (`/v0/management/usage`)");
        key("request-log", Status.HONOURED, CPA, "keep the last requests (bodies capped, secrets redacted) in"
                + " memory for `GET /v0/management/request-log-by-id/:id`; off by default");
        key("usage-statistics-enabled", Status.HONOURED, CPA, "fills `/v0/management/usage-queue`");
        key("redis-usage-queue-retention-seconds", Status.HONOURED, CPA, "usage queue retention");
        key("proxy-url", Status.HONOURED, CPA, "global upstream proxy");
        key("force-model-prefix", Status.HONOURED, CPA, "prefixed credentials only answer prefixed names");
        key("passthrough-headers", Status.HONOURED, CPA, "upstream response headers go on to the client");
        key("request-retry", Status.HONOURED, CPA, "retry rounds before the first byte");
        key("max-retry-credentials", Status.HONOURED, CPA, "credentials per round");
        key("max-retry-interval", Status.HONOURED, CPA, "longest wait for a cooling credential");
        key("disable-cooling", Status.HONOURED, CPA, "no cooldowns");
        key("save-cooldown-status", Status.MAPPED, CPA, "cooldowns are always kept in the settings store and"
                + " survive restarts");
        key("transient-error-cooldown-seconds", Status.HONOURED, CPA, "cooldown after 408/5xx");
        key("auth-auto-refresh-workers", Status.IGNORED, CPA, "token refreshes run on one scheduler (a few"
                + " auth files per Space); `auth-refresh-check-seconds` sets how often it looks");
        key("quota-exceeded", Status.IGNORED, CPA, "legacy Gemini CLI switches without effect in CLIProxyAPI too;"
                + " `antigravity-credits`: Antigravity auth files are stored but not called");
        key("routing", Status.HONOURED, CPA, "`strategy`, `session-affinity`, `session-affinity-ttl`");
        keyIf("ws-auth", Status.HONOURED, v -> v.asBoolean(true), "WebSockets always need a client key (as"
                + " `ws-auth: true`); `false` is ignored");
        key("nonstream-keepalive-interval", Status.HONOURED, CPA, "blank lines while a non-stream answer waits");
        key("streaming", Status.HONOURED, CPA, "see its parts");
        key("streaming.keepalive-seconds", Status.HONOURED, CPA, "`: keep-alive` comments on quiet streams");
        key("streaming.bootstrap-retries", Status.IGNORED, CPA, "Spacegate always retries before the first byte;"
                + " set the number with `request-retry`");
        key("disable-image-generation", Status.IGNORED, CPA, "no built-in image tool; image requests pass through"
                + " to the upstream unchanged");
        key("gpt-image-2-base-model", Status.IGNORED, CPA, "no built-in image tool");
        key("video-result-auth-cache-ttl", Status.IGNORED, CPA, "video endpoints are not served");
        key("claude-code", Status.IGNORED, CPA, "model lists are never disguised");
        keyIf("disable-claude-cloak-mode", Status.HONOURED, v -> v.asBoolean(false), "Spacegate never disguises"
                + " requests as Claude Code (as `true`); `false` (cloaking on) is ignored");
        key("claude-header-defaults", Status.IGNORED, CPA, "no Claude Code fingerprint; set fixed headers per"
                + " entry with `headers`");
        key("codex-header-defaults", Status.IGNORED, CPA, "set fixed headers per entry with `headers`");
        key("codex", Status.IGNORED, CPA, "Codex disguise and Live relay are not implemented");
        key("antigravity", Status.IGNORED, CPA, "Antigravity auth files are stored and refreshed but not called");
        key("antigravity-signature-cache-enabled", Status.IGNORED, CPA, "Antigravity is not called");
        key("antigravity-signature-bypass-strict", Status.IGNORED, CPA, "Antigravity is not called");
        key("xai", Status.IGNORED, CPA, "no native x_search injection; send the tool in the request");
        key("plugins", Status.IGNORED, CPA, "no native plugins; use `payload` rules and the management API");
        key("credential-concurrency", Status.IGNORED, CPA, "CLIProxyAPI Home (control plane) only");
        key("credential-in-flight", Status.IGNORED, CPA, "CLIProxyAPI Home (control plane) only");
        key("oauth-excluded-models", Status.HONOURED, CPA, "models hidden from the auth files of a channel");
        key("oauth-model-alias", Status.HONOURED, CPA, "models of a channel's auth files under other names");
        key("oauth-request-scoped-errors", Status.HONOURED, CPA, "error rules per OAuth channel");
        key("payload", Status.HONOURED, CPA, "parameters set or removed upstream");
        key("gemini-api-key", Status.HONOURED, CPA, "Gemini API keys");
        key("claude-api-key", Status.HONOURED, CPA, "Anthropic API keys");
        key("codex-api-key", Status.HONOURED, CPA, "OpenAI Responses upstreams");
        key("openai-compatibility", Status.HONOURED, CPA, "OpenAI-compatible upstreams");
        key("interactions-api-key", Status.IGNORED, CPA, "the Interactions API is not served; put the key under"
                + " `gemini-api-key`");
        key("xai-api-key", Status.IGNORED, CPA, "put the key under `openai-compatibility` with `base-url:"
                + " https://api.x.ai/v1` (xAI speaks OpenAI chat completions)");
        key("vertex-api-key", Status.IGNORED, CPA, "Vertex API keys are not served; upload a service-account file"
                + " (`POST /v0/management/vertex/import`)");
        atStart("route-profile", SG, "ROUTE_PROFILE", "path table (env `ROUTE_PROFILE`)");
        atStart("gateway-upstream", SG, "GATEWAY_UPSTREAM", "external CLIProxyAPI (env `GATEWAY_UPSTREAM`)");
        atStart("manager-upstream", SG, "MANAGER_UPSTREAM", "external CPA-Manager (env `MANAGER_UPSTREAM`)");
        atStart("max-body-size", SG, "MAX_BODY_SIZE", "router body limit (env `MAX_BODY_SIZE`)");
        key("upstream-read-timeout-seconds", Status.HONOURED, SG, "idle read limit on the gateway's upstream calls"
                + " (forwarders to external owners read `UPSTREAM_READ_TIMEOUT` at start)");
        atStart("shutdown-grace-seconds", SG, "SHUTDOWN_GRACE_SECONDS", "graceful stop (env"
                + " `SHUTDOWN_GRACE_SECONDS`)");
        key("request-body-limit-mb", Status.HONOURED, SG, "gateway body limit");
        key("cors-allowed-origins", Status.HONOURED, SG, "browser origins on the API routes");
        key("oauth-endpoints", Status.HONOURED, SG, "OAuth and upstream URLs per provider (tests, proxies)");
        key("auth-refresh-check-seconds", Status.HONOURED, SG, "how often token expiry is checked");
        key("auth-reload-seconds", Status.HONOURED, SG, "how often the auth store is re-read");
        key("allow-unauthenticated", Status.HONOURED, SG, "admit every client when no client key is configured"
                + " (otherwise 401); logged at every start");
    }

    private ConfigKeys() {
    }

    /** The catalogue, in declaration order. */
    public static List<Key> all() {
        return List.copyOf(KEYS.values());
    }

    public static Optional<Key> find(String name) {
        return Optional.ofNullable(KEYS.get(name));
    }

    /** Classifies a document's keys: ignored ones (dotted for parts of a section) and unknown top-level ones. */
    public static Report classify(JsonNode doc) {
        List<String> ignored = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        doc.properties().forEach(e -> {
            Key k = KEYS.get(e.getKey());
            if (k == null) {
                unknown.add(e.getKey());
                return;
            }
            boolean sectioned = KEYS.keySet().stream().anyMatch(n -> n.startsWith(e.getKey() + "."));
            if (sectioned && e.getValue().isObject()) {
                e.getValue().properties().forEach(part -> {
                    String dotted = e.getKey() + "." + part.getKey();
                    Key pk = KEYS.get(dotted);
                    // a part CLIProxyAPI may add later is reported, not refused (only top-level keys are checked)
                    if (pk == null || pk.statusFor(part.getValue()) == Status.IGNORED) {
                        ignored.add(dotted);
                    }
                });
            } else if (k.statusFor(e.getValue()) == Status.IGNORED) {
                ignored.add(e.getKey());
            }
        });
        return new Report(List.copyOf(ignored), List.copyOf(unknown));
    }

    /** One warning per ignored key (names only, never values), and one per unknown key. */
    public static Report logReport(JsonNode doc, String when) {
        Report r = classify(doc);
        for (String k : r.ignored()) {
            LOG.log(System.Logger.Level.WARNING, "Config key '" + k + "' is not supported by Spacegate and is ignored"
                    + " (" + when + "); see docs/migrating.md");
        }
        for (String k : r.unknown()) {
            LOG.log(System.Logger.Level.WARNING, "Config key '" + k + "' is unknown (" + when + ")");
        }
        return r;
    }

    /**
     * The {@link Apply#RESTART} keys whose value differs between two documents, in catalogue order. Values compare as
     * the server reads them at start (as text; missing, null and blank are all unset), so a full document that
     * repeats the running value is no change.
     */
    public static List<Key> restartKeysChanged(JsonNode before, JsonNode after) {
        return KEYS.values().stream().filter(k -> k.apply() == Apply.RESTART)
                .filter(k -> !startValue(before, k.name()).equals(startValue(after, k.name()))).toList();
    }

    private static Optional<String> startValue(JsonNode doc, String name) {
        JsonNode v = doc.get(name);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        String text = v.isValueNode() ? v.asText().trim() : v.toString();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** {@code 422 {"error":"unknown_keys","message":...,"keys":[...]}} for a write with unknown keys. */
    public static ClientError unknownKeysError(List<String> unknown) {
        // CLIProxyAPI's shape: the code in "error", the explanation beside it
        return ClientError.of(422, null, "unknown_keys").with("message", "unknown top-level config keys: "
                + String.join(", ", unknown) + " (neither Spacegate nor CLIProxyAPI reads them; see docs/migrating.md)")
                .with("keys", List.copyOf(unknown));
    }

    /** The catalogue as the Markdown table in docs/migrating.md. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder("| key | from | status | applies | in Spacegate |\n|---|---|---|---|---|\n");
        for (Key k : KEYS.values()) {
            sb.append("| `").append(k.name()).append("` | ").append(k.origin()).append(" | ")
                    .append(k.status().name().toLowerCase(java.util.Locale.ROOT))
                    .append(k.honoured() == null ? "" : " (see note)").append(" | ")
                    .append(k.apply().name().toLowerCase(java.util.Locale.ROOT)).append(" | ").append(k.note())
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** The {@link Apply#RESTART} keys as the Markdown table in docs/configuration.md. */
    public static String restartMarkdown() {
        StringBuilder sb = new StringBuilder("| file key | environment variable (wins over the file) |\n|---|---|\n");
        for (Key k : KEYS.values()) {
            if (k.apply() == Apply.RESTART) {
                sb.append("| `").append(k.name()).append("` | `").append(k.env()).append("` |\n");
            }
        }
        return sb.toString();
    }
}
