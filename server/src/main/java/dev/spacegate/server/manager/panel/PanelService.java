package dev.spacegate.server.manager.panel;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.Version;
import dev.spacegate.server.providers.Operation;
import dev.spacegate.server.routing.EndpointOwner;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.routing.RouteOwner;
import dev.spacegate.server.routing.RouteRule;
import dev.spacegate.server.routing.RouteTable;
import dev.spacegate.server.web.Json;
import dev.spacegate.server.web.LandingPage;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The panel owner: the landing page, the management panel and its versioned static assets, and the route table
 * as JSON for the panel's System page. Everything it serves is public; the panel's data comes from the
 * management API, which checks the management key.
 *
 * <pre>
 * curl http://localhost:7860/management.html          # the panel (also at /cpm/)
 * curl http://localhost:7860/panel/api/routes         # {"profile":"bundled","rules":[...]}
 * curl http://localhost:7860/panel/&lt;version&gt;/app.js   # an asset, cached for a year
 * </pre>
 */
public final class PanelService implements RouteOwner {
    /** No inline scripts or styles anywhere in the panel; the APIs are same-origin. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    /** Answers whether some owner serves a method and path; owners that cannot tell count as serving it. */
    @FunctionalInterface
    public interface Probe {
        boolean serves(Method method, String path);
    }

    /**
     * The management API calls the panel makes, by the name its pages use. Asking the server once which of them
     * exist lets a page show "not available on this server" without a failing request in the browser console.
     * The calls for one provider come from the catalogue ({@link PanelProviders}); these are the others.
     */
    static final Map<String, String> CALLS = calls(
            "status", "GET /status",
            "info", "GET /usage-service/info",
            "usage", "GET /v0/management/usage",
            "usageExport", "GET /v0/management/usage/export",
            "usageImport", "POST /v0/management/usage/import",
            "dashboard", "GET /v0/management/dashboard/summary",
            "analytics", "POST /v0/management/monitoring/analytics",
            "monitorStream", "GET /v0/management/monitoring/stream",
            "upstreamCheck", "POST /v0/management/monitoring/upstream-check",
            "prices", "GET /v0/management/model-prices",
            "pricesSave", "PUT /v0/management/model-prices",
            "pricesSync", "POST /v0/management/model-prices/sync",
            "aliases", "GET /v0/management/api-key-aliases",
            "aliasesSave", "PUT /v0/management/api-key-aliases",
            "config", "GET /v0/management/config",
            "configYaml", "GET /v0/management/config.yaml",
            "configYamlSave", "PUT /v0/management/config.yaml",
            "apiKeys", "GET /v0/management/api-keys",
            "apiKeysSave", "PUT /v0/management/api-keys",
            "keySources", "GET /v0/management/client-key-sources",
            "strategy", "GET /v0/management/routing/strategy",
            "retry", "GET /v0/management/request-retry",
            "authFiles", "GET /v0/management/auth-files",
            "authUpload", "POST /v0/management/auth-files",
            "authDelete", "DELETE /v0/management/auth-files",
            "authDownload", "GET /v0/management/auth-files/download",
            "authStatus", "PATCH /v0/management/auth-files/status",
            "authFields", "PATCH /v0/management/auth-files/fields",
            "oauthCallback", "POST /v0/management/oauth-callback",
            "authStatusPoll", "GET /v0/management/get-auth-status",
            "models", "GET /v1/models",
            "chat", Operation.CHAT.endpoint());

    /** Every call the panel may make: {@link #CALLS} and one per provider list and login of the catalogue. */
    static final Map<String, String> CAPABILITIES = capabilities();

    private final PanelAssets assets;
    private final RouteTable table;
    private final Probe probe;
    private final byte[] html;
    private final EndpointOwner owner;

    /**
     * @param table the route table (shown on the System page)
     * @param probe whether a management API call is served (see {@link #CAPABILITIES})
     */
    public PanelService(RouteTable table, Probe probe) {
        this(table, probe, PanelAssets.load(Version.current()));
    }

