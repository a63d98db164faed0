package dev.spacegate.server.manager.panel;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.server.Spacegate;
import dev.spacegate.server.testing.Servers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The panel owner over a real socket: pages, versioned assets, headers, route table and capabilities. */
class PanelServiceTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Spacegate spacegate;
    private static String base;

    @BeforeAll
    static void start() {
        spacegate = Spacegate.start(Servers.config(Map.of()));
        base = "http://127.0.0.1:" + spacegate.port();
    }

    @AfterAll
    static void stop() {
        spacegate.stop();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static PanelAssets assets() {
        return PanelAssets.load(dev.spacegate.server.Version.current());
    }

    private static void assertSecurityHeaders(HttpResponse<?> r) {
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self'"), "CSP allows only same-origin scripts: " + csp);
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""));
        assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(""));
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
    }

    @Test
    void panelPageIsServedAtBothAddressesWithVersionedAbsoluteAssetUrls() throws Exception {
        String assetBase = assets().base();
        for (String path : List.of("/management.html", "/cpm/", "/cpm/management.html")) {
            HttpResponse<String> r = get(path);
            assertEquals(200, r.statusCode(), path);
            assertEquals("text/html; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""), path);
            assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElse(""), path);
            assertSecurityHeaders(r);
            assertTrue(r.body().contains("src=\"" + assetBase + "app.js\""), r.body());
            assertTrue(r.body().contains("href=\"" + assetBase + "app.css\""), r.body());
            assertFalse(r.body().contains("{{"), "no unfilled placeholders");
            assertFalse(r.body().contains("<script>") || r.body().contains("style="), "nothing inline");
        }
        HttpResponse<Void> redirect = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/cpm")).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(3, redirect.statusCode() / 100, "/cpm redirects");
        assertEquals("/cpm/", redirect.headers().firstValue("Location").orElse(""));
    }

    @Test
    void everyListedAssetAnswers200WithItsTypeAndALongCache() throws Exception {
        PanelAssets a = assets();
        for (String name : a.names()) {
            for (String prefix : List.of(a.base(), "/cpm" + a.base())) {
                HttpResponse<String> r = get(prefix + name);
                assertEquals(200, r.statusCode(), prefix + name);
                assertEquals(PanelAssets.typeOf(name).orElseThrow(), r.headers().firstValue("Content-Type").orElse(""), name);
                assertEquals("public, max-age=31536000, immutable",
                        r.headers().firstValue("Cache-Control").orElse(""), name);
                assertSecurityHeaders(r);
            }
        }
        assertTrue(a.names().containsAll(Set.of("app.js", "app.css", "pages/dashboard.js", "pages/system.js")));
    }

    @Test
    void everyFileInThePanelFolderIsListedAndEveryRelativeImportResolves() throws Exception {
        Path dir = Path.of("src/main/resources/panel");
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> !n.equals("assets.txt")).forEach(files::add);
        }
        PanelAssets a = assets();
        assertEquals(files, a.names(), "panel/assets.txt lists exactly the files in the panel folder");
        java.util.regex.Pattern imp = java.util.regex.Pattern.compile("from '(\\.{1,2}/[^']+)'");
        for (String name : a.names()) {
            if (!name.endsWith(".js")) {
                continue;
            }
            String text = new String(a.get(name).orElseThrow().bytes(), java.nio.charset.StandardCharsets.UTF_8);
            var m = imp.matcher(text);
            while (m.find()) {
                String target = URI.create("x:/" + name).resolve(m.group(1)).getPath().substring(1);
                assertTrue(a.names().contains(target), name + " imports " + m.group(1) + " which is not an asset");
            }
            assertFalse(text.contains("innerHTML"), name + " builds DOM without innerHTML");
        }
    }

    @Test
    void everyStringThePagesAskForHasEnglishAndChinese() {
        PanelAssets a = assets();
        String table = new String(a.get("i18n.js").orElseThrow().bytes(), java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Pattern use = java.util.regex.Pattern.compile("\\bt\\('([A-Za-z0-9.-]+)'");
        java.util.regex.Pattern entry = java.util.regex.Pattern.compile(
                "'([A-Za-z0-9.-]+)':\\s*\\[\\s*'(?:[^'\\\\]|\\\\.)*',\\s*'((?:[^'\\\\]|\\\\.)*)'\\s*]");
        Set<String> defined = new TreeSet<>();
        var m = entry.matcher(table);
        while (m.find()) {
            assertFalse(m.group(2).isBlank(), "Chinese text for " + m.group(1));
            defined.add(m.group(1));
        }
        for (String name : a.names()) {
            if (name.endsWith(".js")) {
                var u = use.matcher(new String(a.get(name).orElseThrow().bytes(), java.nio.charset.StandardCharsets.UTF_8));
                while (u.find()) {
                    assertTrue(defined.contains(u.group(1)), name + " uses the string '" + u.group(1) + "' that i18n.js lacks");
                }
            }
        }
        for (String page : List.of("dashboard", "monitoring", "usage", "auth-files", "providers", "keys", "prices",
                "config", "system")) {
            assertTrue(defined.contains("nav." + page), "menu entry for " + page);
        }
    }

    @Test
    void unknownVersionsAndAssetsAre404AndNotCached() throws Exception {
        for (String path : List.of("/panel/0.0.0-old/app.js", assets().base() + "nope.js", "/panel/")) {
            HttpResponse<String> r = get(path);
            assertEquals(404, r.statusCode(), path);
            assertTrue(r.body().contains("\"code\":\"not_found\""), r.body());
        }
    }

    @Test
    void landingPageKeepsItsContentAndAllowsOnlyItsOwnStyle() throws Exception {
        HttpResponse<String> r = get("/");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("href=\"/management.html\""));
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.startsWith("default-src 'none'; style-src 'sha256-"), csp);
        String style = r.body().substring(r.body().indexOf("<style>") + 7, r.body().indexOf("</style>"));
        String hash = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                .digest(style.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(csp.contains("'sha256-" + hash + "'"), "the CSP hash matches the inline style");
        assertFalse(r.body().contains("<script"));
        assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""));
    }

    @Test
    void routeTableIsServedAsJson() throws Exception {
        HttpResponse<String> r = get("/panel/api/routes");
        assertEquals(200, r.statusCode());
        JsonNode doc = JSON.readTree(r.body());
        assertEquals("bundled", doc.path("profile").asText());
        boolean found = false;
        for (JsonNode rule : doc.path("rules")) {
            if (rule.path("pattern").asText().equals("/v0/management/usage-queue")) {
                assertEquals("gateway", rule.path("owner").asText());
                found = true;
            }
        }
        assertTrue(found, "the usage queue rule is listed: " + r.body());
    }

    @Test
    void capabilitiesAnswerWhatTheOwnersServe() throws Exception {
        JsonNode doc = JSON.readTree(get("/panel/api/capabilities").body());
        assertEquals(PanelService.CAPABILITIES.keySet(), iterable(doc.path("apis").fieldNames()));
        // /v1/models, /status etc. depend on the merged owners; these two answer from the route table's owners
        // today, so the probe must agree with a real request.
        for (String name : List.of("status", "dashboard", "authFiles", "apiKeys")) {
            String call = PanelService.CAPABILITIES.get(name);
            String path = call.substring(call.indexOf(' ') + 1);
            int status = get(path).statusCode();
            assertEquals(status != 404, doc.path("apis").path(name).asBoolean(),
                    name + " (" + path + " answered " + status + ")");
        }
    }

    private static Set<String> iterable(java.util.Iterator<String> it) {
        Set<String> out = new java.util.LinkedHashSet<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
