package dev.spacegate.server.manager.panel;

import dev.spacegate.persistence.TestPg;
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
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.spacegate.server.Spacegate;
import dev.spacegate.server.testing.Servers;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The panel in real headless Chromium against a real Spacegate (and a fake OpenAI-compatible upstream on
 * loopback): login, every page, the operator's main tasks as far as this server's APIs go, language, phone
 * layout, logout; no console errors anywhere. Screenshots go to {@code target/panel-screenshots/}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code ci/install-panel-test-deps.sh}); without
 * them the class is skipped with the reason printed, except with {@code CI=true}, where it fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PanelBrowserTest {
    static final String KEY = "test-management-key-not-secret";
    private static final String DATA_KEY = TestPg.TEST_DATA_KEY;
    private static final List<String> PAGES = List.of("dashboard", "monitoring", "usage", "auth-files", "providers",
            "keys", "prices", "config", "system");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Spacegate spacegate;
    private static HttpServer upstream;
    private static PanelBrowser browser;
    private static ChromeDriver driver;
    private static WebDriverWait wait;
    private static String base;
    private static Path dataDir;
    private static JsonNode apis;
    private static String clientKey;
    private static boolean gatewayUsed;

    @BeforeAll
    static void start() throws Exception {
        browser = PanelBrowser.start();
        driver = browser.driver;
        wait = browser.wait;
        upstream = fakeOpenAi();
        dataDir = Files.createTempDirectory("spacegate-panel-test");
        String yaml = """
                api-keys: []
                usage-statistics-enabled: true
                openai-compatibility:
                  - name: fake-openai
                    base-url: http://127.0.0.1:%d/v1
                    api-key-entries: [{api-key: upstream-key-not-secret}]
                    models: [{name: up-chat, alias: panel-chat}]
                """.formatted(upstream.getAddress().getPort());
        spacegate = startWithEnv(yaml, Map.of("MANAGEMENT_PASSWORD", KEY,
                "DATA_DIR", dataDir.toString(), "DATA_KEY", DATA_KEY));
        base = "http://127.0.0.1:" + spacegate.port();
        apis = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/panel/api/capabilities")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).path("apis");

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
        if (dataDir != null) {
            TestPg.deleteTree(dataDir);
        }
    }

    /** Every test ends with a clean browser console: no errors, no CSP violations, no failed loads. */
    @AfterEach
    void noConsoleErrors() {
        if (browser == null) {
            return;
        }
        List<String> errors = browser.consoleProblems();
        assertEquals(List.of(), errors, "browser console");
    }

    @Test
    @Order(1)
    void loginPageExplainsWhereTheFirstKeyIsPrinted() throws Exception {
        driver.get(base + "/management.html");
        WebElement hint = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-hint")));
        assertTrue(hint.getText().contains("Spacegate management key generated"), hint.getText());
        assertTrue(hint.getText().contains("MANAGEMENT_PASSWORD"), hint.getText());
        assertTrue(driver.getCurrentUrl().endsWith("/management.html"), "the key never goes into a URL");
        long firstScreenMs = ((Number) js("return Math.round(performance.now())")).longValue();
        System.out.println("Panel first screen (login form) after " + firstScreenMs + " ms on loopback");
        assertTrue(firstScreenMs < 1500, "the first screen loads fast: " + firstScreenMs + " ms");
        shot("login");
    }

    @Test
    @Order(2)
    void aWrongKeyIsRefusedWhenTheServerCanCheckIt() {
        Assumptions.assumeTrue(apis.path("status").asBoolean(), "no key check on this server (GET /status)");
        signIn("wrong-key-not-secret", false);
        WebElement msg = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#login-message .error")));
        assertTrue(msg.getText().contains("rejected"), msg.getText());
        // The refused probe is a 401 the browser reports as a failed load; it is expected here.
        driver.manage().logs().get(LogType.BROWSER);
    }

    @Test
    @Order(3)
    void logsInWithTheManagementKey() {
        driver.get(base + "/management.html");
        signIn(KEY, false);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-dashboard")));
        assertEquals(KEY, js("return sessionStorage.getItem('spacegate.managementKey')"));
        assertEquals(null, js("return localStorage.getItem('spacegate.managementKey')"), "not remembered unless ticked");
        assertFalse(driver.getCurrentUrl().contains(KEY));
        settle();
        shot("dashboard");
    }

    @Test
    @Order(4)
    void uploadsTwoAuthFilesAndListsThem() throws Exception {
        Assumptions.assumeTrue(apis.path("authUpload").asBoolean() && apis.path("authFiles").asBoolean(),
                "auth-file upload is not served yet (POST /v0/management/auth-files)");
        open("auth-files");
        Path a = dataDir.resolve("codex-panel-a@example.com.json");
        Path b = dataDir.resolve("codex-panel-b@example.com.json");
        Files.writeString(a, authFile("panel-a@example.com"));
        Files.writeString(b, authFile("panel-b@example.com"));
        driver.findElement(By.id("auth-upload")).sendKeys(a + "\n" + b);
        wait.until(d -> d.findElements(By.cssSelector(".auth-file-name")).size() >= 2);
        String names = driver.findElement(By.id("auth-files-list")).getText();
        assertTrue(names.contains(a.getFileName().toString()) && names.contains(b.getFileName().toString()), names);
        shot("auth-files");
    }

    @Test
    @Order(5)
    void createsAClientKeyThatTheGatewayAccepts() throws Exception {
        Assumptions.assumeTrue(apis.path("apiKeysSave").asBoolean(),
                "client keys are not served yet (PUT /v0/management/api-keys)");
        open("keys");
        driver.findElement(By.id("key-create")).click();
        clientKey = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key-secret"))).getText();
        assertTrue(clientKey.startsWith("sk-sg-"), clientKey);
        shot("keys");
        Assumptions.assumeTrue(apis.path("chat").asBoolean(), "the gateway does not serve /v1/chat/completions yet");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + clientKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"panel-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("hello from the fake upstream"), r.body());
        gatewayUsed = true;
    }

    @Test
    @Order(6)
    void theRequestShowsInMonitoringAndInTheDashboardTotals() {
        Assumptions.assumeTrue(gatewayUsed, "no gateway request was made (client keys or the gateway not served)");
        Assumptions.assumeTrue(apis.path("dashboard").asBoolean()
                        && (apis.path("analytics").asBoolean() || apis.path("usage").asBoolean()),
                "usage views are not served yet");
        open("monitoring");
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
            d.findElement(By.cssSelector("#page .row button.small")).click(); // refresh until the usage is written
            return d.findElement(By.id("monitoring")).getText().contains("panel-chat");
        });
        shot("monitoring");
        open("dashboard");
        WebElement calls = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#stat-calls .value")));
        assertTrue(Long.parseLong(calls.getText().replaceAll("[^0-9]", "")) >= 1, calls.getText());
        shot("dashboard");
    }

    @Test
    @Order(7)
    void disablesAnAuthFile() {
        Assumptions.assumeTrue(apis.path("authStatus").asBoolean() && apis.path("authUpload").asBoolean(),
                "auth-file status is not served yet (PATCH /v0/management/auth-files/status)");
        open("auth-files");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".auth-file-toggle"))).click();
        wait.until(d -> !d.findElements(By.cssSelector("[data-status=disabled]")).isEmpty());
        shot("auth-files");
    }

    @Test
    @Order(8)
    void everyPageRendersAndSaysWhatThisServerDoesNotOffer() {
        for (String page : PAGES) {
            open(page);
            WebElement main = driver.findElement(By.id("page"));
            assertEquals(page, main.getAttribute("data-page"));
            assertTrue(driver.findElement(By.id("nav-" + page)).getAttribute("class").contains("active"), page);
            String text = main.getText();
            assertFalse(text.contains("Request failed"), page + ": " + text);
            shot(page);
        }
        driver.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-system")));
        settle();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> loaded = (List<Map<String, Object>>) js("return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.includes('/panel/')).map(e => ({name: e.name, status: e.responseStatus}))");
        assertTrue(loaded.size() >= 12, "the page and its modules were loaded: " + loaded);
        for (Map<String, Object> entry : loaded) {
            assertEquals(200L, ((Number) entry.get("status")).longValue(), String.valueOf(entry.get("name")));
        }
        open("system");
        String system = driver.findElement(By.id("page")).getText();
        assertTrue(system.contains("/v0/management/usage-queue"), "the route table is shown");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("replica-mode")));
        assertEquals("single", driver.findElement(By.id("replica-mode")).getText(), "the replica block is shown");
        if (!apis.path("prices").asBoolean()) {
            open("prices");
            assertFalse(driver.findElements(By.cssSelector("[data-unavailable]")).isEmpty(), "prices: not available");
            assertTrue(driver.findElement(By.id("page")).getText().contains("Not available on this server"));
        }
    }

    @Test
    @Order(9)
    void darkThemeAndPhoneLayoutWork() {
        open("dashboard");
        driver.findElement(By.id("theme-toggle")).click(); // auto -> light
        driver.findElement(By.id("theme-toggle")).click(); // light -> dark
        assertEquals("dark", js("return document.documentElement.dataset.theme"));
        String bg = (String) js("return getComputedStyle(document.body).backgroundColor");
        assertEquals("rgb(15, 23, 42)", bg, "dark background");
        shot("dashboard-dark");
        driver.manage().window().setSize(new Dimension(390, 844));
        try {
            WebElement menu = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("menu")));
            wait.withMessage("the side menu is folded away on a phone").until(d -> !isInViewport("nav-usage"));
            menu.click();
            wait.until(d -> isInViewport("nav-usage"));
            shot("phone-menu");
            driver.findElement(By.id("nav-usage")).click();
            wait.until(d -> "usage".equals(d.findElement(By.id("page")).getAttribute("data-page")));
            settle();
            long overflow = (Long) js("return document.documentElement.scrollWidth - window.innerWidth");
            assertTrue(overflow <= 0, "no horizontal page scroll on a phone (" + overflow + " px)");
            shot("phone-usage");
        } finally {
            driver.manage().window().setSize(new Dimension(1280, 900));
            driver.findElement(By.id("theme-toggle")).click(); // dark -> auto
        }
    }

    @Test
    @Order(10)
    void switchesToChinese() {
        open("dashboard");
        driver.findElement(By.id("lang-toggle")).click();
        wait.until(d -> d.findElement(By.id("nav-dashboard")).getText().equals("仪表盘"));
        assertEquals("zh-CN", js("return document.documentElement.lang"));
        assertEquals("认证文件", driver.findElement(By.id("nav-auth-files")).getText());
        settle();
        shot("dashboard-zh");
        open("system");
        shot("system-zh");
        driver.findElement(By.id("lang-toggle")).click();
        wait.until(d -> d.findElement(By.id("nav-dashboard")).getText().equals("Dashboard"));
    }

    @Test
    @Order(11)
    void logsOut() {
        open("dashboard");
        driver.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-key")));
        assertEquals(null, js("return sessionStorage.getItem('spacegate.managementKey')"));
        assertEquals(null, js("return localStorage.getItem('spacegate.managementKey')"));
        driver.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-key")));
    }

    @Test
    @Order(12)
    void rememberMeKeepsTheKeyAcrossTabsAndTheCpmAddressServesTheSamePanel() {
        driver.get(base + "/cpm/");
        signIn(KEY, true);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-dashboard")));
        assertEquals(KEY, js("return localStorage.getItem('spacegate.managementKey')"));
        driver.get(base + "/cpm/#/system");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("system-routes")));
        settle();
        driver.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-key")));
        assertEquals(null, js("return localStorage.getItem('spacegate.managementKey')"));
    }

    @Test
    @Order(13)
    void theLandingPageRendersUnderItsCsp() {
        driver.get(base + "/");
        WebElement link = wait.until(ExpectedConditions.visibilityOfElementLocated(By.linkText("Open the management panel")));
        // The inline style applies (its hash is in the CSP): the body is centred with a max width.
        assertEquals("640px", js("return getComputedStyle(document.body).maxWidth"));
        shot("landing");
        link.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-key")));
    }

    @Test
    @Order(14)
    void a401AnywhereReturnsToTheLoginPage() {
        Assumptions.assumeTrue(apis.path("status").asBoolean(), "no key check on this server (GET /status)");
        driver.get(base + "/management.html");
        signIn(KEY, false);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-system")));
        settle();
        js("sessionStorage.setItem('spacegate.managementKey', 'rotated-away-key-not-secret')");
        driver.findElement(By.id("nav-system")).click();
        WebElement msg = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#login-message .error")));
        assertTrue(msg.getText().contains("401"), msg.getText());
        assertEquals(null, js("return sessionStorage.getItem('spacegate.managementKey')"), "the stale key is dropped");
        // The refused call itself is reported by the browser as a failed load; that one is expected here.
        browser.consoleProblems();
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** Starts Spacegate with this environment (storage and the manager's settings come from it). */
    static Spacegate startWithEnv(String yaml, Map<String, String> env) {
        return Spacegate.start(Servers.config(yaml, env), null, env);
    }

    private static void signIn(String key, boolean remember) {
        browser.signIn(key, remember);
    }

    private static void open(String page) {
        browser.open(page);
    }

    private static void settle() {
        browser.settle();
    }

    private static boolean isInViewport(String id) {
        return (Boolean) js("const r = document.getElementById(arguments[0]).getBoundingClientRect();"
                + "return r.right > 0 && r.left < window.innerWidth;", id);
    }

    private static Object js(String script, Object... args) {
        return browser.js(script, args);
    }

    private static void shot(String name) {
        browser.shot(name);
    }

    private static String authFile(String email) {
        return """
                {"type":"codex","email":"%s","access_token":"test-access-token-not-secret",
                 "refresh_token":"test-refresh-token-not-secret","account_id":"acct-test","expired":"2099-01-01T00:00:00Z"}
                """.formatted(email);
    }

    /** An OpenAI-compatible upstream with one model that always answers the same short completion. */
    private static HttpServer fakeOpenAi() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = """
                    {"id":"chatcmpl-panel","object":"chat.completion","created":1767225600,"model":"up-chat",
                     "choices":[{"index":0,"message":{"role":"assistant","content":"hello from the fake upstream"},
                     "finish_reason":"stop"}],"usage":{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18}}
                    """.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        s.createContext("/v1/models", ex -> {
            byte[] body = "{\"object\":\"list\",\"data\":[{\"id\":\"up-chat\",\"object\":\"model\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        s.start();
        return s;
    }

}
