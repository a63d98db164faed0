package dev.spacegate.server.manager.panel;

import dev.spacegate.persistence.TestPg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.spacegate.server.Spacegate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The auth-files page in headless Chromium, with Spacegate fronting an external CLIProxyAPI (GATEWAY_UPSTREAM), whose
 * management API is a loopback stand-in: upload two auth files by the file picker, see them listed, disable one,
 * edit its fields, delete one, and add an auth file with the OAuth paste-the-redirect-URL flow a Space needs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PanelAuthFilesBrowserTest {
    private static final String KEY = "test-management-key-not-secret";

    private static FakeCliProxyManagement cpa;
    private static Spacegate spacegate;
    private static PanelBrowser browser;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        browser = PanelBrowser.start();
        cpa = new FakeCliProxyManagement(KEY);
        dir = Files.createTempDirectory("spacegate-panel-auth-files");
        Map<String, String> env = Map.of("GATEWAY_UPSTREAM", cpa.url(), "CPA_MANAGEMENT_KEY", KEY,
                "MANAGEMENT_PASSWORD", KEY, "DATA_DIR", dir.toString(),
                "DATA_KEY", TestPg.TEST_DATA_KEY);
        spacegate = PanelBrowserTest.startWithEnv("", env);
        browser.driver.get("http://127.0.0.1:" + spacegate.port() + "/management.html");
        browser.signIn(KEY, false);
        browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-auth-files")));
        browser.open("auth-files");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (spacegate != null) {
            spacegate.stop();
        }
        if (cpa != null) {
            cpa.close();
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
    @Order(0)
    void theOldAccountsAddressOpensTheAuthFilesPage() {
        browser.open("dashboard");
        ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript("location.hash = '#/accounts'");
        browser.wait.until(d -> "auth-files".equals(d.findElement(By.id("page")).getAttribute("data-page")));
        browser.settle();
    }

    @Test
    @Order(1)
    void uploadsTwoAuthFilesAtOnceAndListsThem() throws Exception {
        Path a = dir.resolve("codex-panel-a@example.com.json");
        Path b = dir.resolve("claude-panel-b@example.com.json");
        Files.writeString(a, "{\"type\":\"codex\",\"email\":\"panel-a@example.com\",\"access_token\":\"test-token-not-secret\"}");
        Files.writeString(b, "{\"type\":\"claude\",\"email\":\"panel-b@example.com\",\"access_token\":\"test-token-not-secret\"}");
        browser.driver.findElement(By.id("auth-upload")).sendKeys(a + "\n" + b);
        browser.wait.until(d -> d.findElements(By.cssSelector(".auth-file-name")).size() == 2);
        String list = browser.driver.findElement(By.id("auth-files-list")).getText();
        assertTrue(list.contains("codex-panel-a@example.com.json") && list.contains("panel-b@example.com"), list);
        assertEquals(2, cpa.files.size());
        browser.shot("auth-files-uploaded");
    }

    @Test
    @Order(2)
    void disablesAnAuthFile() {
        browser.driver.findElement(By.cssSelector(".auth-file-toggle[data-name='codex-panel-a@example.com.json']")).click();
        browser.wait.until(d -> d.findElements(By.cssSelector("[data-status=disabled]")).size() == 1);
        assertTrue(cpa.files.get("codex-panel-a@example.com.json").path("disabled").asBoolean());
        WebElement toggle = browser.driver.findElement(
                By.cssSelector(".auth-file-toggle[data-name='codex-panel-a@example.com.json']"));
        assertEquals("Enable", toggle.getText());
    }

    @Test
    @Order(3)
    void editsFields() {
        browser.driver.findElements(By.xpath("//button[text()='Edit fields']")).get(1).click();
        WebElement editor = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#auth-files-editor .card")));
        List<WebElement> inputs = editor.findElements(By.tagName("input"));
        inputs.get(0).sendKeys("7");
        inputs.get(3).sendKeys("team account");
        editor.findElement(By.cssSelector("button.primary")).click();
        browser.wait.until(d -> cpa.files.get("claude-panel-b@example.com.json").path("priority").asInt() == 7);
        assertEquals("team account", cpa.files.get("claude-panel-b@example.com.json").path("note").asText());
        browser.settle();
    }

    @Test
    @Order(4)
    void addsAnAuthFileWithThePastedRedirectUrl() {
        WebElement card = browser.driver.findElement(By.id("oauth"));
        card.findElement(By.cssSelector("button.primary")).click();
        WebElement pasted = browser.wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#oauth input[type=url]")));
        assertTrue(card.getText().contains("auth.example.invalid"), card.getText());
        pasted.sendKeys("http://localhost:1455/auth/callback?code=test-code-not-secret&state=state-test");
        card.findElements(By.tagName("button")).get(1).click();
        browser.wait.until(d -> d.findElement(By.id("oauth")).getText().contains("Auth file added."));
        assertEquals(List.of("codex state-test http://localhost:1455/auth/callback?code=test-code-not-secret&state=state-test"),
                cpa.oauthCallbacks);
        browser.wait.until(d -> d.findElements(By.cssSelector(".auth-file-name")).size() == 3);
        browser.shot("auth-files-oauth");
    }

    @Test
    @Order(5)
    void deletesAnAuthFileAfterConfirming() {
        // the list may re-render after the login above: retry a click that lands on a replaced row
        browser.wait.until(d -> {
            d.findElements(By.cssSelector("#auth-files-list button.danger")).get(0).click();
            return true;
        });
        browser.driver.switchTo().alert().accept();
        browser.wait.until(d -> d.findElements(By.cssSelector(".auth-file-name")).size() == 2);
        assertFalse(cpa.files.containsKey("codex-panel-a@example.com.json"));
    }
}
