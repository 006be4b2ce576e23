package ar.loteria.e2e;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Debian's headless Chromium driven through its ChromeDriver, with a fresh profile, for the status page's tests.
 * Missing browser: the test fails, naming the install command, unless {@code -Dlottery.skipBrowserTests=true}
 * asks to skip it. Test-owned: closed by the test.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("lottery.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("lottery.chromedriver", "/usr/bin/chromedriver"));
    private static final String SKIP = "lottery.skipBrowserTests";

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /**
     * Starts Chromium with a window of {@code width} × {@code height}, its profile and ChromeDriver's log in {@code
     * dir}.
     */
    static Browser open(Path dir, int width, int height) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            Assumptions.assumeFalse(Boolean.getBoolean(SKIP), "browser tests skipped (-D" + SKIP + "=true)");
            throw new AssertionError("the status page's browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": as root, `apt-get update && apt-get install -y chromium chromium-driver` (or "
                    + "scripts/ensure-chromium.sh); to skip these tests instead, -D" + SKIP + "=true");
        }
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Without the background-networking switches Chromium reaches for outside services this machine refuses.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--hide-scrollbars",
                "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(dir.resolve("chromedriver.log").toFile())
                .build();
        return new Browser(new ChromeDriver(service, options));
    }

    WebDriver driver() {
        return driver;
    }

    void get(String url) {
        driver.get(url);
    }

    /** The text of the element with {@code id}. */
    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    /** The digits of the element's text as a number ({@code "12,345"} is 12345); -1 when it has none. */
    long number(String id) {
        return digits(text(id));
    }

    static long digits(String text) {
        String digits = text.replaceAll("\\D", "");
        return digits.isEmpty() ? -1 : Long.parseLong(digits);
    }

    /** Waits up to {@code timeout} until {@code condition} holds (is true or non-null); returns its value. */
    <T> T await(Duration timeout, String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).withMessage(what).until(condition::apply);
    }

    /** Saves what the window shows as a PNG. */
    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
