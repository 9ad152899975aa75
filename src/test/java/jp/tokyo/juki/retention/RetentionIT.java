package jp.tokyo.juki.retention;

import static jp.tokyo.juki.testkit.Messages.fuhyoPerson;
import static jp.tokyo.juki.testkit.Messages.fuhyoUpdate;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.Browser;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * Retention and erasure (R-RET) on a running gateway: the data is made once, before and after an
 * instant {@code middle}; the tests move the jobs' clock ({@code retentionClock}), never the data.
 * What is older than a job's period is erased — gone from the table files too — the younger and
 * the flagged are kept, each run is audited once with its counts, and only an administrator may
 * see or start the jobs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetentionIT {
    private static final String HEADER = "request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,"
            + "birth_date,sex,address\n";
    private static OperatorDesk desk;
    private static RunningGateway gw;
    private static FrameClient chiyoda;
    private static OffsetClock clock;
    private static Instant middle;
    /** deleted before middle, history before middle: erased after 150 years */
    private static String erased;
    /** flagged (retentionFlag 1), deleted before middle: kept */
    private static String flagged;
    /** history after middle: kept */
    private static String young;
    private static final List<Request> before = new ArrayList<>();
    private static final List<Request> after = new ArrayList<>();
    private static Path archive;

    @BeforeAll
    static void start() throws Exception {
        desk = OperatorDesk.start(false, Map.of("juki.agency.poll-ms", "200", "juki.audit.checkpoint-seconds", "1",
                "juki.retention.check-period-ms", "3600000", "juki.retention.history.enabled", "false",
                "juki.retention.accepted-requests.enabled", "false", "juki.retention.provisions.enabled", "false"));
        desk.issue("mgr1", Role.MANAGER).issue("aud1", Role.AUDITOR);
        gw = desk.gw;
        clock = gw.gateway.bean("retentionClock", OffsetClock.class);
        chiyoda = gw.connect(CHIYODA);

        String resident = Messages.newJuminhyoCode();
        send(before, update(CHIYODA, "MOVE_IN", Messages.person(CHIYODA, resident, Messages.newMyNumber(), "提供 花子", "テイキョウ ハナコ")));
        erased = Messages.newJuminhyoCode();
        lifeAndDeath(before, Messages.person(CHIYODA, erased, Messages.newMyNumber(), "消去 一郎", "ショウキョ イチロウ"), true);
        flagged = Messages.newJuminhyoCode();
        ObjectNode kept = Messages.person(CHIYODA, flagged, Messages.newMyNumber(), "保存 二郎", "ホゾン ジロウ");
        kept.put("retentionFlag", "1");
        lifeAndDeath(before, kept, true);
        ObjectNode annex = fuhyoPerson(CHIYODA).put("juminhyoCode", Messages.newJuminhyoCode());
        send(before, fuhyoUpdate(CHIYODA, "MOVE_IN", annex));
        send(before, fuhyoUpdate(CHIYODA, "MOVE_OUT_ABROAD", Messages.abroad(annex)));
        agencyFile("oldprov-1", resident);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                gw.queryLong("SELECT seq FROM audit.chain_head") == gw.queryLong("SELECT max(seq) FROM audit.checkpoint"));
        OperatorDesk.Reply export = desk.login("aud1").post("/api/audit/export", OperatorDesk.body().put("reason", "before"));
        assertThat(export.status()).as(export.body()).isEqualTo(200);
        archive = Path.of(export.json().path("path").asText());

        // the jobs' clock runs on after a test moves it (a login, a CLI start): the younger data keeps a margin
        Thread.sleep(50);
        middle = Instant.now();
        Thread.sleep(1500);

        young = Messages.newJuminhyoCode();
        lifeAndDeath(after, Messages.person(CHIYODA, young, Messages.newMyNumber(), "若手 三郎", "ワカテ サブロウ"), false);
        agencyFile("newprov-1", resident);
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(chiyoda, desk);
    }

    private static void send(List<Request> sent, Request r) throws Exception {
        assertThat(chiyoda.send(r).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
        sent.add(r);
    }

    /** A move-in and a move within the municipality (one history row), and with {@code die} a death (a second, and deleted). */
    private static void lifeAndDeath(List<Request> sent, ObjectNode person, boolean die) throws Exception {
        send(sent, update(CHIYODA, "MOVE_IN", person));
        ObjectNode moved = person.deepCopy();
        moved.with("address").put("text", "東京都千代田区丸の内２番２号");
        send(sent, update(CHIYODA, "MOVE_WITHIN", moved));
        if (die) {
            send(sent, update(CHIYODA, "DEATH", moved));
        }
    }

    /** A request of 水道局 by 住民票コード, dropped as the agency does; waits for its provision record. */
    private static void agencyFile(String rowRef, String code) throws Exception {
        byte[] file = CmsFiles.protect((HEADER + rowRef + ",SUIDO-FEE,JUMINHYO_CODE," + code + ",,,,,,\n")
                        .getBytes(StandardCharsets.UTF_8), Pem.readPrivateKey(TestPki.dir().resolve(TestPki.AGENCY + ".key.pem")),
                Pem.readCertificate(TestPki.dir().resolve(TestPki.AGENCY + ".pem")),
                Pem.readCertificate(TestPki.dir().resolve(Identities.GATEWAY + ".pem")));
        Path inbox = gw.data.resolve("sftp").resolve("suido").resolve("inbox");
        Files.write(inbox.resolve(rowRef + ".req.p7m.part"), file);
        Files.move(inbox.resolve(rowRef + ".req.p7m.part"), inbox.resolve(rowRef + ".req.p7m"), StandardCopyOption.ATOMIC_MOVE);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                gw.queryLong("SELECT count(*) FROM agency.provision WHERE row_ref = ?", rowRef) == 1);
    }

    private static long count(String sql, Object... args) throws Exception {
        return gw.queryLong(sql, args);
    }

    private static String audit(String job) throws Exception {
        return gw.queryString("SELECT string_agg(concat_ws('|', status, code, coalesce(operator_id, '-'), "
                + "coalesce(terminal_id, '-'), reason, detail), E'\\n' ORDER BY seq) FROM audit.record "
                + "WHERE msg_type = 'RETENTION_ERASE' AND detail LIKE ?", job + ":%");
    }

    @Test
    @Order(1)
    void onlyAnAdministratorMaySeeOrStartTheJobs() throws Exception {
        OperatorDesk.Run status = desk.cli("mgr1", "retention", "status");
        assertThat(status.exit()).isEqualTo(1);
        assertThat(status.err()).contains("P403");
        OperatorDesk.Reply run = desk.login("mgr1").post("/api/retention/run",
                OperatorDesk.body().put("job", "history").put("reason", "not mine"));
        assertThat(run.status()).isEqualTo(403);
        assertThat(run.code()).isEqualTo("P403");
        assertThat(count("SELECT count(*) FROM audit.record WHERE operator_id = 'mgr1' AND code = 'P403'")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM retention.run WHERE trigger = 'OPERATOR'")).isZero();

        OperatorDesk.Api admin = desk.login(OperatorDesk.ADMIN);
        OperatorDesk.Reply unknown = admin.post("/api/retention/run", OperatorDesk.body().put("job", "everything").put("reason", "x"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.code()).isEqualTo("R400");
        OperatorDesk.Reply noReason = admin.post("/api/retention/run", OperatorDesk.body().put("job", "history"));
        assertThat(noReason.code()).isEqualTo("R400");
        assertThat(noReason.json().path("reason").asText()).contains("reason");
    }

    @Test
    @Order(2)
    void idempotencyRecordsPastTheResendWindowAreErasedAndAResendInsideItIsStillADuplicate() throws Exception {
        OperatorDesk.Api admin = desk.login(OperatorDesk.ADMIN);
        clock.moveTo(middle.plus(Duration.ofDays(90)));
        OperatorDesk.Reply r = admin.post("/api/retention/run",
                OperatorDesk.body().put("job", "accepted-requests").put("reason", "resend window test"));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("erased").path("honnin.accepted_request").asLong()).isEqualTo(7);
        assertThat(r.json().path("erased").path("fuhyo.accepted_request").asLong()).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM honnin.accepted_request WHERE request_id = ANY (?)",
                (Object) before.stream().map(Request::id).toArray(String[]::new))).isZero();
        assertThat(count("SELECT count(*) FROM honnin.accepted_request WHERE request_id = ANY (?)",
                (Object) after.stream().map(Request::id).toArray(String[]::new))).isEqualTo(2);
        assertThat(chiyoda.send(after.get(1)).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.DUPLICATE);
        assertThat(audit("accepted-requests")).isEqualTo("ERASED|R000|" + OperatorDesk.ADMIN + "|" + OperatorDesk.TERMINAL
                + "|resend window test|accepted-requests: cut-off " + r.json().path("cutoff").asText()
                + " (90 days); erased honnin.accepted_request=7, fuhyo.accepted_request=2");
    }

    @Test
    @Order(3)
    void provisionRecordsPastTheirPeriodAreErasedFromTheTableFiles() throws Exception {
        assertThat(filesContain("agency.provision", "oldprov-1")).isTrue();
        OperatorDesk.Api admin = desk.login(OperatorDesk.ADMIN);
        clock.moveTo(middle.atZone(RetentionRules.JST).plusYears(7).toInstant());
        OperatorDesk.Reply r = admin.post("/api/retention/run",
                OperatorDesk.body().put("job", "provisions").put("reason", "seven years"));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("erased").path("agency.provision").asLong()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM agency.provision WHERE row_ref = 'oldprov-1'")).isZero();
        assertThat(count("SELECT count(*) FROM agency.provision WHERE row_ref = 'newprov-1'")).isEqualTo(1);
        assertThat(r.json().path("vacuumOwed")).isEmpty();
        assertThat(filesContain("agency.provision", "oldprov-1")).as("the erased row in the table's files").isFalse();
        assertThat(filesContain("agency.provision", "newprov-1")).isTrue();
    }

    @Test
    @Order(4)
    void anAuditArchivePastItsPeriodIsErasedByTheScheduledRun() throws Exception {
        assertThat(Files.exists(archive)).isTrue();
        gw.gateway.bean("retentionAuditArchives", RetentionTimer.class).tick();

        assertThat(Files.exists(archive)).isFalse();
        assertThat(count("SELECT count(*) FROM audit.export WHERE erased_at IS NOT NULL")).isEqualTo(1);
        assertThat(gw.queryString("SELECT trigger || '|' || counts FROM retention.run WHERE job = 'audit-archives' "
                + "ORDER BY started_at DESC LIMIT 1")).isEqualTo("SCHEDULED|audit.export=1");
        assertThat(audit("audit-archives")).endsWith("erased audit.export=1").contains("ERASED|R000|-|-|scheduled|");
        // the same day's slot is taken: not again until tomorrow
        gw.gateway.bean("retentionAuditArchives", RetentionTimer.class).tick();
        assertThat(count("SELECT count(*) FROM retention.run WHERE job = 'audit-archives' AND started_at > now()")).isEqualTo(1);
    }

    @Test
    @Order(5)
    void historyAndDeletedPersonsPast150YearsAreErasedIrrecoverablyTheFlaggedAndYoungerKept() throws Exception {
        assertThat(filesContain("honnin.resident_history", erased)).isTrue();
        assertThat(filesContain("honnin.resident", erased)).isTrue();
        clock.moveTo(middle.atZone(RetentionRules.JST).plusYears(150).toInstant());

        OperatorDesk.Run run = desk.cli(OperatorDesk.ADMIN, "retention", "run", "history", "--reason", "施行令30条の6");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("retention history: ").contains("OPERATOR " + OperatorDesk.ADMIN + " DONE")
                .contains("erased honnin.resident_history 2, fuhyo.person_history 1, honnin.resident 1, fuhyo.person 0 "
                        + "(kept by retention flag 3)");
        assertThat(count("SELECT count(*) FROM honnin.resident_history WHERE juminhyo_code = ?", erased)).isZero();
        assertThat(count("SELECT count(*) FROM honnin.resident WHERE juminhyo_code = ?", erased)).isZero();
        assertThat(count("SELECT count(*) FROM honnin.resident_history WHERE juminhyo_code = ?", flagged)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM honnin.resident WHERE juminhyo_code = ? AND deleted", flagged)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM honnin.resident_history WHERE juminhyo_code = ?", young)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM fuhyo.person_history")).isZero();
        // gone from the files, not only from the rows
        assertThat(filesContain("honnin.resident_history", erased)).isFalse();
        assertThat(filesContain("honnin.resident", erased)).isFalse();
        assertThat(filesContain("honnin.resident_history", flagged)).isTrue();
        assertThat(audit("history")).startsWith("ERASED|R000|" + OperatorDesk.ADMIN + "|" + OperatorDesk.TERMINAL + "|施行令30条の6|")
                .contains("(150 years); erased honnin.resident_history=2, fuhyo.person_history=1, honnin.resident=1, "
                        + "fuhyo.person=0; kept by retention flag 3")
                .doesNotContain(erased).doesNotContain("消去");
    }

    @Test
    @Order(6)
    void theStatusShowsEachJobWithItsLastRun() throws Exception {
        OperatorDesk.Run status = desk.cli(OperatorDesk.ADMIN, "retention", "status");

        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("history            off period 150 years")
                .contains("audit-archives     on  period 7 years")
                .contains("erased honnin.accepted_request 7, fuhyo.accepted_request 2")
                .contains("SCHEDULED");
        assertThat(status.out().lines().filter(l -> l.startsWith("  ")).filter(l -> !l.startsWith("      ")).count()).isEqualTo(4);
    }

    @Test
    @Order(7)
    void theConsolePageShowsTheJobsAndRunsOne() throws Exception {
        Browser.assumeAvailable();
        try (Browser b = Browser.as(Identities.operator(OperatorDesk.ADMIN), desk.origin())) {
            WebDriver d = b.get("/console/login");
            d.findElement(By.id("terminal")).sendKeys(OperatorDesk.TERMINAL);
            d.findElement(By.id("password")).sendKeys(OperatorDesk.PASSWORD);
            d.findElement(By.cssSelector("#login button[type=submit]")).click();
            await().atMost(Duration.ofSeconds(20)).until(() -> d.findElements(By.id("roles")).size() == 1);
            b.get("/console/retention");
            new Select(d.findElement(By.id("job"))).selectByValue("provisions");
            d.findElement(By.id("reason")).sendKeys("console check");
            d.findElement(By.cssSelector("#retention-run button[type=submit]")).click();
            await().atMost(Duration.ofSeconds(20)).until(() -> d.findElements(By.id("jobs")).size() == 1
                    && d.findElement(By.id("job-provisions")).getText().contains("OPERATOR"));
            assertThat(d.findElement(By.id("job-history")).getText()).contains("150年").contains("honnin.resident_history 2");
            b.screenshot(Path.of("docs", "console", "retention.png"));
        }
        assertThat(count("SELECT count(*) FROM audit.record WHERE msg_type = 'RETENTION_ERASE' AND reason = 'console check'"))
                .isEqualTo(1);
    }

    /**
     * Whether {@code text} is anywhere in the files of {@code table} and its indexes once everything is written to
     * them (CHECKPOINT): the files, not the rows — a deleted row is invisible to SELECT long before it leaves the disk.
     */
    private static boolean filesContain(String table, String text) throws Exception {
        List<Path> files = new ArrayList<>();
        try (Connection owner = gw.gateway.database().dataSource().getConnection(); Statement s = owner.createStatement()) {
            s.execute("CHECKPOINT");
            try (ResultSet rs = s.executeQuery("SELECT pg_relation_filepath(c.oid) FROM pg_class c WHERE c.oid = '" + table
                    + "'::regclass OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = '" + table + "'::regclass)")) {
                while (rs.next()) {
                    Path main = gw.data.resolve("pg").resolve(rs.getString(1));
                    for (int segment = 0; ; segment++) {
                        Path f = segment == 0 ? main : Path.of(main + "." + segment);
                        if (!Files.exists(f)) {
                            break;
                        }
                        files.add(f);
                    }
                }
            }
        }
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        for (Path f : files) {
            byte[] hay = Files.readAllBytes(f);
            outer:
            for (int i = 0; i <= hay.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (hay[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
        }
        return false;
    }
}
