package dev.spacegate.server.gateway.oauth;

import dev.spacegate.server.providers.OAuthProvider;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.server.gateway.config.GatewayConfig;
import dev.spacegate.server.gateway.models.ModelRegistry;
import dev.spacegate.server.gateway.pool.ScopedErrors;
import dev.spacegate.server.outbound.ProxySpec;

/**
 * One auth file as CLIProxyAPI writes it: a JSON object whose {@code type} names the provider, its tokens and the
 * optional per-file settings ({@code disabled, prefix, proxy_url, priority, weight, note, headers, excluded_models,
 * model_aliases, ...}). Legacy kebab-case keys are renamed to snake_case on parse. Immutable: changes make a copy.
 */
public final class AuthFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> EXPIRY_KEYS = List.of("expired", "expire", "expires_at", "expiresAt", "expiry",
            "expires");
    private static final List<String> REFRESH_KEYS = List.of("last_refresh", "lastRefresh", "last_refreshed_at",
            "lastRefreshedAt");
    /** Legacy key spellings CLIProxyAPI renames on load. */
    private static final Map<String, String> LEGACY = Map.ofEntries(
            Map.entry("proxy-url", "proxy_url"), Map.entry("excluded-models", "excluded_models"),
            Map.entry("model-aliases", "model_aliases"), Map.entry("disable-cooling", "disable_cooling"),
            Map.entry("request-retry", "request_retry"), Map.entry("project-id", "project_id"),
            Map.entry("request-scoped-errors", "request_scoped_errors"),
            Map.entry("refresh-interval-seconds", "refresh_interval_seconds"), Map.entry("auth-kind", "auth_kind"),
            Map.entry("base-url", "base_url"));

    /** The file cannot be used; the message says why (never its contents). */
    public static final class InvalidAuthFileException extends Exception {
        public InvalidAuthFileException(String message) {
            super(message, null, false, false);
        }
    }

    private final String name;
    private final ObjectNode json;
    private final ScopedErrors scopedErrors;

    private AuthFile(String name, ObjectNode json, ScopedErrors scopedErrors) {
        this.name = name;
        this.json = json;
        this.scopedErrors = scopedErrors;
    }

    /** Parses and checks a file; unknown types are kept (listed, never served). */
    public static AuthFile parse(String name, byte[] bytes) throws InvalidAuthFileException {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidAuthFileException(name + " is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidAuthFileException(name + " must be a JSON object");
        }
        return of(name, (ObjectNode) node);
    }

    /** Checks and normalises a JSON object (a copy is kept). */
    public static AuthFile of(String name, ObjectNode source) throws InvalidAuthFileException {
        ObjectNode o = source.deepCopy();
        LEGACY.forEach((old, now) -> {
            if (o.has(old) && !o.has(now)) {
                o.set(now, o.get(old));
            }
            o.remove(old);
        });
        if (o.path("type").asText("").isBlank()) {
            throw new InvalidAuthFileException(name + " has no \"type\"");
        }
        JsonNode w = o.get("weight");
        if (w != null && !w.isNull()) {
            if (!w.canConvertToLong() || !w.isIntegralNumber() || w.asLong() < 0 || w.asLong() > 1_000_000) {
                throw new InvalidAuthFileException(name + ": weight must be an integer from 0 to 1000000");
            }
        }
        JsonNode p = o.get("priority");
        if (p != null && !p.isNull() && !p.isNumber() && !(p.isTextual() && p.asText().trim().matches("-?\\d+"))) {
            throw new InvalidAuthFileException(name + ": priority must be a number");
        }
        String prefix = o.path("prefix").asText("").trim();
        if (prefix.contains("/")) {
            throw new InvalidAuthFileException(name + ": prefix must be a single path segment");
        }
        try {
            ProxySpec.parse(o.path("proxy_url").asText(""));
        } catch (IllegalArgumentException e) {
            throw new InvalidAuthFileException(name + ": proxy_url: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        ScopedErrors scoped = ScopedErrors.parse(o.get("request_scoped_errors"), name, problems);
        if (!problems.isEmpty()) {
            throw new InvalidAuthFileException(problems.get(0));
        }
        return new AuthFile(name, o, scoped);
    }

    public String name() {
        return name;
    }

    /** A copy of the JSON document. */
    public ObjectNode json() {
        return json.deepCopy();
    }

    public byte[] bytes() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("auth file could not be encoded");
        }
    }

    /** A copy with {@code change} applied to the JSON (checked again). */
    public AuthFile with(java.util.function.Consumer<ObjectNode> change) throws InvalidAuthFileException {
        ObjectNode copy = json.deepCopy();
        change.accept(copy);
        return of(name, copy);
    }

    public String type() {
        return json.path("type").asText("").trim().toLowerCase(Locale.ROOT);
    }

    public Optional<OAuthProvider> provider() {
        return OAuthProvider.ofType(type());
    }

    /**
     * CLIProxyAPI's {@code auth_index}: the first 16 hex digits of SHA-256 over {@code "<type>:<absolute path>"},
     * where the path is the file's place in its auth directory.
     */
    public String authIndex(Path authDir) {
        return ModelRegistry.authIndex(type() + ":" + authDir.toAbsolutePath().normalize().resolve(name));
    }

    public boolean disabled() {
        return json.path("disabled").asBoolean(false);
    }

    public String text(String key) {
        JsonNode v = json.get(key);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    public String accessToken() {
        return text("access_token");
    }

    public String refreshToken() {
        return text("refresh_token");
    }

    public String email() {
        return text("email");
    }

    /** {@code label}, else {@code email}, else the type (CLIProxyAPI's label rule). */
    public String label() {
        String l = text("label");
        if (l != null && !l.isBlank()) {
            return l;
        }
        String e = email();
        return e != null && !e.isBlank() ? e : type();
    }

    public String prefix() {
        String p = text("prefix");
        return p == null ? "" : p.trim();
    }

    public String proxyUrl() {
        String p = text("proxy_url");
        return p == null || p.isBlank() ? null : p.trim();
    }

    public int priority() {
        JsonNode p = json.get("priority");
        if (p == null || p.isNull()) {
            return 0;
        }
        return p.isNumber() ? p.asInt() : Integer.parseInt(p.asText().trim());
    }

    public int weight() {
        JsonNode w = json.get("weight");
        return w == null || w.isNull() ? 1 : w.asInt();
    }

    public Integer requestRetry() {
        JsonNode r = json.get("request_retry");
        return r == null || !r.canConvertToInt() ? null : r.asInt();
    }

    /** The file's {@code request_scoped_errors} rules. */
    public ScopedErrors scopedErrors() {
        return scopedErrors;
    }

    public Boolean disableCooling() {
        JsonNode r = json.get("disable_cooling");
        return r == null || !r.isBoolean() ? null : r.asBoolean();
    }

    public Map<String, String> headers() {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode h = json.get("headers");
        if (h != null && h.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isValueNode() && !e.getValue().asText().isEmpty()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            }
        }
        return out;
    }

    public List<String> excludedModels() {
        List<String> out = new ArrayList<>();
        json.path("excluded_models").forEach(n -> {
            if (n.isTextual() && !n.asText().isBlank()) {
                out.add(n.asText().trim().toLowerCase(Locale.ROOT));
            }
        });
        return out;
    }

    /** {@code model_aliases}: {@code {name, alias, force-mapping}}; entries without both names are skipped. */
    public List<GatewayConfig.Model> modelAliases() {
        List<GatewayConfig.Model> out = new ArrayList<>();
        json.path("model_aliases").forEach(n -> {
            String nm = n.path("name").asText("").trim();
            String alias = n.path("alias").asText("").trim();
            if (!nm.isEmpty() && !alias.isEmpty()) {
                boolean force = n.path("force-mapping").asBoolean(n.path("force_mapping").asBoolean(false));
                out.add(new GatewayConfig.Model(nm, alias, force));
            }
        });
        return out;
    }

    /** The access token's expiry, from the first of CLIProxyAPI's expiry keys that parses. */
    public Optional<Instant> expiry() {
        return firstInstant(EXPIRY_KEYS);
    }

    public Optional<Instant> lastRefresh() {
        return firstInstant(REFRESH_KEYS);
    }

    private Optional<Instant> firstInstant(List<String> keys) {
        for (String k : keys) {
            Optional<Instant> t = instant(json.get(k));
            if (t.isPresent()) {
                return t;
            }
        }
        return Optional.empty();
    }

    static Optional<Instant> instant(JsonNode v) {
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (v.isNumber()) {
            long n = v.asLong();
            // seconds or milliseconds since the epoch
            return Optional.of(n > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n));
        }
        String s = v.asText("").trim();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(Instant.parse(s));
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    @Override
    public String toString() {
        return "AuthFile[" + name + "]";
    }
}
