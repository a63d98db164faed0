package dev.spacegate.server.routing;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * CORS for the management API ({@code /v0/management/*}, {@code /usage-service/*}, {@code /status}, {@code /setup}),
 * so a management UI on another origin (CLIProxyAPI's Management Center, CPA-Manager-Plus) can sign in. A preflight
 * ({@code OPTIONS} with an {@code Origin}) is answered here, before any key check; other calls from an allowed origin
 * get {@code Access-Control-Allow-Origin}. Allowed origins come from {@code MANAGEMENT_CORS_ORIGINS} (comma-separated;
 * default {@code *}: the keys are bearer tokens sent by script, no cookie is involved, so a foreign page gains nothing
 * without the key; {@code none} turns CORS off). Same-origin calls (the bundled panel) are not affected.
 */
public final class ManagementCors implements Filter {
    private static final String METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    private static final String HEADERS = "Authorization, Content-Type, If-Match, X-Management-Key";

    private final List<String> origins;

    /** @param origins allowed origins; {@code *} allows any, empty allows none */
    public ManagementCors(List<String> origins) {
        this.origins = List.copyOf(origins);
    }

    /** The allowed origins from {@code MANAGEMENT_CORS_ORIGINS}. */
    public static List<String> origins(Map<String, String> env) {
        String v = env.getOrDefault("MANAGEMENT_CORS_ORIGINS", "").trim();
        if (v.isEmpty()) {
            return List.of("*");
        }
        if (v.equalsIgnoreCase("none")) {
            return List.of();
        }
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s).toList();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
        if (origin == null || !managementPath(req.path().rawPath())) {
            chain.proceed();
            return;
        }
        boolean allowed = origins.contains("*") || origins.contains(origin);
        if (req.prologue().method() == Method.OPTIONS) {
            if (!allowed) {
                ErrorFamily.MANAGEMENT.send(res, ClientError.of(403, "cors_origin_denied", "origin " + origin
                        + " is not allowed to call the management API (MANAGEMENT_CORS_ORIGINS)"));
                return;
            }
            allow(res, origin);
            res.header("Access-Control-Allow-Methods", METHODS);
            res.header("Access-Control-Allow-Headers",
                    req.headers().first(HeaderNames.create("Access-Control-Request-Headers")).orElse(HEADERS));
            res.header("Access-Control-Max-Age", "600");
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        if (allowed) {
            allow(res, origin);
        }
        chain.proceed();
    }

    private void allow(RoutingResponse res, String origin) {
        if (origins.contains("*")) {
            res.header("Access-Control-Allow-Origin", "*");
        } else {
            res.header("Access-Control-Allow-Origin", origin);
            res.header(HeaderNames.VARY, "Origin");
        }
        res.header("Access-Control-Expose-Headers", "ETag");
    }

    private static boolean managementPath(String raw) {
        String p = PathNormalizer.normalize(raw).orElse("");
        return p.equals("/v0/management") || p.startsWith("/v0/management/") || p.startsWith("/usage-service/")
                || p.equals("/status") || p.equals("/setup");
    }
}
