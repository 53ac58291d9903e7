package dev.canopy.controlplane.api;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;

/** Debian's chromium driven by its chromedriver, with a profile of its own that goes with it. */
final class HeadlessChromium implements AutoCloseable {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 2400;

    final WebDriver browser;
    private final Path profile;

    HeadlessChromium() throws IOException {
        profile = Files.createTempDirectory("canopy-chromium-");
        // both paths given, so Selenium Manager has nothing to look up or download
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=" + WIDTH + "," + HEIGHT, "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    /**
     * Leaves a picture of the page as it stands at {@code docs/screenshots/<name>.png} of the repository, for the
     * documentation: the window is made as tall as the page (within 800 to 2400 pixels) for it, then set back.
     */
    void screenshot(String name) throws IOException {
        Path dir = repositoryRoot().resolve("docs").resolve("screenshots");
        Files.createDirectories(dir);
        Number height = (Number) ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return document.body.scrollHeight");
        org.openqa.selenium.Dimension size = browser.manage().window().getSize();
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(WIDTH, Math.clamp(height.intValue(), 800, HEIGHT)));
        try {
            Files.write(dir.resolve(name + ".png"), ((org.openqa.selenium.TakesScreenshot) browser)
                    .getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        } finally {
            browser.manage().window().setSize(size);
        }
    }

    /** The directory holding {@code mvnw} and {@code docs}, from the module's directory the tests run in. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("docs"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository (mvnw and docs/) above " + Path.of("").toAbsolutePath());
    }

    /** Types the key into the sign-in form and submits it. */
    void signIn(String key) {
        WebElement field = new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        field.clear();
        field.sendKeys(key);
        browser.findElement(By.cssSelector("#sign-in button")).click();
    }

    static void type(WebElement form, String name, String value) {
        WebElement input = form.findElement(By.name(name));
        input.clear();
        input.sendKeys(value);
    }

    @Override
    public void close() throws IOException {
        try {
            browser.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
