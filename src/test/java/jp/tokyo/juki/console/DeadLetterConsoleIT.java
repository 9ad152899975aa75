package jp.tokyo.juki.console;

import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.testkit.Browser;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's dead letters and a person's audit history in a real headless Chromium (issue 12
 * point 6) that presents the operator's certificate: an administrator logs in, lists the dead
 * letters, shows one masked and reveals its personal items with a reason; an auditor then reads the
 * person's audit history, the reveal included. A maintainer sees the masked dead letter without the
 * administrator's forms. Screenshots of the pages go to {@code docs/console/} (a made-up person).
 */
class DeadLetterConsoleIT {
    private static final String ADMIN = "admin-c";
    private static final String AUDITOR = "auditor-c";
    private static final String MAINTAINER = "maint-c";
    private static final Path SHOTS = Path.of("docs", "console");
    private static final String NAME = "試験 花子";

    @BeforeEach
    void browserAvailable() {
        Browser.assumeAvailable();
    }

    @Test
    void anAdministratorRevealsADeadLetterForAReasonAndAnAuditorReadsThePersonsHistory() throws Exception {
        try (OperatorDesk desk = OperatorDesk.start(false, Map.of("juki.national.max-redeliveries", "1",
                "juki.national.redelivery-delay-ms", "50"))) {
            desk.issue(ADMIN, Role.ADMINISTRATOR).issue(AUDITOR, Role.AUDITOR).issue(MAINTAINER, Role.MAINTAINER);
            String code = Messages.newJuminhyoCode();
            String myNumber = Messages.newMyNumber();
            ObjectNode person = Messages.person(SHINJUKU, code, myNumber, NAME, "シケン ハナコ");
            Request sent = update(SHINJUKU, "MOVE_IN", person);
            try (FrameClient cs = desk.gw.connect(SHINJUKU)) {
                assertThat(cs.send(sent).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            }
            // no national server: the notice is given up after 2 attempts
            await().atMost(Duration.ofSeconds(60)).until(() -> desk.gw.queryLong(
                    "SELECT count(*) FROM audit.record WHERE msg_type = 'DEAD_LETTER'") == 1);

            String id;
            try (Browser admin = Browser.as(Identities.operator(ADMIN), desk.origin())) {
                WebDriver d = login(admin);
                admin.get("/console/dlq");
                WebElement row = wait(d).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#letters tr[data-id]")));
                id = row.getAttribute("data-id");
                assertThat(row.getText()).contains("DLQ.juki.national.honnin", "HONNIN_NOTICE", SHINJUKU + "/" + sent.id(), "E503");
                assertThat(d.getPageSource()).doesNotContain(NAME, code, myNumber);
                admin.screenshot(SHOTS.resolve("dead-letters.png"));

                d.findElement(By.cssSelector("#show-" + id + " button")).click();
                WebElement content = wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("content")));
                assertThat(content.getText()).contains("\"kanji\" : \"***\"", "\"juminhyoCode\" : \"***\"")
                        .doesNotContain(NAME, code, myNumber);

                d.findElement(By.id("reveal-reason")).sendKeys("新宿区から氏名の訂正依頼（受付 R8-0117）");
                d.findElement(By.cssSelector("#reveal button")).click();
                wait(d).until(ExpectedConditions.textToBePresentInElementLocated(By.id("content"), NAME));
                assertThat(d.findElement(By.id("content")).getText()).contains(NAME, code, myNumber);
                assertThat(d.findElement(By.id("mask-note")).getText()).contains("監査記録");
                assertThat(d.findElements(By.id("reveal"))).isEmpty();
                admin.screenshot(SHOTS.resolve("dead-letter-revealed.png"));
            }
            assertThat(desk.gw.queryString("SELECT operator_id || ' ' || terminal_id || ' ' || reason || ' ' || cardinality(persons) "
                    + "FROM audit.record WHERE msg_type = 'DLQ_REVEAL' AND status = 'ALLOWED'"))
                    .isEqualTo(ADMIN + " " + OperatorDesk.TERMINAL + " 新宿区から氏名の訂正依頼（受付 R8-0117） 1");

            try (Browser maintainer = Browser.as(Identities.operator(MAINTAINER), desk.origin())) {
                WebDriver d = login(maintainer);
                maintainer.get("/console/dlq");
                wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("show-" + id))).findElement(By.tagName("button"))
                        .click();
                wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("content")));
                assertThat(d.getPageSource()).doesNotContain(NAME, code, myNumber);
                // a maintainer may look, masked; revealing, replaying and discarding are an administrator's
                assertThat(List.of("reveal", "replay", "discard")).allSatisfy(form -> assertThat(d.findElements(By.id(form))).isEmpty());
            }

            try (Browser auditor = Browser.as(Identities.operator(AUDITOR), desk.origin())) {
                WebDriver d = login(auditor);
                auditor.get("/console/history");
                wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("juminhyoCode"))).sendKeys(code);
                d.findElement(By.id("reason")).sendKeys("開示請求 R8-0042");
                d.findElement(By.cssSelector("#history-form button")).click();
                WebElement exchanges = wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("exchanges")));
                assertThat(exchanges.getText()).contains("HONNIN_UPDATE", "cs-" + SHINJUKU, "DLQ_SHOW", "DLQ_REVEAL",
                        ADMIN + " @ " + OperatorDesk.TERMINAL);
                assertThat(d.getPageSource()).doesNotContain(code, myNumber, NAME);
                auditor.screenshot(SHOTS.resolve("audit-history.png"));
            }
            assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'AUDIT_QUERY' AND operator_id = ? "
                    + "AND terminal_id = ? AND reason = '開示請求 R8-0042' AND cardinality(persons) = 1", AUDITOR,
                    OperatorDesk.TERMINAL)).isEqualTo(1);
            for (String png : List.of("dead-letters.png", "dead-letter-revealed.png", "audit-history.png")) {
                assertThat(Files.size(SHOTS.resolve(png))).as(png).isGreaterThan(10_000);
            }
        }
    }

    /** Logs in on the console's login page with the desk's password and terminal; answers on the home page. */
    private static WebDriver login(Browser b) {
        WebDriver d = b.get("/console/login");
        wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("terminal"))).sendKeys(OperatorDesk.TERMINAL);
        d.findElement(By.id("password")).sendKeys(OperatorDesk.PASSWORD);
        d.findElement(By.cssSelector("#login button")).click();
        wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("roles")));
        return d;
    }

    private static WebDriverWait wait(WebDriver d) {
        return new WebDriverWait(d, Duration.ofSeconds(20));
    }
}
