package dev.spacegate.server.manager.panel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Headless Debian Chromium driven by Selenium for the panel tests: start-up (or a printed skip reason when the
 * browser is missing, a failure with {@code CI=true}), console errors, screenshots and the panel's navigation.
 */
final class PanelBrowser implements AutoCloseable {
    static final Path SHOTS = Path.of("target/panel-screens");

    final ChromeDriver driver;
    final WebDriverWait wait;

    private PanelBrowser(ChromeDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        // Pages re-render when their data arrives; an element found just before that is retried, not fatal.
        this.wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    /** Starts the browser, or aborts the calling test class with the reason (fails instead when CI=true). */
    static PanelBrowser start() throws IOException {
        Optional<String> chromium = executable("CHROME_BIN", "/usr/bin/chromium", "/usr/bin/chromium-browser");
        Optional<String> chromedriver = executable("CHROMEDRIVER", "/usr/bin/chromedriver",
                "/usr/lib/chromium/chromedriver");
        if (chromium.isEmpty() || chromedriver.isEmpty()) {
            String reason = "Panel browser tests skipped: " + (chromium.isEmpty() ? "chromium" : "chromedriver")
                    + " is not installed (run ci/install-panel-test-deps.sh)";
            if ("true".equals(System.getenv("CI"))) {
                fail(reason + "; CI=true requires it");
            }
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        // A driver path set here keeps Selenium Manager from looking for (or downloading) a driver.
        System.setProperty("webdriver.chrome.driver", chromedriver.get());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=en-US",
                "--user-data-dir=" + Files.createTempDirectory("spacegate-chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(chromedriver.get()).toFile()).usingAnyFreePort().build();
        Files.createDirectories(SHOTS);
        return new PanelBrowser(new ChromeDriver(service, options));
    }

    private static Optional<String> executable(String env, String... candidates) {
        List<String> all = new ArrayList<>();
        Optional.ofNullable(System.getenv(env)).filter(s -> !s.isBlank()).ifPresent(all::add);
        all.addAll(List.of(candidates));
        return all.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
    }

    /** Console entries at warning level or above since the last call (errors, CSP violations, failed loads). */
    List<String> consoleProblems() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
                out.add(e.getLevel() + " " + e.getMessage());
            }
        }
        return out;
    }

    void signIn(String key, boolean remember) {
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-key")));
        input.clear();
        input.sendKeys(key);
        if (remember) {
            driver.findElement(By.id("login-remember")).click();
        }
        driver.findElement(By.id("login-submit")).click();
    }

    /** Opens a page from the side menu and waits until its sections have loaded. */
    void open(String page) {
        driver.findElement(By.id("nav-" + page)).click();
        wait.until(d -> page.equals(d.findElement(By.id("page")).getAttribute("data-page")));
        settle();
    }

    /** Waits until no section still shows its loading line. */
    void settle() {
        wait.until(d -> {
            String text = d.findElement(By.tagName("body")).getText();
            return !text.contains("Loading…") && !text.contains("加载中…");
        });
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    void shot(String name) {
        try {
            Files.write(SHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole page, not only the window (Chrome's capture beyond the viewport), for the docs gallery. */
    void fullShot(String name) {
        js("window.scrollTo(0, 0)"); // the sticky menu is drawn where the window is scrolled to
        Number width = (Number) js("return document.documentElement.scrollWidth");
        Number height = (Number) js("return Math.min(6000, document.documentElement.scrollHeight)");
        java.util.Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", java.util.Map.of(
                "format", "png", "captureBeyondViewport", true, "clip", java.util.Map.of("x", 0, "y", 0,
                        "width", width, "height", height, "scale", 1)));
        try {
            Files.write(SHOTS.resolve(name + ".png"), java.util.Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