    PanelService(RouteTable table, Probe probe, PanelAssets assets) {
        this.table = table;
        this.probe = probe;
        this.assets = assets;
        String page = new String(assets.get("management.html").orElseThrow(() ->
                new IllegalStateException("panel asset management.html is not listed")).bytes(), StandardCharsets.UTF_8);
        this.html = page.replace("{{BASE}}", assets.base()).replace("{{VERSION}}", Version.current())
                .getBytes(StandardCharsets.UTF_8);
        this.owner = new EndpointOwner(Endpoints.builder()
                .get("/", c -> LandingPage.send(c.res()))
                .get("/management.html", c -> page(c.res()))
                .get("/cpm/", c -> page(c.res()))
                .get("/panel/api/routes", c -> routes(c.res()))
                .get("/panel/api/capabilities", c -> capabilities(c.res()))
                .get("/panel/{version}/*", this::asset)
                .build(),
                (res, error) -> {
                    securityHeaders(res);
                    ErrorFamily.MANAGEMENT.send(res, error);
                });
    }

    @Override
    public void serve(ServerRequest req, ServerResponse res, String path) throws Exception {
        owner.serve(req, res, path);
    }

    @Override
    public boolean serves(Method method, String path) {
        return owner.serves(method, path);
    }

    @Override
    public java.util.List<String> endpoints() {
        return owner.endpoints();
    }

    /** The asset URL prefix of this build, e.g. {@code /panel/0.1.0-0123456789/}. */
    public String assetBase() {
        return assets.base();
    }

    public PanelAssets assets() {
        return assets;
    }

    static void securityHeaders(ServerResponse res) {
        res.header(HeaderNames.create("Content-Security-Policy"), CSP);
        res.header(HeaderNames.create("X-Frame-Options"), "DENY");
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
    }

    /** {@code curl http://localhost:7860/management.html} */
    private void page(ServerResponse res) {
        securityHeaders(res);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        // The page names this build's asset version, so it is never cached without revalidation.
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.send(html);
    }

    /** {@code curl http://localhost:7860/panel/api/routes} */
    private void routes(ServerResponse res) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("profile", table.name());
        ArrayNode rules = out.putArray("rules");
        for (RouteRule r : table.rules()) {
            rules.addObject().put("match", r.match().name().toLowerCase(java.util.Locale.ROOT))
                    .put("pattern", r.match() == RouteRule.Match.FALLBACK ? "" : r.pattern())
                    .put("owner", r.owner()).put("action", r.describeAction())
                    .put("kind", r.action().name().toLowerCase(java.util.Locale.ROOT))
                    .put("target", r.target() == null ? "" : r.target());
        }
        securityHeaders(res);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Json.send(res, 200, out);
    }

    /** {@code curl http://localhost:7860/panel/api/capabilities}: {"version":...,"apis":{"status":true,...}} */
    private void capabilities(ServerResponse res) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("version", Version.current()).put("profile", table.name());
        ObjectNode apis = out.putObject("apis");
        CAPABILITIES.forEach((name, call) -> {
            int space = call.indexOf(' ');
            apis.put(name, probe.serves(Method.create(call.substring(0, space)), call.substring(space + 1)));
        });
        out.set("providers", PanelProviders.json());
        securityHeaders(res);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Json.send(res, 200, out);
    }

    private static Map<String, String> calls(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static Map<String, String> capabilities() {
        Map<String, String> out = new LinkedHashMap<>(CALLS);
        out.putAll(PanelProviders.calls());
        return java.util.Collections.unmodifiableMap(out);
    }

    /** {@code curl http://localhost:7860/panel/<version>/app.js} */
    private void asset(Endpoints.Call c) {
        ServerResponse res = c.res();
        String name = c.param("rest");
        var found = c.param("version").equals(assets.version()) ? assets.get(name) : java.util.Optional.<PanelAssets.Asset>empty();
        securityHeaders(res);
        if (found.isEmpty()) {
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            ErrorFamily.MANAGEMENT.send(res, ClientError.of(404, "not_found", "no panel asset " + c.path()));
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, found.get().contentType());
        res.header(HeaderNames.CACHE_CONTROL, IMMUTABLE);
        res.send(found.get().bytes());
    }
}
