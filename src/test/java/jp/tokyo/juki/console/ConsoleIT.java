package jp.tokyo.juki.console;

import static jp.tokyo.juki.testkit.OperatorDesk.ADMIN;
import static jp.tokyo.juki.testkit.OperatorDesk.PASSWORD;
import static jp.tokyo.juki.testkit.OperatorDesk.TERMINAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.api.ApiGate;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.testkit.Browser;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.OperatorDesk.Api;
import jp.tokyo.juki.testkit.OperatorDesk.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium presenting an operator's personal certificate (issue 12
 * items 2, 4 and 6): the login page names the certificate's operator; a wrong password shows the
 * refusal code, the right one the home page with the roles; an administrator issues an operator and
 * grants a role in the console, each an audit record with the administrator; the idle lock (one
 * minute here) replaces the page with the lock screen, the server refuses the old cookie and Back
 * does not bring the last page back; a session cookie copied into a browser with another
 * certificate is refused; the console works in English after the language link. Screenshots go to
 * docs/console/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
    private static final Path SHOTS = Path.of("docs", "console");
    static OperatorDesk desk;
    /**
     * The idle-lock scenario, which spends its idle minute waiting: started with the class on a thread of
     * its own (its own browser and operators), so that the other tests run in that minute; its test,
     * ordered last, waits for it and reports what it found.
     */
    private static FutureTask<Void> idleMinute;

    @BeforeEach
    void browserAvailable() {
        Browser.assumeAvailable();
    }

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeAvailable();
        desk = OperatorDesk.start(false, Map.of("juki.operator.idle-minutes", "1"));
        desk.issue("kato1", Role.MANAGER, Role.SEARCHER).issue("idle1", Role.SEARCHER).issue("idle2", Role.SEARCHER)
                .issue("mgr2", Role.MANAGER).issue("en1", Role.AUDITOR).issue("wrong1", Role.SEARCHER);
        idleMinute = new FutureTask<>(() -> {
            idleMinuteScenario();
            return null;
        });
        // a thread of its own, not the common pool the gateway in this JVM may use
        Thread t = new Thread(idleMinute, "console-idle-minute");
        t.setDaemon(true);
        t.start();
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    private static Browser browser(String id) throws Exception {
        return Browser.as(Identities.operator(id), desk.origin());
    }

    /** Logs in on the login page (already shown) with {@code password}. */
    private static void logIn(Browser b, String password) {
        WebDriver d = b.driver();
        d.findElement(By.id("terminal")).sendKeys(TERMINAL);
        d.findElement(By.id("password")).sendKeys(password);
        follow(d, By.cssSelector("#login button[type=submit]"));
    }

    /**
     * Clicks what {@code by} finds and waits until the next page has replaced this one and is
     * loaded: a mark on this page's window is gone. (ExpectedConditions.stalenessOf asks the old
     * element while Chromium navigates, which now and then fails with "Node with given id does not
     * belong to the document" instead of answering stale.)
     */
    private static void follow(WebDriver d, By by) {
        JavascriptExecutor js = (JavascriptExecutor) d;
        js.executeScript("window.jukiPreviousPage = true;");
        d.findElement(by).click();
        new WebDriverWait(d, Duration.ofSeconds(30)).until(driver -> {
            try {
                return Boolean.TRUE.equals(js.executeScript(
                        "return window.jukiPreviousPage === undefined && document.readyState === 'complete';"));
            } catch (WebDriverException navigating) {
                return false;
            }
        });
    }

    private static WebDriver loggedIn(Browser b) {
        b.get("/console/login");
        logIn(b, PASSWORD);
        assertThat(b.driver().findElement(By.id("roles")).isDisplayed()).isTrue();
        return b.driver();
    }

    @Test
    void theLoginPageNamesTheCertificatesOperatorAndAWrongPasswordShowsTheRefusalCode() throws Exception {
        try (Browser b = browser("wrong1")) {
            WebDriver d = b.get("/console/login");
            assertThat(d.getTitle()).startsWith("ログイン");
            assertThat(d.findElement(By.id("login")).getText()).contains("op-wrong1");
            d.findElement(By.id("terminal")).sendKeys(TERMINAL);
            d.findElement(By.id("password")).sendKeys("not the password 9");
            follow(d, By.cssSelector("#login button[type=submit]"));

            assertThat(d.findElement(By.id("error")).getText()).startsWith("L401");
            assertThat(d.findElements(By.id("roles"))).isEmpty();
            assertThat(d.getPageSource()).doesNotContain("not the password 9");
        }
    }

    @Test
    void theRightPasswordShowsTheHomePageWithTheRoles() throws Exception {
        try (Browser b = browser("kato1")) {
            WebDriver d = b.get("/console/login");
            assertThat(d.findElement(By.id("login")).getText()).contains("op-kato1");
            d.findElement(By.id("terminal")).sendKeys(TERMINAL);
            b.screenshot(SHOTS.resolve("login.png"));
            d.findElement(By.id("password")).sendKeys(PASSWORD);
            follow(d, By.cssSelector("#login button[type=submit]"));
            assertThat(d.getCurrentUrl()).endsWith("/console/");
            assertThat(d.findElement(By.id("roles")).getText()).contains("管理責任者").contains("検索担当者");
            assertThat(d.findElement(By.id("who")).getText()).contains("kato1").contains(TERMINAL);
            assertThat(d.findElement(By.tagName("nav")).getText()).contains("パスワード変更").doesNotContain("操作者管理");
            b.screenshot(SHOTS.resolve("home.png"));
        }
    }

    @Test
    void anAdministratorIssuesAnOperatorAndGrantsARoleInTheConsoleBothAuditedWithTheAdministrator() throws Exception {
        try (Browser b = browser(ADMIN)) {
            WebDriver d = loggedIn(b);
            follow(d, By.linkText("操作者管理"));
            assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("操作者管理");
            d.findElement(By.id("issue-id")).sendKeys("sato1");
            d.findElement(By.id("issue-name")).sendKeys("佐藤 次郎");
            d.findElement(By.id("issue-role-searcher")).click();
            d.findElement(By.id("issue-terminals")).sendKeys("ws-01, ws-05");
            d.findElement(By.id("issue-password")).sendKeys("Saffron harbour kite 47");
            follow(d, By.id("issue-submit"));
            assertThat(d.findElement(By.id("done")).getText()).contains("発行しました");
            assertThat(d.findElement(By.id("op-sato1")).getText()).contains("佐藤 次郎").contains("ws-01, ws-05")
                    .contains("searcher").contains("有効");

            new Select(d.findElement(By.id("role-id"))).selectByValue("sato1");
            new Select(d.findElement(By.id("role-role"))).selectByValue("manager");
            follow(d, By.id("grant-submit"));
            assertThat(d.findElement(By.id("done")).getText()).contains("付与しました");
            assertThat(d.findElement(By.cssSelector("#op-sato1 .roles")).getText()).contains("manager").contains("searcher");
            assertThat(d.getPageSource()).doesNotContain("Saffron harbour kite 47");
            d.manage().window().setSize(new Dimension(1280, 1700));
            b.screenshot(SHOTS.resolve("operators.png"));
        }
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'OPERATOR_REGISTER' AND msg_id = 'sato1' "
                + "AND operator_id = ? AND status = 'ALLOWED' AND detail LIKE 'issued with roles searcher%'", ADMIN)).isEqualTo(1);
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'OPERATOR_REGISTER' AND msg_id = 'sato1' "
                + "AND operator_id = ? AND status = 'ALLOWED' AND detail = 'granted role manager'", ADMIN)).isEqualTo(1);
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REQUEST' AND operator_id = ? "
                + "AND terminal_id = ? AND detail = 'OPERATORS_MANAGE'", ADMIN, TERMINAL)).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void afterTheIdleMinuteTheLockScreenReplacesThePageTheServerRefusesTheOldCookieAndBackShowsNoPage() throws Throwable {
        try {
            idleMinute.get(180, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause(); // the scenario's own assertion error, or the exception that ended it
        }
    }

    private static void idleMinuteScenario() throws Exception {
        Api sideSession = desk.login("idle2");
        long sideSince = System.nanoTime();
        try (Browser b = browser("idle1")) {
            WebDriver d = loggedIn(b);
            b.get("/console/password");
            assertThat(d.findElement(By.id("password-form")).isDisplayed()).isTrue();
            String oldCookie = d.manage().getCookieNamed(ApiGate.COOKIE).getValue();
            long shown = System.nanoTime();

            await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> d.getCurrentUrl().endsWith("/console/lock"));
            assertThat(Duration.ofNanos(System.nanoTime() - shown)).as("the page's timer: one idle minute")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(59));
            assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("端末はロックされています");
            assertThat(d.findElements(By.id("password-form"))).isEmpty();
            b.screenshot(SHOTS.resolve("lock.png"));

            HttpResponse<String> old = new ConsoleHttp("idle1", desk.origin()).cookie(oldCookie).get("/console/password");
            assertThat(old.statusCode()).isEqualTo(303);
            assertThat(old.headers().firstValue("Location").orElse("")).startsWith("/console/login?code=S4");
            assertThat(old.body()).doesNotContain("password-form");

            d.navigate().back();
            assertThat(d.findElements(By.id("roles"))).as("Back: not the last page").isEmpty();
            assertThat(d.findElements(By.id("password-form"))).isEmpty();
            assertThat(d.findElement(By.id("login")).isDisplayed()).isTrue();
        }
        // the server's own lock, with no page timer: a session unused for the idle minute is refused
        long waited = Duration.ofNanos(System.nanoTime() - sideSince).toMillis();
        if (waited < 61_000) {
            Thread.sleep(61_000 - waited);
        }
        Reply idle = sideSession.post("/api/session/whoami", OperatorDesk.body());
        assertThat(idle.status()).isEqualTo(401);
        // S440 when this request finds it idle; S401 when the sweep (every minute) ended it first
        assertThat(idle.code()).isIn("S440", "S401");
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'OPERATOR_SESSION' "
                + "AND operator_id = 'idle2' AND code = 'S440'")).isEqualTo(1);
    }

    @Test
    void aSessionCookieCopiedIntoABrowserWithAnotherCertificateIsRefused() throws Exception {
        try (Browser admin = browser(ADMIN); Browser other = browser("mgr2")) {
            loggedIn(admin);
            Cookie session = admin.driver().manage().getCookieNamed(ApiGate.COOKIE);
            assertThat(session).isNotNull();
            assertThat(session.isHttpOnly()).isTrue();
            assertThat(session.isSecure()).isTrue();

            WebDriver d = other.get("/console/login");
            d.manage().addCookie(new Cookie.Builder(ApiGate.COOKIE, session.getValue()).path("/").isSecure(true).isHttpOnly(true)
                    .sameSite("Strict").build());
            other.get("/console/");
            assertThat(d.getCurrentUrl()).contains("/console/login?code=S403");
            assertThat(d.findElement(By.id("note")).getText()).contains("S403");
            assertThat(d.findElements(By.id("roles"))).isEmpty();
            assertThat(d.getPageSource()).doesNotContain("管理 一郎");

            admin.get("/console/");
            assertThat(admin.driver().findElement(By.id("who")).getText()).as("the owner's session goes on").contains(ADMIN);
        }
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REFUSED' AND code = 'S403' "
                + "AND peer = 'op-mgr2'")).isPositive();
    }

    @Test
    void theConsoleWorksInEnglishAfterTheLanguageLink() throws Exception {
        try (Browser b = browser("en1")) {
            WebDriver d = loggedIn(b);
            follow(d, By.cssSelector("header a.lang"));
            assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Welcome");
            assertThat(d.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
            assertThat(d.findElement(By.id("roles")).getText()).isEqualTo("auditor");
            assertThat(d.findElement(By.tagName("nav")).getText()).contains("Operators").contains("Change my password");
            follow(d, By.linkText("Operators"));
            assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Operators");
            assertThat(d.findElement(By.id("op-en1")).getText()).contains("auditor").contains("active");
            assertThat(d.findElements(By.id("issue-form"))).as("an auditor reads only").isEmpty();
            follow(d, By.id("report-link"));
            assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Yearly review report");
            follow(d, By.linkText("Change my password"));
            assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Change my password");

            follow(d, By.cssSelector("nav form.logout button"));
            assertThat(d.getCurrentUrl()).contains("/console/login");
            assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("Log in");
            assertThat(d.findElement(By.id("login")).getText()).contains("Certificate").contains("op-en1");
            b.screenshot(SHOTS.resolve("login-en.png"));
        }
        assertThat(Files.size(SHOTS.resolve("login-en.png"))).isGreaterThan(1000);
    }
}
