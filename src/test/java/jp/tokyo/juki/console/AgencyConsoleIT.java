package jp.tokyo.juki.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.Browser;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The console's approval, national query and status pages in a real headless Chromium that
 * presents an operator's certificate to a running gateway (issue 12 point 6): a manager approves a
 * waiting bulk agency request, and the decision is in the database and the audit under the
 * manager's operator ID and terminal; a searcher asks the national server from the query form; a
 * maintainer reads the status; a role the page is not for gets the refusal page. The screenshots
 * go to docs/console/.
 */
class AgencyConsoleIT {
    private static final Path SHOTS = Path.of("docs", "console");
    private static final String HEADER = "request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,"
            + "birth_date,sex,address\n";
    private static OperatorDesk desk;
    private static RunningGateway gw;

    @BeforeEach
    void browserPresent() {
        Browser.assumeAvailable();
    }

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeAvailable();
        desk = OperatorDesk.start(true, Map.of("juki.agency.poll-ms", "200", "juki.agency.approval-rows", "5",
                "juki.observe.sample-ms", "200", "juki.observe.national-probe-ms", "500"));
        desk.issue("mgr1", Role.MANAGER).issue("srch1", Role.SEARCHER).issue("maint1", Role.MAINTAINER);
        gw = desk.gw;
        gw.startFuhyo(); // both national servers up: the status page shows a healthy gateway
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(desk);
    }

    /** A browser with {@code op-<id>}'s certificate, logged in to the console at {@link OperatorDesk#TERMINAL}. */
    private static Browser loggedIn(String id) throws Exception {
        Browser b = Browser.as(Identities.operator(id), desk.origin());
        try {
            WebDriver d = b.get("/console/login");
            d.findElement(By.id("terminal")).sendKeys(OperatorDesk.TERMINAL);
            d.findElement(By.id("password")).sendKeys(OperatorDesk.PASSWORD);
            d.findElement(By.cssSelector("#login button[type=submit]")).click();
            await().atMost(Duration.ofSeconds(20)).until(() -> d.findElements(By.id("roles")).size() == 1);
            return b;
        } catch (Exception | AssertionError e) {
            b.close();
            throw e;
        }
    }

    /** A request file of 水道局 with {@code rows} rows (more than juki.agency.approval-rows), dropped as the agency does; its id. */
    private static long waitingBulkRequest(int rows) throws Exception {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < rows; i++) {
            csv.append("b").append(i).append(",SUIDO-FEE,JUMINHYO_CODE,").append(Messages.newJuminhyoCode()).append(",,,,,,\n");
        }
        byte[] file = CmsFiles.protect(csv.toString().getBytes(StandardCharsets.UTF_8),
                Pem.readPrivateKey(TestPki.dir().resolve(TestPki.AGENCY + ".key.pem")),
                Pem.readCertificate(TestPki.dir().resolve(TestPki.AGENCY + ".pem")),
                Pem.readCertificate(TestPki.dir().resolve(Identities.GATEWAY + ".pem")));
        String stem = "console" + System.nanoTime();
        Path inbox = gw.data.resolve("sftp").resolve("suido").resolve("inbox");
        Path part = inbox.resolve(stem + ".req.p7m.part");
        Files.write(part, file);
        Files.move(part, inbox.resolve(stem + ".req.p7m"), StandardCopyOption.ATOMIC_MOVE);
        String waiting = "FROM agency.request WHERE agency = 'suido' AND file_name = ? AND state = 'WAITING'";
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong("SELECT count(*) " + waiting, stem + ".req.p7m") == 1);
        return gw.queryLong("SELECT id " + waiting, stem + ".req.p7m");
    }

    @Test
    void aManagerApprovesAWaitingBulkRequestInTheConsoleAndTheDecisionIsTheirs() throws Exception {
        long id = waitingBulkRequest(6);
        String ar = "AR-" + id;
        try (Browser manager = loggedIn("mgr1")) {
            WebDriver d = manager.get("/console/approvals");
            assertThat(d.getTitle()).startsWith("大量照会の承認");
            assertThat(d.findElement(By.id(ar)).getText()).contains(ar, "suido", "6");
            manager.screenshot(SHOTS.resolve("approvals.png"));

            d.findElement(By.id("approve-" + ar)).click();

            await().atMost(Duration.ofSeconds(20)).until(() -> d.findElements(By.id("decided")).size() == 1);
            assertThat(d.findElement(By.id("decided")).getText()).isEqualTo(ar + "を承認しました。次回のポーリングで機関に回答します。");
            assertThat(d.findElements(By.id(ar))).isEmpty();
        }
        assertThat(gw.queryString("SELECT state || '|' || decided_by FROM agency.request WHERE id = ?", id))
                .isIn("APPROVED|mgr1", "ANSWERED|mgr1", "DONE|mgr1");
        assertThat(gw.queryString("SELECT concat_ws('|', status, code, operator_id, terminal_id) FROM audit.record "
                + "WHERE line = 'agency' AND msg_id = ? AND msg_type = 'AGENCY_APPROVAL'", ar))
                .isEqualTo("APPROVED|A210|mgr1|" + OperatorDesk.TERMINAL);
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REQUEST' AND operator_id = 'mgr1' "
                + "AND terminal_id = ? AND detail = 'APPROVALS_DECIDE'", OperatorDesk.TERMINAL)).isPositive();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(gw.data.resolve("sftp").resolve("suido")
                .resolve("outbox").resolve(gw.queryString("SELECT file_name FROM agency.request WHERE id = ?", id)
                        .replace(".req.p7m", ".res.p7m"))));
    }

    @Test
    void aRejectionInTheConsoleNeedsAReasonAndTellsTheAgency() throws Exception {
        long id = waitingBulkRequest(7);
        String ar = "AR-" + id;
        try (Browser manager = loggedIn("mgr1")) {
            WebDriver d = manager.get("/console/approvals");
            d.findElement(By.id("reason-" + ar)).sendKeys("業務上の必要性が確認できません");
            d.findElement(By.id("reject-" + ar)).click();

            await().atMost(Duration.ofSeconds(20)).until(() -> d.findElements(By.id("decided")).size() == 1);
            assertThat(d.findElement(By.id("decided")).getText()).startsWith(ar + "を却下しました");
        }
        assertThat(gw.queryString("SELECT concat_ws('|', status, code, operator_id, terminal_id, reason) FROM audit.record "
                + "WHERE line = 'agency' AND msg_id = ? AND msg_type = 'AGENCY_APPROVAL'", ar))
                .isEqualTo("REJECTED|A140|mgr1|" + OperatorDesk.TERMINAL + "|業務上の必要性が確認できません");
    }

    @Test
    void aSearcherAsksTheNationalServerFromTheQueryForm() throws Exception {
        JsonNode person = gw.national.person(9);
        String code = person.get("juminhyoCode").asText();
        try (Browser searcher = loggedIn("srch1")) {
            WebDriver d = searcher.get("/console/national");
            assertThat(d.getTitle()).startsWith("全国照会");
            d.findElement(By.id("juminhyoCode")).sendKeys(code);
            d.findElement(By.id("reason")).sendKeys("転入届の本人確認");
            d.findElement(By.id("ask")).click();

            await().atMost(Duration.ofSeconds(20)).until(() -> d.findElements(By.id("result")).size() == 1);
            assertThat(d.getTitle()).startsWith("照会結果");
            assertThat(d.getCurrentUrl()).isEqualTo(desk.origin() + "/console/national").doesNotContain(code);
            assertThat(d.findElement(By.id("result")).getText()).startsWith("FOUND");
            assertThat(d.findElement(By.id("type")).getText()).isEqualTo("HONNIN_QUERY");
            assertThat(d.findElement(By.cssSelector(".record .name")).getText())
                    .contains(person.get("name").get("kanji").asText());
            assertThat(d.findElement(By.cssSelector(".record .my-number")).getText()).isEqualTo(person.get("myNumber").asText());
            searcher.screenshot(SHOTS.resolve("national-query.png"));
            String queryId = d.findElement(By.id("query-id")).getText();
            assertThat(gw.queryString("SELECT string_agg(concat_ws('|', status, operator_id, terminal_id, reason), ',' ORDER BY id) "
                    + "FROM audit.record WHERE msg_id = ?", queryId)).isEqualTo("SENT|srch1|" + OperatorDesk.TERMINAL
                    + "|転入届の本人確認,ACK|srch1|" + OperatorDesk.TERMINAL + "|転入届の本人確認");
        }
    }

    @Test
    void aMaintainerSeesTheStatusAndNoPersonalData() throws Exception {
        try (Browser maintainer = loggedIn("maint1")) {
            WebDriver d = maintainer.get("/console/status");
            // the national servers are probed every half second: the fuhyo one, started after the gateway, soon answers
            await().atMost(Duration.ofSeconds(20)).until(() -> "UP".equals(maintainer.get("/console/status")
                    .findElement(By.id("health")).getText()));

            assertThat(d.getTitle()).startsWith("ゲートウェイの状態");
            assertThat(d.findElement(By.id("ready")).getText()).isEqualTo("受付可能（READY）");
            assertThat(d.findElement(By.id("check-juki-database")).getText()).contains("UP");
            assertThat(d.findElement(By.id("agency-waiting")).getText()).endsWith("件");
            maintainer.screenshot(SHOTS.resolve("status.png"));
        }
    }

    @Test
    void aPageOfAnotherRoleIsARefusalPageWithItsCode() throws Exception {
        try (Browser searcher = loggedIn("srch1")) {
            WebDriver d = searcher.get("/console/approvals");

            assertThat(d.findElement(By.id("code")).getText()).isEqualTo("P403");
            assertThat(d.findElements(By.id("waiting"))).isEmpty();
            assertThat(d.findElements(By.linkText("大量照会の承認"))).as("the navigation offers only the searcher's pages").isEmpty();
        }
    }
}
