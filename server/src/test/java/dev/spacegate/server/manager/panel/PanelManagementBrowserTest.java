package dev.spacegate.server.manager.panel;

import dev.spacegate.persistence.TestPg;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The management pages in headless Chromium against the built-in manager: usage import (with progress) and export,
 * a failed request in Monitoring, config editing with a diff before saving, routing strategy, a client key alias,
 * an API-key upstream and a price override. Each test needs its API on this server and says so when it is absent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PanelManagementBrowserTest {
    private static final String KEY = "test-management-key-not-secret";
    private static final String CLIENT_KEY = "test-client-key-not-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Spacegate spacegate;
    private static PanelBrowser browser;
    private static Path dir;
    private static String base;
    private static JsonNode apis;

    @BeforeAll
    static void start() throws Exception {
        browser = PanelBrowser.start();
        dir = Files.createTempDirectory("spacegate-panel-management");
        spacegate = PanelBrowserTest.startWithEnv("api-keys: [\"" + CLIENT_KEY + "\"]\n",
                Map.of("MANAGEMENT_PASSWORD", KEY, "DATA_DIR", dir.toString(),
                        "DATA_KEY", TestPg.TEST_DATA_KEY));
        base = "http://127.0.0.1:" + spacegate.port();
        apis = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/panel/api/capabilities")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).path("apis");
        browser.driver.get(base + "/management.html");
        browser.signIn(KEY, false);
        browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-usage")));
        browser.settle();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (spacegate != null) {
            spacegate.stop();
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

    private static void need(String... names) {
        for (String n : names) {
            Assumptions.assumeTrue(apis.path(n).asBoolean(), "this server does not serve the '" + n + "' API yet");
        }
    }

    private static JsonNode api(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return r.headers().firstValue("Content-Type").orElse("").contains("json")
                ? JSON.readTree(r.body()) : JSON.getNodeFactory().textNode(r.body());
    }

    private static String event(String id, long ts, String model, Integer failStatus) {
        return ("{\"timestamp\":\"%s\",\"request_id\":\"%s\",\"provider\":\"openai\",\"model\":\"%s\","
                + "\"endpoint\":\"POST /v1/chat/completions\",\"auth_index\":\"auth-panel\",\"source\":\"panel@example.com\","
                + "\"api_key\":\"%s\",\"latency_ms\":120,\"tokens\":{\"input_tokens\":10,\"output_tokens\":5,"
                + "\"total_tokens\":15},\"failed\":%s%s}").formatted(java.time.Instant.ofEpochMilli(ts), id, model,
                CLIENT_KEY, failStatus != null, failStatus == null ? ""
                        : ",\"fail\":{\"status_code\":" + failStatus + ",\"body\":\"rate limited\"}");
    }

    @Test
    @Order(1)
    void importsUsageWithProgressAndExportsIt() throws Exception {
        need("usageImport", "usageExport", "analytics");
        long now = System.currentTimeMillis();
        Path file = dir.resolve("usage.jsonl");
        Files.writeString(file, event("panel-1", now - 3_600_000, "panel-imported", null) + "\n"
                + event("panel-2", now - 1_800_000, "panel-imported", 429) + "\n");
        browser.open("usage");
        browser.driver.findElement(By.id("usage-import-file")).sendKeys(file.toString());
        browser.wait.until(d -> d.findElement(By.id("transfer-status")).getText().contains("Imported: 2 added"));
        browser.wait.until(d -> d.findElement(By.id("usage")).getText().contains("panel-imported"));
        browser.shot("usage-imported");
        browser.driver.findElement(By.id("usage-import-file")).sendKeys(file.toString());
        browser.wait.until(d -> d.findElement(By.id("transfer-status")).getText().contains("0 added, 2 skipped"));
        browser.driver.findElement(By.id("usage-export")).click();
        browser.wait.until(d -> d.findElement(By.id("transfer-status")).getText().matches("(?s).*\\d+(\\.\\d+)? (B|KiB|MiB).*"));
        new Select(browser.driver.findElement(By.id("usage-group"))).selectByValue("key");
        browser.settle();
        // a client key by its masked form, never by the hash
        browser.wait.until(d -> d.findElement(By.id("usage")).getText().contains("test...cret"));
        assertTrue(!browser.driver.findElement(By.id("usage")).getText().contains(sha256(CLIENT_KEY).substring(0, 12)));
    }

    @Test
    @Order(2)
    void aFailedRequestShowsItsStatusAndSummaryInMonitoring() {
        need("usageImport");
        browser.open("monitoring");
        new Select(browser.driver.findElement(By.id("filter-range"))).selectByValue("24h");
        browser.wait.until(d -> d.findElements(By.cssSelector("#monitoring-table tbody tr")).size() == 2);
        new Select(browser.wait.until(ExpectedConditions.elementToBeClickable(By.id("filter-status")))).selectByValue("failed");
        browser.wait.until(d -> d.findElements(By.cssSelector("#monitoring-table tbody tr")).size() == 1
                && d.findElement(By.id("monitoring")).getText().contains("429"));
        browser.driver.findElement(By.cssSelector("#monitoring-table tbody tr")).click();
        WebElement detail = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr.detail-row")));
        assertTrue(detail.getText().contains("rate limited"), "the failure summary is in the row detail: " + detail.getText());
        assertTrue(detail.getText().contains("panel-2"), "and the request id: " + detail.getText());
        new Select(browser.driver.findElement(By.id("filter-status"))).selectByValue("ok");
        browser.wait.until(d -> d.findElements(By.cssSelector("#monitoring-table tbody tr")).size() == 1
                && d.findElement(By.id("monitoring")).getText().contains("OK"));
    }

    @Test
    @Order(3)
    void editsTheConfigAndSavesOnlyAfterReviewingTheDiff() throws Exception {
        need("configYaml", "configYamlSave");
        browser.open("config");
        WebElement yaml = browser.driver.findElement(By.id("yaml"));
        assertTrue(!yaml.getAttribute("value").contains(CLIENT_KEY), "secrets are masked until revealed");
        browser.driver.findElement(By.id("config-reveal")).click();
        browser.wait.until(d -> yaml.getAttribute("value").contains(CLIENT_KEY));
        browser.js("arguments[0].value = arguments[0].value + '\\nrequest-retry: [unclosed\\n'", yaml);
        browser.driver.findElement(By.id("config-review-button")).click();
        browser.wait.until(d -> d.findElement(By.id("config-review")).getText().contains("YAML problem"));
        browser.js("arguments[0].value = arguments[0].value.replace('request-retry: [unclosed',"
                + " 'request-retry: 2\\nlogging-to-file: true')", yaml);
        browser.driver.findElement(By.id("config-review-button")).click();
        WebElement diff = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("pre.diff")));
        assertTrue(diff.getText().contains("+ request-retry: 2"), diff.getText());
        browser.shot("config-diff");
        assertTrue(api("/v0/management/config.yaml").asText().contains(CLIENT_KEY), "nothing saved before Save");
        browser.driver.findElement(By.id("config-save")).click();
        browser.wait.until(d -> d.findElement(By.id("config-review")).getText().contains("Saved."));
        assertTrue(browser.driver.findElement(By.id("config-review")).getText()
                .contains("not used by Spacegate: logging-to-file"), "the save names the ignored key");
        assertEquals(2, api("/v0/management/request-retry").path("request-retry").asInt());
        browser.open("system");
        browser.open("config");
        browser.wait.until(d -> d.findElement(By.id("config-ignored")).getText().contains("logging-to-file"));
    }

    @Test
    @Order(4)
    void switchesTheRoutingStrategy() throws Exception {
        need("strategy");
        browser.open("config");
        new Select(browser.driver.findElement(By.id("strategy"))).selectByValue("fill-first");
        browser.driver.findElement(By.cssSelector("#config-settings button.primary")).click();
        browser.wait.until(d -> {
            try {
                return api("/v0/management/routing/strategy").path("strategy").asText().equals("fill-first");
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    @Order(5)
    void namesAClientKeyWithAnAlias() throws Exception {
        need("apiKeys", "aliasesSave");
        browser.open("keys");
        WebElement input = browser.driver.findElement(By.cssSelector("#keys input[type=text]"));
        input.sendKeys("ci-bot");
        browser.driver.findElement(By.xpath("//div[@id='keys']//button[text()='Save']")).click();
        browser.wait.until(d -> {
            try {
                for (JsonNode a : api("/v0/management/api-key-aliases").path("items")) {
                    if (a.path("alias").asText().equals("ci-bot")) {
                        return a.path("apiKeyHash").asText().equals(sha256(CLIENT_KEY));
                    }
                }
                return false;
            } catch (Exception e) {
                return false;
            }
        });
        browser.open("keys");
        assertEquals("ci-bot", browser.driver.findElement(By.cssSelector("#keys input[type=text]")).getAttribute("value"));
        assertTrue(!browser.driver.findElement(By.id("keys")).getText().contains(CLIENT_KEY), "keys are listed masked");
    }

    @Test
    @Order(6)
    void addsAnApiKeyUpstreamWithAModelAlias() throws Exception {
        need("geminiApiKey");
        browser.open("providers");
        assertTrue(browser.driver.findElements(By.id("provider-kind")).isEmpty(), "the add form waits for the button");
        browser.driver.findElement(By.id("provider-add")).click();
        Select kind = new Select(browser.driver.findElement(By.id("provider-kind")));
        assertEquals("", kind.getFirstSelectedOption().getAttribute("value"), "no kind chosen in advance");
        kind.selectByValue("gemini-api-key");
        browser.driver.findElement(By.id("provider-key")).sendKeys("upstream-gemini-key-not-secret");
        browser.driver.findElement(By.id("provider-base")).sendKeys("http://127.0.0.1:9/gemini");
        browser.driver.findElement(By.id("provider-models")).sendKeys("gemini-2.5-pro=panel-pro");
        browser.driver.findElement(By.id("provider-save")).click();
        browser.wait.until(d -> d.findElement(By.id("providers")).getText().contains("panel-pro"));
        JsonNode list = api("/v0/management/gemini-api-key").path("gemini-api-key");
        assertEquals(1, list.size(), list.toString());
        assertEquals("upstream-gemini-key-not-secret", list.get(0).path("api-key").asText());
        assertEquals("panel-pro", list.get(0).path("models").get(0).path("alias").asText());
        assertTrue(!browser.driver.findElement(By.id("providers")).getText().contains("upstream-gemini-key-not-secret"),
                "upstream keys are shown masked");
        browser.shot("providers-added");
    }

    @Test
    @Order(7)
    void overridesAModelPrice() throws Exception {
        need("prices", "pricesSave");
        browser.open("prices");
        List<WebElement> inputs = browser.driver.findElements(By.cssSelector("#page .card input"));
        inputs.get(0).sendKeys("panel-model");
        inputs.get(1).sendKeys("1.5");
        inputs.get(2).sendKeys("6");
        browser.driver.findElement(By.xpath("//*[@id='page']//button[text()='Save']")).click();
        browser.wait.until(d -> d.findElement(By.id("prices")).getText().contains("panel-model"));
        JsonNode price = api("/v0/management/model-prices").path("prices").path("panel-model");
        assertEquals(1.5, price.path("prompt").asDouble(), price.toString());
        assertEquals(6.0, price.path("completion").asDouble(), price.toString());
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
