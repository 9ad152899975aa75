package jp.tokyo.juki.stats;

import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.Browser;
import jp.tokyo.juki.testkit.ConsistencyMessages;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.OperatorDesk.Reply;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * Statistics on a running gateway (issue 13 point 3): updates sent by two CS with two reasons, two
 * agency rows answered through the drop folder, the honnin notices delivered to the national
 * simulator, searches in the audit and a consistency check of 千代田区 are counted by the rollup and
 * reported — as JSON, as the CSV file and as the chart — to an auditor and a manager (API, CLI and
 * console); a searcher is refused P403; each report is a STATISTICS audit record.
 */
class StatisticsIT {
    private static final LocalDate TODAY = LocalDate.now(Period.JST);
    private static final String HEADER = "request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,"
            + "birth_date,sex,address\n";
    private static OperatorDesk desk;
    private static RunningGateway gw;
    private static final List<ObjectNode> CHIYODA_PEOPLE = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        desk = OperatorDesk.start(true, Map.of("juki.stats.rollup-ms", "200", "juki.stats.settle-ms", "1",
                "juki.agency.poll-ms", "200"));
        desk.issue("aud1", Role.AUDITOR).issue("mgr1", Role.MANAGER).issue("srch1", Role.SEARCHER);
        gw = desk.gw;
        try (FrameClient chiyoda = gw.connect(CHIYODA); FrameClient shinjuku = gw.connect(SHINJUKU)) {
            update(chiyoda, CHIYODA, "BIRTH", 2);
            update(chiyoda, CHIYODA, "MOVE_IN", 1);
            update(shinjuku, SHINJUKU, "BIRTH", 1);
            update(shinjuku, SHINJUKU, "MOVE_IN", 2);
            consistencyCheckWithOneDifference(chiyoda);
        }
        agencyFile(CHIYODA_PEOPLE.get(0).get("juminhyoCode").asText(), Messages.newJuminhyoCode());
        try (Connection c = gw.gateway.database().dataSource().getConnection()) {
            for (int i = 0; i < 3; i++) {
                // as the search capability records a search: operator line, PERSON_SEARCH, the operator's ID
                AuditWriter.insert(c, List.of(AuditEvent.of(null, AuditEvent.in(AuditLine.OPERATOR,
                        Identities.operator("srch1"), GatewayEvent.PERSON_SEARCH).operator("srch1")
                        .terminal(OperatorDesk.TERMINAL).status(AuditStatus.ANSWERED))));
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> gw.queryLong("SELECT count(*) FROM audit.record WHERE "
                + "line = 'national' AND msg_type = 'HONNIN_NOTICE' AND status = 'ACK'") == 6);
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(desk);
    }

