package dev.canopy.controlplane.api;

import dev.canopy.api.Condition;
import dev.canopy.api.DatabaseClusterStatus;
import dev.canopy.api.Endpoints;
import dev.canopy.api.NodeCounts;
import dev.canopy.api.Phase;
import dev.canopy.api.ReplicaOfSpec;
import dev.canopy.api.ReplicationStatus;
import dev.canopy.api.UpgradeStatus;
import dev.canopy.controlplane.region.FakeRegion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portal in Debian's headless chromium, against a region in memory: the test writes the status its reconciler
 * would (the one test with real nodes is {@code EndToEndLocalRegionProcessesTest}). Sign in, a refused create shows
 * the field's message next to it, a created cluster's page follows it to Ready and charts its telemetry, and delete
 * asks first; the SQL tab runs statements (on an H2 database standing in for the cluster's aggregators). Screenshots of
 * the pages visited are left in {@code docs/screenshots}.
 */
class PortalInChromiumWithFakeRegionTest {
    private FakeRegion region;
    private ApiFixture api;
    private HeadlessChromium chromium;
    private WebDriver browser;

    @BeforeEach
    void start() throws Exception {
        region = new FakeRegion("local", List.of("2.17.0", "2.18.0"));
        api = new ApiFixture(region);
        chromium = new HeadlessChromium();
        browser = chromium.browser;
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            api.close();
        }
    }

    @Test
    void signInCreateWatchReadyAndSeeTheChartsThenDelete() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
        browser.get("http://127.0.0.1:" + api.controlPlane.port() + "/");

        chromium.signIn("cnp_000000000000_" + "x".repeat(43));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-error"), "not valid"));
        chromium.screenshot("sign-in");
        chromium.signIn(api.admin.key());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("clusters"), "No clusters yet"));

        WebElement form = browser.findElement(By.id("create"));
        HeadlessChromium.type(form, "name", "orders");
        HeadlessChromium.type(form, "leaves.count", "0");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#create .field-error[data-field='leaves.count']"), "must be"));
        assertThat(region.get("default-orders")).as("a refused create stores nothing").isEmpty();
        chromium.screenshot("clusters");

        HeadlessChromium.type(form, "leaves.count", "1");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("#/clusters/orders"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("phase"), "Pending"));
        assertThat(region.get("default-orders")).isPresent();

        // what the region's reconciler would write: first the step under way, then Ready
        region.writeStatus("default-orders", status(Phase.Provisioning, 0, Condition.TRUE, "starting the leaves", null));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("progress"), "starting the leaves"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("events"), "Provisioning: starting the leaves"));
        region.writeStatus("default-orders", status(Phase.Ready, 1, Condition.FALSE, "every node is up",
                new Endpoints("jdbc:ignite:thin://127.0.0.1:1", List.of("127.0.0.1:1"))));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("phase"), "Ready"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("connection"), "jdbc:ignite:thin://127.0.0.1:1"));
        assertThat(browser.findElement(By.id("conditions")).getText()).contains("Ready", "Balanced");
        assertThat(browser.findElement(By.id("node-counts")).getText()).contains("Aggregators: 1/1 ready", "Leaves: 2/2 ready");

        // a blue/green upgrade under way, then done: its step, then the write pause
        DatabaseClusterStatus ready = region.get("default-orders").orElseThrow().status();
        region.writeStatus("default-orders", withUpgrade(ready, new UpgradeStatus("2.16.0", "2.17.0", UpgradeStatus.BLUE_GREEN,
                "2026-12-03T06:00:00Z", null, null, null, null, "Streaming", null)));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("last-upgrade"),
                "Upgrading: 2.16.0 \u2192 2.17.0, BlueGreen, step Streaming"));
        region.writeStatus("default-orders", withUpgrade(ready, new UpgradeStatus("2.16.0", "2.17.0", UpgradeStatus.BLUE_GREEN,
                "2026-12-03T06:00:00Z", "2026-12-03T06:01:30Z", null, null, null, "Done", 1.94)));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("last-upgrade"),
                "Last upgrade: 2.16.0 \u2192 2.17.0, BlueGreen, step Done, writes paused 1.94 s"));

        // the telemetry history grows every 100 ms here and the page polls it: a line of several points
        wait.until(d -> Integer.parseInt(d.findElement(By.cssSelector(".chart[data-series=nodesUp]")).getAttribute("data-points")) >= 3);
        assertThat(browser.findElements(By.cssSelector(".chart[data-series=nodesUp] polyline"))).hasSize(1);
        assertThat(browser.findElement(By.cssSelector(".chart[data-series=replicationLagSeconds]")).isDisplayed())
                .as("no replica, no lag chart").isFalse();
        assertThat(browser.findElement(By.cssSelector(".chart[data-series=nodesUp] .value")).getText()).isEqualTo("3");
        chromium.screenshot("cluster");

        browser.findElement(By.id("delete")).click();
        wait.until(ExpectedConditions.alertIsPresent()).dismiss();
        assertThat(region.get("default-orders").orElseThrow().deleting()).as("dismissed: nothing asked").isFalse();
        browser.findElement(By.id("delete")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("clusters")));
        assertThat(region.get("default-orders").orElseThrow().deleting()).isTrue();
    }

    /** orders made through the API, and the list showing it to the platform's admin. */
    private void signedInWithOrders(WebDriverWait wait) {
        assertThat(api.admin.post("/api/v1/clusters", """
                {"name": "orders", "release": "2.17.0", "redundancyLevel": 2,
                 "aggregators": {"count": 1, "height": 0.5}, "leaves": {"count": 1, "height": 0.5, "storageGB": 10}}""").status())
                .isEqualTo(201);
        browser.get("http://127.0.0.1:" + api.controlPlane.port() + "/");
        chromium.signIn(api.admin.key());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("clusters"), "orders"));
    }

    @Test
    void databaseUsersAreMadeShownOnceRotatedAndDeletedFromTheClusterPage() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
        signedInWithOrders(wait);
        browser.get("http://127.0.0.1:" + api.controlPlane.port() + "/#/clusters/orders");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users"), "No users made through the platform yet"));

        WebElement form = browser.findElement(By.id("user-form"));
        HeadlessChromium.type(form, "name", "ignite");
        browser.findElement(By.id("create-user")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#user-form .field-error[data-field='name']"), "the platform's own login"));
        assertThat(region.users("default-orders").orElseThrow()).as("a refused name makes nothing").isEmpty();

        HeadlessChromium.type(form, "name", "app");
        browser.findElement(By.id("create-user")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("new-login"), "Password of app, shown this once"));
        assertThat(browser.findElement(By.id("new-password")).getText()).isEqualTo("fake-password-1");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#users tr[data-user=app]")));

        browser.findElement(By.cssSelector("#users tr[data-user=app] .rotate")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("new-password"), "fake-password-2"));

        browser.findElement(By.cssSelector("#users tr[data-user=app] .delete-user")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users"), "No users made through the platform yet"));
        assertThat(browser.findElement(By.id("new-login")).isDisplayed()).as("the password no longer on screen").isFalse();
        assertThat(region.users("default-orders").orElseThrow()).isEmpty();
    }

    @Test
    void aReplicaIsCreatedShowsItsFeedAndIsPromotedFromItsPage() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
        signedInWithOrders(wait);

        WebElement form = browser.findElement(By.id("create"));
        HeadlessChromium.type(form, "name", "copy");
        HeadlessChromium.type(form, "replicaOf", "nosuch");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#create .field-error[data-field='replicaOf.cluster']"), "no cluster named nosuch in region local"));
        HeadlessChromium.type(form, "replicaOf", "orders");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("#/clusters/copy"));
        assertThat(region.get("default-copy").orElseThrow().spec().replicaOf()).isEqualTo(new ReplicaOfSpec("default-orders", "local"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("replication"), "Replica of local/orders: waiting for the region"));

        // what the region's feed writes, in the region's names
        region.writeStatus("default-copy", status(Phase.Ready, 1, Condition.TRUE, "streaming from local/default-orders", null)
                .withReplication(new ReplicationStatus("local/default-orders", "Copying: copying rows from local/default-orders",
                        0.9, null, null, null, null)));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("replication"),
                "Replica of local/orders: Copying: copying rows from local/orders, lag 0.9 s"));
        region.writeStatus("default-copy", status(Phase.Ready, 1, Condition.TRUE, "streaming from local/default-orders", null)
                .withReplication(new ReplicationStatus("local/default-orders", "Streaming: streaming from local/default-orders, lag 0.9 s",
                        0.9, 3271L, null, null, null)));
        wait.until(d -> d.findElement(By.id("replication")).getText()
                .equals("Replica of local/orders: Streaming: streaming from local/orders, lag 0.9 s"));
        // the telemetry samples carry the lag: its chart shows for a replica only
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".chart[data-series=replicationLagSeconds]")));

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("promote"))).click();
        wait.until(ExpectedConditions.alertIsPresent()).dismiss();
        assertThat(region.get("default-copy").orElseThrow().spec().replicaOf()).as("dismissed: nothing asked").isNotNull();
        browser.findElement(By.id("promote")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> region.get("default-copy").orElseThrow().spec().replicaOf() == null);
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("promote")));

        region.writeStatus("default-copy", status(Phase.Ready, 1, Condition.FALSE, "promoted", null)
                .withReplication(new ReplicationStatus("local/default-orders", "Promoted: every table equals the fenced source's",
                        null, 3271L, "2026-12-03T06:00:00Z", 0.9, true)));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("replication"),
                "Promoted at 2026-12-03T06:00:00Z, lag at promotion 0.9 s, local/orders fenced"));
    }

    /**
     * The SQL tab, against an H2 database in this JVM standing in for the cluster's aggregators (the route's Ignite path
     * runs on real nodes in {@code DatabaseUsersApiProcessesTest}): statements typed and run, the result's table, the row
     * limit saying it cut, a refused statement's cause next to the editor, and the history kept across a reload.
     */
    @Test
    void theSqlTabRunsStatementsOnAnH2StandInShowsTheResultAndKeepsAHistory() throws Exception {
        String h2Url = "jdbc:h2:mem:portal-sql-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
            signedInWithOrders(wait);
            region.writeStatus("default-orders", status(Phase.Ready, 1, Condition.FALSE, "every node is up",
                    new Endpoints(h2Url, List.of())));
            browser.findElement(By.linkText("orders")).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.id("tab-sql"))).click();
            wait.until(ExpectedConditions.urlContains("#/clusters/orders/sql"));
            assertThat(browser.findElement(By.id("tab-sql")).getDomAttribute("aria-current")).isEqualTo("page");

            runSql(wait, "CREATE TABLE city (id INT PRIMARY KEY, name VARCHAR, population BIGINT)", "0 rows changed");
            runSql(wait, "INSERT INTO city VALUES (1, 'Lisbon', 545000), (2, 'Porto', 232000), (3, 'Braga', NULL)", "3 rows changed");
            runSql(wait, "SELECT id, name, population FROM city ORDER BY id", "3 rows in");
            WebElement result = browser.findElement(By.id("sql-result"));
            assertThat(result.findElements(By.cssSelector("thead th"))).extracting(WebElement::getText)
                    .containsExactly("ID", "NAME", "POPULATION");
            assertThat(result.findElements(By.cssSelector("tbody tr"))).extracting(WebElement::getText)
                    .containsExactly("1 Lisbon 545000", "2 Porto 232000", "3 Braga NULL");
            chromium.screenshot("sql");

            WebElement form = browser.findElement(By.id("sql-form"));
            HeadlessChromium.type(form, "maxRows", "2");
            runSql(wait, "SELECT name FROM city ORDER BY id", "2 rows shown: the result has more, cut at the row limit");
            assertThat(result.findElements(By.cssSelector("tbody tr"))).hasSize(2);

            HeadlessChromium.type(form, "maxRows", "0");
            browser.findElement(By.id("sql-run")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#sql-form .field-error[data-field='maxRows']"), "must be 1 to 10000, got 0"));
            HeadlessChromium.type(form, "maxRows", "1000");
            HeadlessChromium.type(form, "sql", "SELEC name FROM city");
            browser.findElement(By.id("sql-run")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#sql-form .field-error[data-field='sql']"), "Syntax error"));
            assertThat(browser.findElement(By.id("sql-error")).getText()).contains("Syntax error");

            // newest first, one entry per statement, kept by the browser across a reload; a click puts it back
            browser.navigate().refresh();
            WebElement history = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sql-history")));
            assertThat(history.findElements(By.cssSelector("li"))).extracting(WebElement::getText).startsWith(
                    "SELEC name FROM city", "SELECT name FROM city ORDER BY id", "SELECT id, name, population FROM city ORDER BY id");
            history.findElements(By.cssSelector(".history-item")).get(2).click();
            assertThat(browser.findElement(By.id("sql-editor")).getDomProperty("value"))
                    .isEqualTo("SELECT id, name, population FROM city ORDER BY id");
            browser.findElement(By.id("sql-editor")).sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sql-result"), "Lisbon"));
        } finally {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(h2Url); java.sql.Statement st = c.createStatement()) {
                st.execute("SHUTDOWN");
            }
        }
    }

    /** Types the statement into the editor, runs it with the button and waits for the status line to say so. */
    private void runSql(WebDriverWait wait, String sql, String outcome) {
        WebElement editor = browser.findElement(By.id("sql-editor"));
        editor.clear();
        editor.sendKeys(sql);
        browser.findElement(By.id("sql-run")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sql-status"), outcome));
    }

    private static DatabaseClusterStatus withUpgrade(DatabaseClusterStatus s, UpgradeStatus upgrade) {
        return new DatabaseClusterStatus(s.phase(), s.conditions(), s.observedGeneration(), s.aggregators(), s.leaves(), s.release(),
                s.endpoints(), upgrade, s.rebalance());
    }

    private static DatabaseClusterStatus status(Phase phase, int ready, String progressing, String step, Endpoints endpoints) {
        return new DatabaseClusterStatus(phase, List.of(
                new Condition(Condition.READY, phase == Phase.Ready ? Condition.TRUE : Condition.FALSE, "Nodes", "", null),
                new Condition(Condition.PROGRESSING, progressing, "Provision", step, null),
                new Condition(Condition.BALANCED, Condition.TRUE, "Balanced", "", null)),
                1L, new NodeCounts(ready, 1), new NodeCounts(2 * ready, 2), "2.17.0", endpoints, null);
    }
}
