package dev.spacegate.server.routing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Gives every response an {@code X-Request-Id} and writes one access-log line per request: method, path
 * (query values that can carry keys redacted), status, duration, owner and request id.
 */
public final class RequestLog implements Filter {
    public static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    /** Context key holding the request id, for parts that echo it (usage records, upstream calls). */
    public static final String REQUEST_ID_KEY = "spacegate.request-id";

    private static final System.Logger ACCESS = System.getLogger("spacegate.access");
    /** A client's id is kept when it is 1 to 128 visible ASCII characters (no spaces, no control characters). */
    private static final Pattern SANE_ID = Pattern.compile("[\\x21-\\x7E]{1,128}");
    private static final Set<String> SECRET_PARAMS = Set.of("key", "api_key", "api-key", "apikey", "auth_token",
            "token", "access_token", "refresh_token", "id_token", "code", "password", "secret", "management_key",
            "client_secret", "state");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String incoming = req.headers().first(REQUEST_ID).orElse("");
        String id = SANE_ID.matcher(incoming).matches() ? incoming : newId();
        req.context().register(REQUEST_ID_KEY, id);
        res.header(REQUEST_ID, id);
        try {
            chain.proceed();
        } finally {
            long micros = (System.nanoTime() - start) / 1000;
            String owner = req.context().get(Router.OWNER_KEY, String.class).orElse("-");
            String line = req.prologue().method().text() + " " + redactedTarget(req.path().rawPath(),
                    req.query().rawValue()) + " " + res.status().code() + " " + millis(micros) + "ms owner=" + owner
                    + " id=" + id;
            ACCESS.log(System.Logger.Level.INFO, line);
        }
    }

    /** Microseconds as milliseconds with three decimals, without a Formatter per request. */
    static String millis(long micros) {
        long frac = micros % 1000;
        return (micros / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    /**
     * A random version-4 UUID. Ids only correlate log lines and usage records, so they come from a fast generator:
     * {@code UUID.randomUUID()} reads the system's secure random source on every request.
     */
    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L)
                .toString();
    }

    /**
     * The request target as logged: a query value is replaced when its name, percent-decoded, may hold a secret, and
     * every value is replaced on the management API ({@code DELETE /v0/management/api-keys?value=sk-...}).
     */
    static String redactedTarget(String path, String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return path;
        }
        boolean management = path.startsWith("/v0/management/") || decode(path).startsWith("/v0/management/");
        StringBuilder sb = new StringBuilder(path).append('?');
        String[] pairs = rawQuery.split("&");
        for (int i = 0; i < pairs.length; i++) {
            if (i > 0) {
                sb.append('&');
            }
            int eq = pairs[i].indexOf('=');
            String name = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
            if (eq >= 0 && (management || SECRET_PARAMS.contains(decode(name).trim().toLowerCase(Locale.ROOT)))) {
                sb.append(name).append("=REDACTED");
            } else {
                sb.append(pairs[i]);
            }
        }
        return sb.toString();
    }

    /** Percent- and plus-decoding as the server applies it to names; malformed escapes stay as they are. */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
            return raw;
        }
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }
}
