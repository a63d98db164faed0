package dev.spacegate.server.manager.panel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.server.Spacegate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The panel as an operator uses it, with real traffic through the gateway (three models: one priced, one without a
 * price, one failing upstream): the request id of a request the test sent, the live tail, the dashboard's figures
 * against that traffic, the OpenAI cached-input price set in the form, the config lost-update answered 409, no
 * English left in Chinese, no sideways scrolling at 390 px, and a screenshot of every page in English, Chinese and
 * phone width under {@code target/panel-screens/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PanelOperatorBrowserTest {
    private static final String KEY = "test-management-key-not-secret";
    private static final String CLIENT_KEY = "sk-panel-client-key-not-secret";
    private static final String UPSTREAM_KEY = "upstream-key-not-secret";
    private static final List<String> PAGES = List.of("dashboard", "monitoring", "usage", "auth-files", "providers",
            "keys", "prices", "config", "system");
    /** Traffic: 4 priced calls (11 in + 7 out tokens, $0.025 each), 3 unpriced (5 + 3), 2 refused upstream. */
    private static final int CHAT = 4;
    private static final int MINI = 3;
    private static final int BAD = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Spacegate spacegate;
    private static HttpServer upstream;
    private static PanelBrowser browser;
    private static Path dir;
    private static String base;
    private static String lastRequestId;

    @BeforeAll
    static void start() throws Exception {
        browser = PanelBrowser.start();
        upstream = fakeUpstream();
        dir = Files.createTempDirectory("spacegate-panel-operator");
        String yaml = """
                api-keys: ["%s"]
                usage-statistics-enabled: true
                request-retry: 0
                disable-cooling: true
                openai-compatibility:
                  - name: fake-openai
                    base-url: http://127.0.0.1:%d/v1
                    api-key-entries: [{api-key: %s}]
                    models: [{name: up-chat, alias: panel-chat}, {name: up-mini, alias: panel-mini}, {name: up-bad, alias: panel-bad}]
                """.formatted(CLIENT_KEY, upstream.getAddress().getPort(), UPSTREAM_KEY);
        spacegate = PanelBrowserTest.startWithEnv(yaml, Map.of("MANAGEMENT_PASSWORD", KEY,
                "DATA_DIR", dir.toString(), "DATA_KEY", TestPg.TEST_DATA_KEY));
        base = "http://127.0.0.1:" + spacegate.port();
        send("PUT", "/v0/management/model-prices", "{\"prices\":{\"panel-chat\":{\"prompt\":1000,\"completion\":2000}}}");
        for (int i = 0; i < CHAT; i++) {
            lastRequestId = chat("panel-chat", 200);
        }
        for (int i = 0; i < MINI; i++) {
            chat("panel-mini", 200);
        }
        for (int i = 0; i < BAD; i++) {
            chat("panel-bad", 400);
        }
        awaitRecorded(CHAT + MINI + BAD);
        browser.driver.get(base + "/management.html");
        browser.signIn(KEY, false);
        browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-dashboard")));
        browser.settle();
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.close();
        }
        if (spacegate != null) {
            spacegate.stop();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
        if (dir != null) {
            TestPg.deleteTree(dir);
        }
    }

    @AfterEach
    void noConsoleErrors() {
        if (browser != null) {
            assertEquals(List.of(), browser.consoleProblems(), "browser console");
        }
    }

    @Test
    @Order(1)
    void dashboardFiguresEqualTheTrafficSent() {
        browser.open("dashboard");
        assertEquals(String.valueOf(CHAT + MINI + BAD), figure("stat-calls"));
        assertEquals(String.valueOf(BAD), figure("stat-failures"));
        assertEquals(String.valueOf(CHAT * 18 + MINI * 8), figure("stat-tokens"));
        assertEquals(0.1, Double.parseDouble(figure("stat-cost")), 1e-9, "4 x (11 x $1000 + 7 x $2000) / 1M");
        assertEquals("9", text("#stat-calls .value"));
        assertEquals("$0.10", text("#stat-cost .value"));
        assertTrue(text("#stat-cost .sub").contains("3 calls have no price"), text("#stat-cost .sub"));
        String page = browser.driver.findElement(By.id("dashboard")).getText();
        assertTrue(page.contains("panel-chat") && page.contains("panel-mini"), "top models");
        assertTrue(page.contains("fake-openai"), "the credential by its provider entry: " + page);
        assertTrue(page.contains("sk-p...cret"), "the client key masked, not hashed");
        assertTrue(page.contains("400"), "failure sources");
        // the traffic chart spans the whole window: 24 or 25 hourly buckets, bars only where there was traffic
        long buckets = (Long) browser.js("return document.querySelectorAll('#chart-traffic text').length");
        assertTrue(buckets >= 6, "axis labels on the traffic chart: " + buckets);
        assertTrue(browser.driver.findElement(By.id("chart-traffic")).getText().contains("Failed"), "legend");
        browser.fullShot("dashboard-full");
    }

    @Test
    @Order(2)
    void monitoringShowsTheRequestIdOfARequestSentByTheTest() {
        browser.open("monitoring");
        WebElement search = browser.driver.findElement(By.id("filter-request"));
        search.sendKeys(lastRequestId, Keys.ENTER);
        browser.wait.until(d -> d.findElements(By.cssSelector("#monitoring-table tbody tr")).size() == 1);
        String id = text("#monitoring-table code.request-id");
        assertTrue(lastRequestId.startsWith(id.replace("…", "")), id + " is the start of " + lastRequestId);
        browser.driver.findElement(By.cssSelector("#monitoring-table tbody tr")).click();
        WebElement detail = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr.detail-row")));
        assertTrue(detail.getText().contains(lastRequestId), detail.getText());
        assertTrue(detail.getText().contains("up-chat"), "upstream model in the detail: " + detail.getText());
        assertTrue(detail.getText().contains("$0.025"), "the request's cost: " + detail.getText());
        browser.fullShot("monitoring-detail");
    }

    @Test
    @Order(3)
    void monitoringPagesOnTheServerAndFollowsNewRequestsLive() throws Exception {
        go("dashboard");
        go("monitoring");
        browser.wait.until(d -> d.findElements(By.cssSelector("#monitoring-table tbody tr")).size() == CHAT + MINI + BAD);
        String id = chat("panel-chat", 200);
        // no click: the live tail (server-sent events) brings the new request onto the first page
        new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(d ->
                d.findElement(By.id("monitoring")).getText().contains(shown(id)));
        browser.driver.findElement(By.id("auto-refresh")).click(); // pause
        String paused = chat("panel-mini", 200);
        awaitRecorded(CHAT + MINI + BAD + 2);
        Thread.sleep(2500); // two ticks of the tail: nothing may arrive while paused
        assertFalse(browser.driver.findElement(By.id("monitoring")).getText().contains(shown(paused)), "paused");
        browser.driver.findElement(By.id("auto-refresh")).click();
        browser.driver.findElement(By.id("mon-refresh")).click();
        browser.wait.until(d -> d.findElement(By.id("monitoring")).getText().contains(shown(paused)));
        // server-side paging: 11 requests at 10 per page
        new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("page-size"))).selectByValue("10");
        browser.wait.until(d -> d.findElements(By.cssSelector("#monitoring-table tbody tr")).size() == 10);
        browser.wait.until(ExpectedConditions.elementToBeClickable(By.id("mon-older"))).click();
        browser.wait.until(d -> d.findElements(By.cssSelector("#monitoring-table tbody tr")).size() == 1);
        assertTrue(text("#page").contains("Page 2"));
        browser.driver.findElement(By.id("mon-newer")).click();
        browser.wait.until(d -> d.findElements(By.cssSelector("#monitoring-table tbody tr")).size() == 10);
    }

    @Test
    @Order(4)
    void theOpenAiCachedInputPriceIsSetInTheFormAndServedByTheApi() throws Exception {
        browser.open("prices");
        assertTrue(text("#prices-unpriced").contains("panel-mini"), "an unpriced model in use is flagged");
        browser.driver.findElement(By.id("price-model")).sendKeys("panel-cached");
        browser.driver.findElement(By.id("price-prompt")).sendKeys("2");
        browser.driver.findElement(By.id("price-completion")).sendKeys("8");
        browser.driver.findElement(By.id("price-cache")).sendKeys("0.5");
        browser.driver.findElement(By.id("price-save")).click();
        browser.wait.until(d -> d.findElement(By.id("prices")).getText().contains("panel-cached"));
        JsonNode price = JSON.readTree(send("GET", "/v0/management/model-prices", null).body())
                .path("prices").path("panel-cached");
        assertEquals(0.5, price.path("cache").asDouble(), price.toString());
        assertEquals(2.0, price.path("prompt").asDouble(), price.toString());
        JsonNode chat = JSON.readTree(send("GET", "/v0/management/model-prices", null).body())
                .path("prices").path("panel-chat");
        assertEquals(1000, chat.path("prompt").asDouble(), "the earlier manual price is kept: " + chat);
    }

    @Test
    @Order(5)
    void aRefusedConfigSaveIsShownStaleWithAFreshDiffAndAStartOnlyKeyWithWhatToDoInstead() throws Exception {
        HttpResponse<String> yaml = send("GET", "/v0/management/config.yaml", null);
        Assumptions.assumeTrue(yaml.headers().firstValue("ETag").isPresent(),
                "config versioning (ETag / If-Match) is not served by this build yet");
        browser.open("config");
        WebElement area = browser.driver.findElement(By.id("yaml"));
        String masked = area.getAttribute("value");
        assertFalse(masked.contains(CLIENT_KEY) || masked.contains(UPSTREAM_KEY), "secrets masked: " + masked);
        browser.driver.findElement(By.id("config-reveal")).click();
        browser.wait.until(d -> area.getAttribute("value").contains(UPSTREAM_KEY));
        browser.js("arguments[0].value = arguments[0].value.replace('request-retry: 0', 'request-retry: 1')", area);
        // another operator changes the routing strategy in the meantime
        assertEquals(200, send("PUT", "/v0/management/routing/strategy", "{\"strategy\":\"fill-first\"}").statusCode());
        browser.driver.findElement(By.id("config-review-button")).click();
        browser.wait.until(ExpectedConditions.elementToBeClickable(By.id("config-save"))).click();
        WebElement conflict = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("config-conflict")));
        assertTrue(conflict.getText().contains("changed by someone else"), conflict.getText());
        String diff = text("#config-diff");
        assertTrue(diff.contains("- ") && diff.contains("fill-first"), "the fresh diff shows what would be lost: " + diff);
        assertTrue(send("GET", "/v0/management/config.yaml", null).body().contains("fill-first"), "nothing reverted");
        browser.fullShot("config-conflict");
        browser.driver.findElement(By.id("config-take-current")).click();
        browser.wait.until(d -> area.getAttribute("value").contains("fill-first"));

        // a key read only at start cannot be changed here: the server's message says what to do instead
        browser.js("arguments[0].value = arguments[0].value + 'port: 9999\\n'", area);
        browser.driver.findElement(By.id("config-review-button")).click();
        browser.wait.until(ExpectedConditions.elementToBeClickable(By.id("config-save"))).click();
        browser.wait.until(d -> text("#config-review").contains("restart is needed"));
        assertTrue(text("#config-review").contains("PORT") && !text("#config-review").contains("YAML problem"),
                "shown as it is, not as a YAML problem: " + text("#config-review"));
        assertFalse(send("GET", "/v0/management/config.yaml", null).body().contains("9999"), "nothing saved");
        // the refused saves are the failed requests the browser logs; anything else still fails the test
        List<String> problems = browser.consoleProblems();
        assertTrue(problems.stream().allMatch(p -> p.contains("/v0/management/config.yaml") && p.contains("409")),
                problems.toString());
    }

    @Test
    @Order(6)
    void everyPageInEnglishChineseAndPhoneWidthWithNoEnglishLeftAndNoSidewaysScroll() {
        @SuppressWarnings("unchecked")
        List<String> untranslated = (List<String>) browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const app = [...document.scripts].find((s) => s.src.endsWith('/app.js'));
                import(app.src.replace(/app[.]js$/, 'i18n.js')).then((m) => done(m.missingChinese()),
                  (e) => done(['import failed: ' + e]));""");
        assertEquals(List.of(), untranslated, "labels without a Chinese string");
        Map<String, Set<String>> english = new java.util.LinkedHashMap<>();
        for (String page : PAGES) {
            go(page);
            browser.shot(page + "-en");
        }
        browser.driver.findElement(By.id("lang-toggle")).click();
        browser.wait.until(d -> d.findElement(By.id("nav-dashboard")).getText().equals("仪表盘"));
        try {
            for (String page : PAGES) {
                go(page);
                browser.shot(page + "-zh");
                if (page.equals("dashboard")) {
                    browser.fullShot("dashboard-zh-full");
                }
                Set<String> left = englishWords();
                if (!left.isEmpty()) {
                    english.put(page, left);
                }
            }
            assertEquals(Map.of(), english, "English words left on pages in Chinese");
            browser.driver.manage().window().setSize(new Dimension(390, 844));
            List<String> overflow = new ArrayList<>();
            for (String page : PAGES) {
                go(page);
                browser.shot(page + "-phone-zh");
                overflow.addAll(overflow(page));
            }
            browser.js("document.getElementById('lang-toggle').click()"); // the menu is folded away on a phone
            browser.wait.until(d -> "Dashboard".equals(browser.js("return document.getElementById('nav-dashboard').textContent")));
            for (String page : PAGES) {
                go(page);
                browser.shot(page + "-phone");
                if (page.equals("dashboard") || page.equals("monitoring")) {
                    browser.fullShot(page + "-phone-full");
                }
                overflow.addAll(overflow(page));
            }
            assertEquals(List.of(), overflow, "horizontal overflow at 390 px");
        } finally {
            browser.driver.manage().window().setSize(new Dimension(1280, 900));
            if ("zh-CN".equals(browser.js("return document.documentElement.lang"))) {
                browser.js("document.getElementById('lang-toggle').click()");
            }
        }
    }

    @Test
    @Order(7)
    void providersShowTrafficPerUpstreamAndTestTheUpstream() {
        go("providers");
        WebElement entry = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-kind=openai-compatibility] .entry")));
        assertTrue(entry.getText().contains("fake-openai"), entry.getText());
        assertTrue(entry.getText().matches("(?s).*\\d+ calls · .*% ok.*"), "traffic of the last 24 h: " + entry.getText());
        assertFalse(entry.getText().contains(UPSTREAM_KEY), "the key is masked");
        entry.findElement(By.cssSelector(".provider-test")).click();
        browser.wait.until(d -> entry.findElement(By.cssSelector(".check-result")).getText().contains("Answered: 3 models"));
        browser.shot("providers-tested");
    }

    @Test
    @Order(8)
    void theOAuthLoginOffersTheDeviceFlowsTheServerHas() {
        go("auth-files");
        List<String> offered = browser.driver.findElements(By.cssSelector("#oauth select option")).stream()
                .map(o -> o.getAttribute("value")).toList();
        assertTrue(offered.containsAll(List.of("codex", "anthropic", "antigravity", "kimi", "xai")), offered.toString());
    }

    /** The start of a request id as the table shows it (long ids are cut at 18 characters). */
    private static String shown(String requestId) {
        return requestId.substring(0, Math.min(18, requestId.length()));
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** Words of three or more Latin letters in the page's visible text, minus names and data (models, brands). */
    @SuppressWarnings("unchecked")
    private static Set<String> englishWords() {
        List<String> texts = (List<String>) browser.js("""
                const out = [];
                const skip = (el) => el.closest('code, pre, textarea, script, style, title, .secret, [data-raw]');
                const walker = document.createTreeWalker(document.getElementById('app'), NodeFilter.SHOW_TEXT);
                for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                  const el = n.parentElement;
                  if (!el || skip(el) || !el.getClientRects().length) continue;
                  out.push(n.textContent);
                }
                document.querySelectorAll('#app [placeholder], #app [aria-label]').forEach((el) => {
                  if (el.getClientRects().length) out.push(el.getAttribute('placeholder') || '', el.getAttribute('aria-label') || '');
                });
                return out;""");
        Set<String> allowed = Set.of("spacegate", "token", "tokens", "api", "url", "yaml", "jsonl", "json", "oauth",
                "postgresql", "sqlite", "git", "gemini", "claude", "codex", "xai", "grok", "vertex", "openai", "anthropic",
                "antigravity", "kimi", "qwen", "iflow", "panel", "chat", "mini", "bad", "fake", "cached", "default",
                "docs", "config", "health", "management", "usage", "queue", "base", "name", "alias", "cpm", "html",
                "status", "models", "completions", "responses", "messages", "cpa", "manager", "plus", "https", "http",
                "usd", "upst", "cret", "test", "key", "keys", "ttft", "kib", "mib", "gib", "english");
        Set<String> left = new TreeSet<>();
        for (String t : texts) {
            for (String w : t.split("[^A-Za-z]+")) {
                if (w.length() >= 3 && !allowed.contains(w.toLowerCase(java.util.Locale.ROOT))) {
                    left.add(w);
                }
            }
        }
        return left;
    }

    /** Elements of the page wider than the screen, or tables that scroll sideways. */
    @SuppressWarnings("unchecked")
    private static List<String> overflow(String page) {
        return (List<String>) browser.js("""
                const out = [];
                const over = document.documentElement.scrollWidth - window.innerWidth;
                if (over > 0) out.push(arguments[0] + ': page ' + over + ' px wider than the screen');
                document.querySelectorAll('.table-wrap').forEach((w) => {
                  if (w.scrollWidth > w.clientWidth + 1) out.push(arguments[0] + ': table ' + (w.querySelector('table')?.id || '')
                    + ' scrolls ' + (w.scrollWidth - w.clientWidth) + ' px');
                });
                return out;""", page);
    }

    /** Opens a page by its address (works with the phone menu folded) and waits until it has loaded. */
    private static void go(String page) {
        browser.js("location.hash = '#/' + arguments[0]", page);
        browser.wait.until(d -> page.equals(d.findElement(By.id("page")).getAttribute("data-page")));
        browser.settle();
    }

    private static String figure(String id) {
        return browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id))).getAttribute("data-value");
    }

    private static String text(String css) {
        return browser.driver.findElement(By.cssSelector(css)).getText();
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One chat completion through the gateway; returns its request id. */
    private static String chat(String model, int expected) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + CLIENT_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, r.statusCode(), model + ": " + r.body());
        return r.headers().firstValue("X-Request-Id").orElseThrow();
    }

    /** Waits until the usage store holds {@code n} events (the usage writer runs about once a second). */
    private static void awaitRecorded(int n) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        long now = System.currentTimeMillis();
        String body = "{\"from_ms\":" + (now - 3_600_000) + ",\"to_ms\":" + (now + 3_600_000)
                + ",\"include\":{\"summary\":true}}";
        while (true) {
            long calls = JSON.readTree(send("POST", "/v0/management/monitoring/analytics", body).body())
                    .path("summary").path("total_calls").asLong();
            if (calls >= n || System.currentTimeMillis() > deadline) {
                assertEquals(n, calls, "usage events recorded");
                return;
            }
            Thread.sleep(100);
        }
    }

    /** An OpenAI-compatible upstream: up-chat answers 11 + 7 tokens, up-mini 5 + 3, up-bad is refused (400). */
    private static HttpServer fakeUpstream() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/v1/chat/completions", ex -> {
            String req = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = 200;
            String body;
            if (req.contains("up-bad")) {
                status = 400;
                body = "{\"error\":{\"message\":\"model up-bad is not available\",\"type\":\"invalid_request_error\"}}";
            } else {
                boolean mini = req.contains("up-mini");
                body = """
                        {"id":"chatcmpl-op","object":"chat.completion","created":1767225600,"model":"%s",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}
                        """.formatted(mini ? "up-mini" : "up-chat", mini ? 5 : 11, mini ? 3 : 7, mini ? 8 : 18);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        });
        s.createContext("/v1/models", ex -> {
            byte[] bytes = "{\"object\":\"list\",\"data\":[{\"id\":\"up-chat\"},{\"id\":\"up-mini\"},{\"id\":\"up-bad\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            boolean keyed = ("Bearer " + UPSTREAM_KEY).equals(ex.getRequestHeaders().getFirst("Authorization"));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(keyed ? 200 : 401, keyed ? bytes.length : -1);
            try (OutputStream out = ex.getResponseBody()) {
                if (keyed) {
                    out.write(bytes);
                }
            }
        });
        s.start();
        return s;
    }
}
