package dev.spacegate.server.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spacegate.server.config.EnvKeys;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.ServerRequest;

/**
 * Checks client API keys ({@code api-keys}) in CLIProxyAPI's order of sources, comparing in constant time.
 *
 * <p>Keys come from the config ({@code api-keys}, managed in the panel) and from the environment
 * ({@code CLIENT_API_KEYS}, {@code CLIENT_API_KEYS_PREVIOUS} within its rotation window; see {@link EnvKeys}).
 * With no keys configured from any source every request is refused with a 401 that says how to add one (unlike
 * CLIProxyAPI, which admits everyone), unless the operator opted in with {@code allow-unauthenticated: true}.
 */
public final class ClientKeys {

    /**
     * The result of a check: admitted (with the key, if any, where it was presented and which configured key it
     * is: {@code config}, or the env variable and label such as {@code CLIENT_API_KEYS_PREVIOUS:ci}) or rejected.
     */
    public record Verdict(boolean admitted, String key, String source, String problem, String origin) {
        public Verdict(boolean admitted, String key, String source, String problem) {
            this(admitted, key, source, problem, admitted ? "config" : null);
        }
    }

    /** The config key that admits every client while no client key is configured. */
    public static final String ALLOW_UNAUTHENTICATED = "allow-unauthenticated";
    /** The refusal while no client key is configured: says how to add one. */
    public static final String NO_KEYS = "No client API key is configured, so the gateway admits no one. Add a key"
            + " in the panel (Keys page), with PUT /v0/management/api-keys or in the CLIENT_API_KEYS variable,"
            + " or set allow-unauthenticated: true in the config to admit every client.";

    private final List<byte[]> keys;
    private final EnvKeys env;
    private final Clock clock;
    private final boolean allowUnauthenticated;

    public ClientKeys(List<String> keys) {
        this(keys, EnvKeys.none("CLIENT_API_KEYS"), Clock.systemUTC(), false);
    }

    /**
     * Keys from the config next to keys from the environment, whose windows are judged by {@code clock}.
     *
     * @param allowUnauthenticated admit every request while no key is configured from any source
     */
    public ClientKeys(List<String> keys, EnvKeys env, Clock clock, boolean allowUnauthenticated) {
        this.keys = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.env = env;
        this.clock = clock;
        this.allowUnauthenticated = allowUnauthenticated;
    }

    /** True when the config document opts in to an open gateway ({@code allow-unauthenticated: true}). */
    public static boolean allowsUnauthenticated(JsonNode config) {
        return config != null && config.path(ALLOW_UNAUTHENTICATED).asBoolean(false);
    }

    /** True when no key is configured from any source. */
    public boolean none() {
        return keys.isEmpty() && env.isEmpty();
    }

    /** True when every request is admitted: no key configured and the operator opted in. */
    public boolean open() {
        return none() && allowUnauthenticated;
    }

    /** Reads the presented key from headers or query and checks it. */
    public Verdict check(ServerRequest req) {
        return check(req.headers(), req.query());
    }

    /** Reads the presented key from headers or query (also used for WebSocket upgrades) and checks it. */
    public Verdict check(Headers headers, UriQuery query) {
        String key = null;
        String source = null;
        Optional<String> auth = headers.first(HeaderNames.AUTHORIZATION);
        if (auth.isPresent() && !auth.get().isBlank()) {
            String a = auth.get().trim();
            key = a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).trim() : a;
            source = "authorization";
        } else if (nonBlank(headers.first(HeaderNames.create("x-goog-api-key")))) {
            key = headers.first(HeaderNames.create("x-goog-api-key")).get().trim();
            source = "x-goog-api-key";
        } else if (nonBlank(headers.first(HeaderNames.create("x-api-key")))) {
            key = headers.first(HeaderNames.create("x-api-key")).get().trim();
            source = "x-api-key";
        } else if (nonBlank(query.first("key").asOptional())) {
            key = query.first("key").get().trim();
            source = "query-key";
        } else if (nonBlank(query.first("auth_token").asOptional())) {
            key = query.first("auth_token").get().trim();
            source = "query-auth-token";
        }
        return check(key, source);
    }

    /** Checks a presented key (null when none was presented). */
    public Verdict check(String key, String source) {
        if (none()) {
            return allowUnauthenticated ? new Verdict(true, key == null ? "" : key, source, null)
                    : new Verdict(false, null, null, NO_KEYS, null);
        }
        if (key == null || key.isEmpty()) {
            return new Verdict(false, null, null, "Missing API key");
        }
        byte[] presented = key.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] k : keys) {
            // every key is compared so timing does not reveal which one matched
            match |= MessageDigest.isEqual(k, presented);
        }
        Optional<EnvKeys.Key> fromEnv = env.find(key);
        if (match) {
            return new Verdict(true, key, source, null);
        }
        if (fromEnv.isPresent()) {
            EnvKeys.Key k = fromEnv.get();
            return k.validAt(clock.instant())
                    ? new Verdict(true, key, source, null, k.source(env.name()) + ":" + k.label())
                    : new Verdict(false, null, null, env.expiredMessage(k), null);
        }
        return new Verdict(false, null, null, "Invalid API key");
    }

    private static boolean nonBlank(Optional<String> v) {
        return v.isPresent() && !v.get().isBlank();
    }
}