    private static void update(FrameClient cs, String municipality, String reason, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            ObjectNode person = Messages.person(municipality);
            assertThat(cs.send(Messages.update(municipality, reason, person)).get(20, TimeUnit.SECONDS).status())
                    .isEqualTo(Status.ACK);
            if (municipality.equals(CHIYODA)) {
                CHIYODA_PEOPLE.add(person);
            }
        }
    }

    /** 千代田区 checks its three residents, one with another address: one differing. */
    private static void consistencyCheckWithOneDifference(FrameClient cs) throws Exception {
        List<ObjectNode> sent = new ArrayList<>();
        CHIYODA_PEOPLE.forEach(p -> sent.add(p.deepCopy()));
        sent.get(1).with("address").put("text", "東京都千代田区丸の内９丁目９番９号");
        String session = "stats-" + System.nanoTime();
        assertThat(cs.send(ConsistencyMessages.begin(CHIYODA, "HONNIN", session, 3)).get(20, TimeUnit.SECONDS).status())
                .isEqualTo(Status.ACK);
        assertThat(cs.send(ConsistencyMessages.chunk(CHIYODA, session, 0, sent)).get(20, TimeUnit.SECONDS).status())
                .isEqualTo(Status.ACK);
        JsonNode result = cs.send(ConsistencyMessages.end(CHIYODA, session, null)).get(20, TimeUnit.SECONDS).body();
        assertThat(result.path("differing").size()).isEqualTo(1);
    }

    /** A request file of 水道局 asking for a stored person and an unknown one, dropped as the agency does. */
    private static void agencyFile(String known, String unknown) throws Exception {
        String csv = HEADER + "s1,SUIDO-FEE,JUMINHYO_CODE," + known + ",,,,,,\ns2,SUIDO-FEE,JUMINHYO_CODE," + unknown + ",,,,,,\n";
        byte[] file = CmsFiles.protect(csv.getBytes(StandardCharsets.UTF_8),
                Pem.readPrivateKey(TestPki.dir().resolve(TestPki.AGENCY + ".key.pem")),
                Pem.readCertificate(TestPki.dir().resolve(TestPki.AGENCY + ".pem")),
                Pem.readCertificate(TestPki.dir().resolve(Identities.GATEWAY + ".pem")));
        Path inbox = gw.data.resolve("sftp").resolve("suido").resolve("inbox");
        Path part = inbox.resolve("stats.req.p7m.part");
        Files.write(part, file);
        Files.move(part, inbox.resolve("stats.req.p7m"), StandardCopyOption.ATOMIC_MOVE);
        await().atMost(Duration.ofSeconds(30)).until(() -> gw.queryLong("SELECT count(*) FROM agency.provision "
                + "WHERE agency = 'suido'") == 2);
    }

    private static ObjectNode body(String kind, String key, String value) {
        return OperatorDesk.body().put("period", kind).put(key, value);
    }

    private static JsonNode report(String operator, ObjectNode body) throws Exception {
        Reply r = desk.login(operator).post("/api/statistics/report", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** The day's report once the rollup has counted everything sent (the notices come last). */
    private static JsonNode today(String operator) throws Exception {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            last[0] = report(operator, body("day", "date", TODAY.toString()));
            return last[0].path("national").get(0).path("accepted").asLong() == 6
                    && last[0].path("totalProvisions").asLong() == 2 && last[0].path("searches").size() == 1;
        });
        return last[0];
    }

    private static Map<String, Long> updates(JsonNode r) {
        Map<String, Long> m = new TreeMap<>();
        r.path("updates").forEach(u -> m.put(u.path("municipality").asText() + " " + u.path("store").asText() + " "
                + u.path("reason").asText() + " " + u.path("reasonName").asText(), u.path("count").asLong()));
        return m;
    }

    @Test
    void anAuditorGetsTheCountsOfTheDayAsJson() throws Exception {
        JsonNode r = today("aud1");

        assertThat(r.path("period").path("kind").asText()).isEqualTo("day");
        assertThat(updates(r)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "131016 HONNIN BIRTH 出生", 2L, "131016 HONNIN MOVE_IN 国内転入", 1L,
                "131041 HONNIN BIRTH 出生", 1L, "131041 HONNIN MOVE_IN 国内転入", 2L)));
        assertThat(r.path("updates").get(0).path("municipalityName").asText()).isEqualTo("千代田区");
        assertThat(r.path("totalUpdates").asLong()).isEqualTo(6);
        // the provisions as the agency flow recorded them, per business and outcome
        Map<String, Long> provisions = new TreeMap<>();
        r.path("provisions").forEach(p -> provisions.merge(p.path("agency").asText() + " " + p.path("kind").asText() + " "
                + p.path("business").asText() + " " + p.path("outcome").asText(), p.path("count").asLong(), Long::sum));
        Map<String, Long> recorded = new TreeMap<>();
        for (String outcome : List.of("FOUND", "NOT_FOUND")) {
            recorded.put("suido PROVISION SUIDO-FEE " + outcome, gw.queryLong("SELECT count(*) FROM agency.provision "
                    + "WHERE agency = 'suido' AND business = 'SUIDO-FEE' AND kind = 'PROVISION' AND outcome = ?", outcome));
        }
        assertThat(provisions).isEqualTo(recorded).hasSize(2);
        JsonNode honnin = r.path("national").get(0);
        assertThat(honnin.path("line").asText()).isEqualTo("HONNIN");
        assertThat(honnin.path("sent").asLong()).isEqualTo(6);
        assertThat(honnin.path("refused").asLong()).isZero();
        assertThat(r.path("searches").get(0).path("operator").asText()).isEqualTo("srch1");
        assertThat(r.path("searches").get(0).path("count").asLong()).isEqualTo(3);
        // 千代田区's honnin check: one differing, not overdue; its fuhyo store and 新宿区 never checked: overdue
        List<String> checks = new ArrayList<>();
        r.path("consistency").forEach(k -> checks.add(k.path("municipality").asText() + " " + k.path("store").asText() + " "
                + k.path("records").asText() + "/" + k.path("differing").asText() + " " + k.path("overdue").asBoolean()));
        assertThat(checks).contains("131016 HONNIN 3/1 false", "131016 FUHYO null/null true", "131041 HONNIN null/null true");
        assertThat(r.path("consistency").size()).isEqualTo(2 * 62);
        assertThat(r.toString()).doesNotContain(CHIYODA_PEOPLE.get(0).get("juminhyoCode").asText());
        assertThat(gw.queryString("SELECT concat_ws('|', line, status, operator_id, terminal_id, detail) FROM audit.record "
                + "WHERE msg_type = 'STATISTICS' AND operator_id = 'aud1' ORDER BY id DESC LIMIT 1"))
                .isEqualTo("operator|ANSWERED|aud1|" + OperatorDesk.TERMINAL + "|day " + TODAY + " json");
    }

    @Test
    void aManagerGetsTheFiscalYearAndTheMonthAndAnEarlierDayIsEmpty() throws Exception {
        today("mgr1");
        int fy = Period.fiscalYearOf(TODAY);
        JsonNode year = report("mgr1", body("fiscal-year", "fiscalYear", Integer.toString(fy)));
        assertThat(year.path("totalUpdates").asLong()).isEqualTo(6);
        assertThat(year.path("timeline").size()).isEqualTo(12);
        assertThat(year.path("timeline").get(0).path("label").asText()).isEqualTo("4月");
        int month = (TODAY.getMonthValue() + 8) % 12; // April is bar 0
        assertThat(year.path("timeline").get(month).path("updates").asLong()).isEqualTo(6);
        JsonNode thisMonth = report("mgr1", body("month", "month", TODAY.toString().substring(0, 7)));
        assertThat(thisMonth.path("totalUpdates").asLong()).isEqualTo(6);
        assertThat(thisMonth.path("timeline").size()).isEqualTo(TODAY.lengthOfMonth());
        JsonNode yesterday = report("mgr1", body("day", "date", TODAY.minusDays(1).toString()));
        assertThat(yesterday.path("totalUpdates").asLong()).isZero();
        assertThat(report("mgr1", body("fiscal-year", "fiscalYear", Integer.toString(fy - 1))).path("totalUpdates").asLong())
                .isZero();
    }

    @Test
    void theCsvAndTheChartCarryTheSameCounts() throws Exception {
        today("aud1");
        Reply csv = desk.login("aud1").post("/api/statistics/report",
                body("day", "date", TODAY.toString()).put("format", "csv"));
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body()).startsWith("\uFEFF区分,期間,項目1,項目2,項目3,項目4,指標,値\r\n");
        assertThat(csv.body()).contains("更新," + TODAY + ",131016,千代田区,本人確認情報,出生,件数,2\r\n",
                "更新," + TODAY + ",131041,新宿区,本人確認情報,国内転入,件数,2\r\n",
                "全国通知," + TODAY + ",本人確認情報,,,,送信,6\r\n", "検索," + TODAY + ",srch1,,,,件数,3\r\n",
                "整合," + TODAY + ",131016,千代田区,本人確認情報,");

        Path file = Files.createTempDirectory("stats").resolve("fy.png");
        OperatorDesk.Run chart = desk.cli("aud1", "statistics", "--fiscal-year", Integer.toString(Period.fiscalYearOf(TODAY)),
                "--chart", file.toString());
        assertThat(chart.exit()).as(chart.err()).isZero();
        byte[] png = Files.readAllBytes(file);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(ReportChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(ReportChart.HEIGHT);
        Files.write(Path.of("target", "statistics-it-chart.png"), png);
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'STATISTICS' AND operator_id = 'aud1' "
                + "AND detail LIKE '% png'")).isPositive();
    }

    @Test
    void theCliPrintsTheReportAndWritesTheFiles() throws Exception {
        today("aud1");
        Path dir = Files.createTempDirectory("stats");
        OperatorDesk.Run run = desk.cli("aud1", "statistics", "--day", TODAY.toString(), "--csv",
                dir.resolve("r.csv").toString(), "--chart", dir.resolve("r.png").toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("更新 (updates): 6", "131016 千代田区", "出生", "国内転入", "srch1",
                "1 differing, 0 missing in store, 0 missing at CS", "OVERDUE");
        assertThat(Files.readAllBytes(dir.resolve("r.csv"))).startsWith(0xEF, 0xBB, 0xBF);
        assertThat(ImageIO.read(dir.resolve("r.png").toFile()).getWidth()).isEqualTo(ReportChart.WIDTH);
        OperatorDesk.Run bad = desk.cli("aud1", "statistics", "--month", "2026-13");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("T400");
    }

    @Test
    void aSearcherIsRefusedP403AndAudited() throws Exception {
        Reply r = desk.login("srch1").post("/api/statistics/report", body("day", "date", TODAY.toString()));

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("P403");
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REFUSED' AND code = 'P403' "
                + "AND operator_id = 'srch1' AND detail = 'STATISTICS'")).isPositive();
        Reply bad = desk.login("aud1").post("/api/statistics/report", body("week", "date", TODAY.toString()));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.code()).isEqualTo("T400");
    }

    @Test
    void aVersionNumberedBeforeARollupMarkButCommittedAfterItIsCountedExactlyOnce() throws Exception {
        String day = "2020-06-01"; // a day nothing else in this class touches
        try (Connection c = gw.gateway.database().dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            // as a store transaction holds its persons' rows (FOR UPDATE) before it numbers its versions: it has an xid
            s.execute("SELECT pg_current_xact_id()");
            s.execute("CREATE TEMP TABLE late ON COMMIT DROP AS SELECT * FROM honnin.resident LIMIT 1");
            s.execute("UPDATE late SET juminhyo_code = '99999999990', update_seq = nextval('honnin.update_seq'), "
                    + "reason = 'DEATH', municipality_code = '131024', updated_at = '" + day + "T03:00:00Z'");
            s.execute("INSERT INTO honnin.resident SELECT * FROM late");
            long seq = gw.queryLong("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM honnin.update_seq");
            // the timer keeps marking while this transaction holds its number: none of those marks may be counted past it
            await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong("SELECT count(*) FROM stats.rollup_mark "
                    + "WHERE source = 'HONNIN' AND seq >= ?", seq) > 0);
            Thread.sleep(1500);
            assertThat(gw.queryLong("SELECT last_seq FROM stats.rollup_source WHERE source = 'HONNIN'")).isLessThan(seq);
            c.commit();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> report("aud1", body("day", "date", day))
                .path("totalUpdates").asLong() == 1);
        Thread.sleep(1500); // more runs: still once
        JsonNode r = report("aud1", body("day", "date", day));
        assertThat(updates(r)).containsExactlyEntriesOf(Map.of("131024 HONNIN DEATH 死亡", 1L));
    }

    @Test
    void theConsolePageShowsTheTablesTheChartAndTheCsvLink() throws Exception {
        Browser.assumeAvailable();
        today("aud1");
        try (Browser b = Browser.as(Identities.operator("aud1"), desk.origin())) {
            WebDriver d = b.get("/console/login");
            d.findElement(By.id("terminal")).sendKeys(OperatorDesk.TERMINAL);
            d.findElement(By.id("password")).sendKeys(OperatorDesk.PASSWORD);
            d.findElement(By.cssSelector("#login button[type=submit]")).click();
            await().atMost(Duration.ofSeconds(20)).until(() -> d.findElements(By.id("roles")).size() == 1);
            b.get("/console/statistics");
            new Select(d.findElement(By.id("period"))).selectByValue("fiscal-year");
            d.findElement(By.id("value")).clear();
            d.findElement(By.id("value")).sendKeys(Integer.toString(Period.fiscalYearOf(TODAY)));
            d.findElement(By.cssSelector("#statistics-form button[type=submit]")).click();
            await().atMost(Duration.ofSeconds(20)).until(() -> d.findElements(By.id("updates")).size() == 1);
            assertThat(d.findElement(By.id("updates")).getText()).contains("千代田区", "出生", "国内転入");
            assertThat(d.findElement(By.id("consistency")).getText()).contains("期限超過");
            await().atMost(Duration.ofSeconds(20)).until(() -> ((Number) ((JavascriptExecutor) d).executeScript(
                    "return document.getElementById('chart').naturalWidth")).intValue() == ReportChart.WIDTH);
            assertThat(d.findElement(By.id("csv")).getAttribute("href")).contains("/console/statistics/report.csv?period=fiscal-year");
            d.manage().window().setSize(new Dimension(1280, 1700)); // the tables below the chart too
            b.screenshot(Path.of("docs", "console", "statistics.png"));
        }
    }
}
