package dev.canopy.controlplane.api;

import dev.canopy.backup.BackupRecord;
import dev.canopy.controlplane.region.LocalClusterRegion;
import dev.canopy.region.local.ClusterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portal's backup views in Debian's headless chromium, over the local region's real file store without its loop
 * (no nodes start; the backup is recorded as the region would have): the list with its rows per table, the schedule
 * changed (a bad one refused next to its field), a backup asked for, and a restore into a new cluster refused while
 * too small, then accepted. A screenshot is left at {@code docs/screenshots/backups.png}.
 */
class PortalBackupsInChromiumTest {
    @TempDir
    Path regionDir;

    @Test
    void backupsAreListedScheduledAskedForAndRestoredIntoANewCluster() throws Exception {
        ClusterStore store = new ClusterStore(regionDir);
        try (ApiFixture api = new ApiFixture(new LocalClusterRegion(store, () -> List.of("2.17.0")));
             HeadlessChromium chromium = new HeadlessChromium()) {
            assertThat(api.admin.post("/api/v1/clusters", BackupApiTest.ORDERS).status()).isEqualTo(201);
            BackupRecord good = BackupApiTest.recordGoodBackup(regionDir);
            WebDriver browser = chromium.browser;
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
            browser.get("http://127.0.0.1:" + api.controlPlane.port() + "/");
            chromium.signIn(api.admin.key());
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("clusters"), "orders"));
            browser.findElement(By.linkText("orders")).click();

            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("backups"), "Succeeded"));
            WebElement row = browser.findElement(By.cssSelector("#backups tr[data-backup='" + good.id() + "']"));
            assertThat(row.getText()).contains("10.0 GiB", "9.0 s", "2.17.0", "PUBLIC.T: 7", "leaves 1 per AG of 1 GB");
            WebElement policy = browser.findElement(By.id("backup-policy"));
            assertThat(policy.findElement(By.name("backup.schedule")).getDomProperty("value")).isEqualTo("6h");

            HeadlessChromium.type(policy, "backup.schedule", "every day");
            browser.findElement(By.id("save-backup-policy")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#backup-policy .field-error[data-field='backup.schedule']"), "must"));
            assertThat(store.get("default-orders").orElseThrow().spec().backup().schedule()).as("refused: unchanged").isEqualTo("6h");
            HeadlessChromium.type(policy, "backup.schedule", "1d");
            HeadlessChromium.type(policy, "backup.retention", "14");
            browser.findElement(By.id("save-backup-policy")).click();
            wait.until(d -> "1d".equals(store.get("default-orders").orElseThrow().spec().backup().schedule()));
            assertThat(policy.findElement(By.cssSelector(".field-error[data-field='backup.schedule']")).getText())
                    .as("the refusal's message, gone once saved").isEmpty();
            assertThat(store.get("default-orders").orElseThrow().spec().backup().retention()).isEqualTo(14);

            browser.findElement(By.id("backup-now")).click();
            wait.until(d -> store.backupRequested("default-orders"));

            // the list is drawn again on every poll: found afresh, and tried again if drawn again in between
            By restoreButton = By.cssSelector("#backups tr[data-backup='" + good.id() + "'] button.restore");
            wait.ignoring(StaleElementReferenceException.class).until(d -> {
                d.findElement(restoreButton).click();
                return true;
            });
            WebElement restore = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("restore")));
            assertThat(restore.findElement(By.name("leaves.count")).getDomProperty("value")).as("the backup's own topology").isEqualTo("1");
            chromium.screenshot("backups");
            HeadlessChromium.type(restore, "name", "again");
            browser.findElement(By.id("restore-submit")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#restore .field-error[data-field='restoreFrom.backup']"), "the backup needs 10.0 GiB"));
            assertThat(store.get("default-again")).as("a refused restore stores nothing").isEmpty();

            HeadlessChromium.type(restore, "leaves.storageGB", "6");
            browser.findElement(By.id("restore-submit")).click();
            wait.until(ExpectedConditions.urlContains("#/clusters/again"));
            assertThat(store.restore("default-again")).hasValueSatisfying(r -> assertThat(r.source().backup()).isEqualTo(good.id()));
            assertThat(store.get("default-again").orElseThrow().spec().leaves().storageGB()).isEqualTo(6);
        }
    }
}
