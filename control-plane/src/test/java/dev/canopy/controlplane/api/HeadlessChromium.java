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

    final WebDriver browser;
    private final Path profile;

    HeadlessChromium() throws IOException {
        profile = Files.createTempDirectory("canopy-chromium-");
        // both paths given, so Selenium Manager has nothing to look up or download
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,2400", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
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
