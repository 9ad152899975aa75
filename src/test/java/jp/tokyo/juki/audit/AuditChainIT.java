package jp.tokyo.juki.audit;

import static jp.tokyo.juki.testkit.Messages.person;
import static jp.tokyo.juki.testkit.Messages.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * R-AUD-VERIFY and R-AUD-PERSON: the audit record of a real gateway's traffic is a hash chain with
 * signed checkpoints. {@code ./gateway audit verify} passes it untouched and names the first record
 * changed, removed or inserted by someone with write access to the table (each tampering is undone
 * after its test); {@code audit query} lists one person's exchanges; {@code audit export} writes a
 * self-verifying archive linked to the previous one into the gateway's export directory, and
 * {@code audit trim} removes its records with the table's chain still verifying. The commands are
 * clients of the operator API, run by an auditor (each run logs in, so its own records — login,
 * request — follow whatever a test tampered with); {@code audit verify --archive} runs offline.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditChainIT {
    private static final String AUDITOR = "auditor-1";
    private static final String OFFICER = "disclosure-officer-3";
    private static final String MAINTAINER = "maint-2";
    private static final Pattern ARCHIVE = Pattern.compile("archive (\\S+), SHA-256 ([0-9a-f]{64}), on the gateway's host at (.+)");
    private static OperatorDesk desk;
    private static RunningGateway gw;
    private static final List<String> codes = new ArrayList<>();
    private static final String PLANTED_NAME = "監査鎖 花子";

    @BeforeAll
    static void traffic() throws Exception {
        desk = OperatorDesk.start(true, Map.of("juki.audit.checkpoint-seconds", "1"));
        desk.issue(AUDITOR, Role.AUDITOR).issue(OFFICER, Role.AUDITOR).issue(MAINTAINER, Role.MAINTAINER);
        gw = desk.gw;
        try (FrameClient cs = gw.connect(TestPki.CHIYODA)) {
            for (int i = 0; i < 40; i++) {
                ObjectNode p = i == 0 ? Messages.person(TestPki.CHIYODA, Messages.newJuminhyoCode(), Messages.newMyNumber(),
                        PLANTED_NAME, "カンサクサリ ハナコ") : person(TestPki.CHIYODA);
                Request r = update(TestPki.CHIYODA, "MOVE_IN", p);
                Reply reply = cs.send(r).get(30, TimeUnit.SECONDS);
                assertThat(reply.status()).isEqualTo(Status.ACK);
                codes.add(p.get("juminhyoCode").asText());
            }
        }
        // the CS exchanges and the national notices are written, and a checkpoint signs the end
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                gw.queryLong("SELECT count(*) FROM audit.record WHERE line = 'national' AND msg_type = 'HONNIN_NOTICE'") >= 40
                        && gw.queryLong("SELECT seq FROM audit.chain_head")
                        == gw.queryLong("SELECT coalesce(max(seq), 0) FROM audit.checkpoint"));
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    /** What a test may tamper with: the table as it is now (the previous tests' records included). */
    @BeforeEach
    void snapshot() throws Exception {
        execute("DROP TABLE IF EXISTS audit.pristine");
        execute("CREATE TABLE audit.pristine AS SELECT * FROM audit.record");
    }

    /**
     * Puts back what a test tampered with, and keeps what the gateway wrote meanwhile (each command's
     * login, request and outcome, appended after the tampering), right after the snapshot's records;
     * where a test moved the chain's head, those are moved back and the checkpoints after the snapshot
     * dropped (the gateway signs the head again).
     */
    @AfterEach
    void restore() throws Exception {
        long moved;
        try (Connection c = owner(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("LOCK TABLE audit.chain_head, audit.checkpoint IN ACCESS EXCLUSIVE MODE");
            long last = scalar(s, "SELECT coalesce(max(seq), 0) FROM audit.pristine");
            s.execute("DELETE FROM audit.record WHERE seq <= " + last + " OR seq IS NULL "
                    + "OR event_id IN (SELECT event_id FROM audit.pristine)");
            s.execute("INSERT INTO audit.record SELECT * FROM audit.pristine");
            moved = scalar(s, "SELECT coalesce(min(seq), " + (last + 1) + ") - " + (last + 1) + " FROM audit.record WHERE seq > " + last);
            if (moved != 0) {
                s.execute("UPDATE audit.record SET seq = -seq WHERE seq > " + last);
                s.execute("UPDATE audit.record SET seq = -seq - " + moved + " WHERE seq < 0");
                s.execute("UPDATE audit.chain_head SET seq = seq - " + moved);
                s.execute("DELETE FROM audit.checkpoint WHERE seq > " + last);
            }
            c.commit();
        }
        if (moved != 0) {
            // a checkpoint of the head as it was, read just before the lock, is dropped too
            Thread.sleep(300);
            execute("DELETE FROM audit.checkpoint WHERE seq > (SELECT seq FROM audit.chain_head)");
        }
    }

    private static long scalar(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Order(1)
    void theUntouchedRecordVerifies() throws Exception {
        StringWriter out = new StringWriter();

        assertThat(cli(out, "audit", "verify")).isEqualTo(0);

        // the records before the verification's own record (those after it: the logout)
        long records = gw.queryLong("SELECT count(*) FROM audit.record WHERE seq < "
                + "(SELECT max(seq) FROM audit.record WHERE msg_type = 'AUDIT_VERIFY')");
        assertThat(out.toString()).contains("audit chain intact: " + String.format("%,d", records) + " records")
                .containsPattern("[1-9]\\d* signed checkpoint");
        StringWriter today = new StringWriter();
        assertThat(cli(today, "audit", "verify", "--from", LocalDate.now(ZoneId.of("Asia/Tokyo")).toString(),
                "--to", Instant.now().plusSeconds(60).toString())).isEqualTo(0);
        assertThat(today.toString()).contains("audit chain intact");
        StringWriter badTime = new StringWriter();
        assertThat(cli(badTime, "audit", "verify", "--from", "yesterday")).isEqualTo(3);
        // the refusal is recorded: from now on it belongs to the chain the tampering tests restore
        assertThat(gw.queryString("SELECT status || '/' || code || '/' || detail FROM audit.record "
                + "WHERE msg_type = 'AUDIT_VERIFY' AND status = 'REFUSED'"))
                .isEqualTo("REFUSED/V400/from/to must be an ISO date-time (2026-11-27T09:00:00+09:00) or a date (2026-11-27)");
        // and so is each verification, with the auditor and the terminal
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'AUDIT_VERIFY' AND status = 'INTACT' "
                + "AND operator_id = ? AND terminal_id = ? AND peer = ?", AUDITOR, OperatorDesk.TERMINAL, "operator:" + AUDITOR))
                .isEqualTo(2);
        awaitSignedHead();
        execute("DROP TABLE audit.pristine");
        execute("CREATE TABLE audit.pristine AS SELECT * FROM audit.record");
    }

    @Test
    @Order(2)
    void aChangedRecordIsNamed() throws Exception {
        long seq = seqOf("HONNIN_UPDATE", 5);
        execute("UPDATE audit.record SET status = 'NACK' WHERE seq = " + seq);

        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify")).isEqualTo(1);
        assertThat(out.toString()).contains("AUDIT CHAIN BROKEN: record seq " + seq + " (event ")
                .contains("was changed");
    }

    @Test
    @Order(2)
    void aCsEnvelopesOperatorOrTerminalChangedInTheRecordIsNamed() throws Exception {
        long seq = seqOf("HONNIN_UPDATE", 6);
        assertThat(gw.queryString("SELECT operator_id || '/' || terminal_id FROM audit.record WHERE seq = ?", seq))
                .isEqualTo("op-0001/term-01");
        for (String change : List.of("operator_id = 'op-0002'", "terminal_id = NULL", "reason = 'added later'")) {
            execute("UPDATE audit.record SET " + change + " WHERE seq = " + seq);

            StringWriter out = new StringWriter();
            assertThat(cli(out, "audit", "verify")).as(change).isEqualTo(1);
            assertThat(out.toString()).as(change).contains("AUDIT CHAIN BROKEN: record seq " + seq + " (event ")
                    .contains("was changed");
            restore();
        }
    }

    @Test
    @Order(3)
    void aDeletedRecordIsNamed() throws Exception {
        long seq = seqOf("HONNIN_UPDATE", 7);
        execute("DELETE FROM audit.record WHERE seq = " + seq);

        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify")).isEqualTo(1);
        assertThat(out.toString()).contains("AUDIT CHAIN BROKEN: record seq " + seq + " was removed");
    }

    @Test
    @Order(4)
    void aDeletedRecordWhoseSuccessorsWereRenumberedIsFound() throws Exception {
        long seq = seqOf("HONNIN_UPDATE", 9);
        execute("DELETE FROM audit.record WHERE seq = " + seq);
        execute("UPDATE audit.record SET seq = -seq WHERE seq > " + seq);
        execute("UPDATE audit.record SET seq = -seq - 1 WHERE seq < 0");

        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify")).isEqualTo(1);
        assertThat(out.toString()).contains("AUDIT CHAIN BROKEN: the chain is broken before record seq " + seq)
                .contains("a record was removed there");
    }

    @Test
    @Order(5)
    void anInsertedRecordIsNamedEvenWithACorrectHashAndRenumberedSuccessors() throws Exception {
        long before = seqOf("HONNIN_UPDATE", 11);
        byte[] prev = bytes("SELECT hash FROM audit.record WHERE seq = " + before);
        AuditEvent forged = new AuditEvent(UUID.randomUUID(), AuditChain.stored(Instant.now()), "cs", "in", "cs-131016",
                "HONNIN_UPDATE", "FORGED-1", "131016", "ACK", "OK", null, List.of("00"), null, null, null);
        byte[] hash = AuditChain.link(AuditChain.sha256(), prev, forged);
        execute("UPDATE audit.record SET seq = -seq WHERE seq > " + before);
        execute("UPDATE audit.record SET seq = -seq + 1 WHERE seq < 0");
        // and the chain's head moved along, so the gateway goes on appending (and nobody notices but verify)
        execute("UPDATE audit.chain_head SET seq = seq + 1");
        try (Connection c = owner(); PreparedStatement ps = c.prepareStatement("INSERT INTO audit.record (seq, prev_hash, "
                + "hash, event_id, at, line, direction, peer, msg_type, msg_id, sender, status, code, persons) "
                + "VALUES (?,?,?,?,?,'cs','in','cs-131016','HONNIN_UPDATE','FORGED-1','131016','ACK','OK','{00}')")) {
            ps.setLong(1, before + 1);
            ps.setBytes(2, prev);
            ps.setBytes(3, hash);
            ps.setObject(4, forged.eventId());
            ps.setObject(5, OffsetDateTime.ofInstant(forged.at(), ZoneOffset.UTC));
            ps.executeUpdate();
        }

        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify")).isEqualTo(1);
        assertThat(out.toString()).contains("AUDIT CHAIN BROKEN: record seq " + (before + 1) + " (event " + forged.eventId())
                .contains("was inserted");
    }

    @Test
    @Order(6)
    void aRecordAddedWithoutThePlaceInTheChainIsFound() throws Exception {
        execute("INSERT INTO audit.record (event_id, at, line, direction, msg_type) "
                + "VALUES (gen_random_uuid(), now(), 'cs', 'in', 'HONNIN_UPDATE')");

        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify")).isEqualTo(1);
        assertThat(out.toString()).contains("is not in the chain: inserted outside the gateway");
    }

    @Test
    @Order(7)
    void aChainRewrittenWithRecomputedHashesEndsAtTheWrongSignedHash() throws Exception {
        long seq = seqOf("HONNIN_UPDATE", 13);
        execute("UPDATE audit.record SET status = 'NACK' WHERE seq = " + seq);
        rechainFrom(seq);

        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify")).isEqualTo(1);
        assertThat(out.toString()).contains("AUDIT CHAIN BROKEN: the chain was rewritten before seq");
    }

    @Test
    @Order(8)
    void recordsRemovedFromTheEndAreFound() throws Exception {
        long head = gw.queryLong("SELECT max(seq) FROM audit.record");
        execute("DELETE FROM audit.record WHERE seq > " + (head - 3));

        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify")).isEqualTo(1);
        // the records of the verifying request itself (login, request) follow the removed ones now: a gap
        assertThat(out.toString()).contains("AUDIT CHAIN BROKEN: records seq " + (head - 2) + " to " + head + " were removed");
    }

    @Test
    @Order(9)
    void onePersonsHistoryListsWhoSentAndWhoWasToldAndTheQueryIsAudited() throws Exception {
        String code = codes.get(0);
        StringWriter out = new StringWriter();

        assertThat(cliAs(OFFICER, out, "audit", "query", "--juminhyo-code", code, "--reason", "開示請求 R8-0042")).isEqualTo(0);

        String hash = PersonHasher.fromKeyFile(TestPki.dir().resolve("audit-hmac.key")).hash(code);
        assertThat(out.toString()).contains("person " + hash).contains("HONNIN_UPDATE").contains("cs-131016")
                .contains("HONNIN_NOTICE").contains("national").doesNotContain(code).doesNotContain(PLANTED_NAME);
        // the CS envelope's operator and terminal, where the exchange named them
        assertThat(out.toString().lines().filter(l -> l.contains("HONNIN_UPDATE")).findFirst().orElseThrow())
                .endsWith("  operator op-0001 terminal term-01");
        assertThat(out.toString().lines().filter(l -> l.contains("HONNIN_NOTICE")).findFirst().orElseThrow())
                .doesNotContain("operator");
        await().atMost(Duration.ofSeconds(5)).until(() -> gw.queryLong("SELECT count(*) FROM audit.record WHERE "
                + "msg_type = 'AUDIT_QUERY' AND peer = 'operator:disclosure-officer-3' AND persons @> ARRAY[?]::text[] "
                + "AND detail = '開示請求 R8-0042' AND operator_id = 'disclosure-officer-3' AND reason = '開示請求 R8-0042' "
                + "AND terminal_id = ?", hash, OperatorDesk.TERMINAL) == 1);
        execute("DROP TABLE audit.pristine");
        execute("CREATE TABLE audit.pristine AS SELECT * FROM audit.record");

        StringWriter refused = new StringWriter();
        assertThat(cliAs(OFFICER, refused, "audit", "query", "--juminhyo-code", code.substring(0, 10) + "x",
                "--reason", "r")).isEqualTo(3);
        // the refusal is recorded, naming the field and not the value
        assertThat(gw.queryString("SELECT status || '/' || code || '/' || peer || '/' || operator_id || '/' || detail "
                + "|| '/' || coalesce(reason, '-') FROM audit.record WHERE msg_type = 'AUDIT_QUERY' AND status = 'REFUSED'"))
                .isEqualTo("REFUSED/V400/operator:" + OFFICER + "/" + OFFICER
                        + "/the 住民票コード must be 11 digits with a valid check digit/-");
        assertThat(refused.toString()).contains("the 住民票コード must be 11 digits with a valid check digit")
                .doesNotContain(code.substring(0, 10));
        awaitSignedHead();
        execute("DROP TABLE audit.pristine");
        execute("CREATE TABLE audit.pristine AS SELECT * FROM audit.record");
    }

    @Test
    @Order(10)
    void anExportVerifiesByItselfLinksToThePreviousOneAndLetsTheTableBeTrimmed() throws Exception {
        awaitSignedHead();
        StringWriter out = new StringWriter();

        assertThat(cli(out, "audit", "export", "--reason", "monthly archive")).as(out.toString()).isEqualTo(0);
        long lastOfFirst = gw.queryLong("SELECT max(last_seq) FROM audit.export");
        Path first = exported(out.toString());
        assertThat(out.toString()).containsPattern("exported [\\d,]+ records \\(seq 1 to " + lastOfFirst + "\\) to "
                + first.getFileName());
        // written by the gateway into its export directory, which only it may read
        assertThat(first.getParent()).isEqualTo(gw.data.resolve("audit-exports"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.getParent()))).isEqualTo("rwx------");
        assertThat(offline(out, "audit", "verify", "--archive", first.toString())).isEqualTo(0);
        assertThat(out.toString()).contains("archive intact").contains("the first export");
        try (ZipFile zip = new ZipFile(first.toFile())) {
            assertThat(new String(zip.getInputStream(zip.getEntry("records.jsonl")).readAllBytes(), StandardCharsets.UTF_8))
                    .contains("\"operator\":\"op-0001\",\"terminal\":\"term-01\",\"reason\":null");
        }
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'AUDIT_EXPORT' AND status = 'EXPORTED' "
                + "AND operator_id = ? AND terminal_id = ? AND reason = 'monthly archive'", AUDITOR, OperatorDesk.TERMINAL))
                .isEqualTo(1);

        // more traffic, a second export continuing the first
        try (FrameClient cs = gw.connect(TestPki.CHIYODA)) {
            assertThat(cs.send(update(TestPki.CHIYODA, "MOVE_IN", person(TestPki.CHIYODA))).get(30, TimeUnit.SECONDS)
                    .status()).isEqualTo(Status.ACK);
        }
        awaitSignedHead();
        StringWriter secondOut = new StringWriter();
        assertThat(cli(secondOut, "audit", "export")).isEqualTo(0);
        Path second = exported(secondOut.toString());
        assertThat(secondOut.toString()).contains("linked to the export ending at seq " + lastOfFirst);
        StringWriter linked = new StringWriter();
        assertThat(offline(linked, "audit", "verify", "--archive", second.toString(), "--previous", first.toString())).isEqualTo(0);
        assertThat(linked.toString()).contains("continues " + first.getFileName());
        StringWriter wrongOrder = new StringWriter();
        assertThat(offline(wrongOrder, "audit", "verify", "--archive", first.toString(), "--previous", second.toString()))
                .isEqualTo(1);

        // a record changed inside an archive is found, even with the ZIP rebuilt
        Path tampered = Files.createTempDirectory("juki-audit-tampered").resolve("tampered.zip");
        rewriteRecord(first, tampered);
        StringWriter broken = new StringWriter();
        assertThat(offline(broken, "audit", "verify", "--archive", tampered.toString())).isEqualTo(1);
        assertThat(broken.toString()).contains("ARCHIVE BROKEN");

        // trimming out of order is refused; in order it removes exactly the archive's records; an archive is named, not a path
        StringWriter trim = new StringWriter();
        assertThat(cli(trim, "audit", "trim", "--archive", "../" + first.getFileName())).isEqualTo(3);
        assertThat(cli(trim, "audit", "trim", "--archive", "no-such-export.zip")).isEqualTo(1);
        assertThat(trim.toString()).contains("not trimmed: no export no-such-export.zip in the gateway's export directory");
        assertThat(cli(trim, "audit", "trim", "--archive", second.getFileName().toString())).isEqualTo(1);
        assertThat(cli(trim, "audit", "trim", "--archive", first.getFileName().toString())).isEqualTo(0);
        assertThat(trim.toString()).contains("removed " + String.format("%,d", lastOfFirst) + " records held by " + first.getFileName());
        assertThat(gw.queryLong("SELECT min(seq) FROM audit.record")).isEqualTo(lastOfFirst + 1);
        assertThat(gw.queryString("SELECT string_agg(status || '/' || coalesce(code, '-'), ',' ORDER BY seq) FROM audit.record "
                + "WHERE msg_type = 'AUDIT_TRIM'")).isEqualTo("REFUSED/V400,REFUSED/V300,REFUSED/V300,TRIMMED/-");
        StringWriter after = new StringWriter();
        assertThat(cli(after, "audit", "verify")).isEqualTo(0);
        assertThat(after.toString()).contains("audit chain intact").contains("(seq " + (lastOfFirst + 1) + " to ");
        execute("DROP TABLE audit.pristine");
        execute("CREATE TABLE audit.pristine AS SELECT * FROM audit.record");
    }

    /** The archive an export printed, checked against the SHA-256 it printed. */
    private static Path exported(String output) throws Exception {
        Matcher m = ARCHIVE.matcher(output);
        assertThat(m.find()).as(output).isTrue();
        Path file = Path.of(m.group(3).strip());
        assertThat(file.getFileName().toString()).isEqualTo(m.group(1)).matches("audit-\\d{10}-\\d{10}\\.zip");
        assertThat(HexFormat.of().formatHex(AuditArchive.sha256(file))).isEqualTo(m.group(2));
        return file;
    }

    @Test
    @Order(11)
    void aMessageDeliveredTwiceIsWrittenOnceAndAnUnreadableOneIsKeptAsADeadLetter() throws Exception {
        String eventId = UUID.randomUUID().toString();
        String json = "[{\"eventId\":\"" + eventId + "\",\"at\":\"" + Instant.now() + "\",\"line\":\"cs\","
                + "\"direction\":\"in\",\"peer\":\"cs-131016\",\"type\":\"PING\",\"messageId\":\"TWICE-1\","
                + "\"sender\":\"131016\",\"status\":\"ACK\",\"code\":\"OK\",\"detail\":null,\"persons\":[]}]";
        try (jakarta.jms.Connection c = gw.brokerConnectionFactory().createConnection()) {
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = session.createProducer(session.createQueue("juki.audit"));
            p.send(session.createTextMessage(json));
            p.send(session.createTextMessage(json));
            p.send(session.createTextMessage("not a list of audit events"));
        }

        await().atMost(Duration.ofSeconds(20)).until(() ->
                gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_id = 'TWICE-1'") == 1 && deadAuditMessages() == 1);
        Thread.sleep(1000);
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE event_id = ?::uuid", eventId)).isEqualTo(1);
        awaitSignedHead();
        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify")).isEqualTo(0);
        execute("DROP TABLE audit.pristine");
        execute("CREATE TABLE audit.pristine AS SELECT * FROM audit.record");
    }

    @Test
    @Order(12)
    void recordsRemovedFromTheStartUpToACheckpointAreFoundUnlessATrimmedExportHoldsThem() throws Exception {
        long first = gw.queryLong("SELECT min(seq) FROM audit.record");
        long checkpoint = gw.queryLong("SELECT max(seq) FROM audit.checkpoint");
        try (FrameClient cs = gw.connect(TestPki.CHIYODA)) {
            assertThat(cs.send(update(TestPki.CHIYODA, "MOVE_IN", person(TestPki.CHIYODA))).get(30, TimeUnit.SECONDS)
                    .status()).isEqualTo(Status.ACK);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> gw.queryLong("SELECT max(seq) FROM audit.checkpoint") > checkpoint);
        // everything up to a signed checkpoint, so the rest still starts at a signature
        execute("DELETE FROM audit.record WHERE seq <= " + checkpoint);

        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify")).isEqualTo(1);
        assertThat(out.toString()).contains("AUDIT CHAIN BROKEN: records seq " + first + " to " + checkpoint
                + " were removed from the start of the table");
    }

    @Test
    @Order(13)
    void aPeriodStartingWhereTheLastRecordsWereRemovedDoesNotVerifyEvenWhenACheckpointSignedThem() throws Exception {
        awaitSignedHead();
        long head = gw.queryLong("SELECT max(seq) FROM audit.record");
        Instant removedFrom = Instant.parse(gw.queryString("SELECT to_char(at AT TIME ZONE 'UTC', "
                + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM audit.record WHERE seq = ?", head - 1));
        execute("DELETE FROM audit.record WHERE seq > " + (head - 2));

        // the checkpoint at the head signed records that are gone: the walk starts before it, across the gap
        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify", "--from", removedFrom.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("records seq " + (head - 1) + " to " + head + " were removed");
    }

    @Test
    @Order(14)
    void onlyAnAuditorMayAskForAPersonsHistoryAndTheRefusalIsAudited() throws Exception {
        StringWriter out = new StringWriter();

        assertThat(cliAs(MAINTAINER, out, "audit", "query", "--juminhyo-code", codes.get(1), "--reason", "curious")).isEqualTo(1);

        assertThat(out.toString()).contains("P403: none of your roles may AUDIT_PERSON").doesNotContain(codes.get(1));
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'API_REFUSED' AND code = 'P403' "
                + "AND operator_id = ? AND detail = 'AUDIT_PERSON'", MAINTAINER)).isEqualTo(1);
        assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'AUDIT_QUERY' AND operator_id = ?",
                MAINTAINER)).isZero();
    }

    private static int deadAuditMessages() throws Exception {
        try (jakarta.jms.Connection c = gw.brokerConnectionFactory().createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            return Collections.list(session.createBrowser(session.createQueue("DLQ.juki.audit")).getEnumeration()).size();
        }
    }

    private static void awaitSignedHead() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                gw.queryLong("SELECT seq FROM audit.chain_head") == gw.queryLong("SELECT max(seq) FROM audit.checkpoint"));
    }

    /** Rewrites the records from {@code seq} on with hashes recomputed, as someone who knows the scheme would. */
    private static void rechainFrom(long seq) throws Exception {
        try (Connection c = owner()) {
            c.setAutoCommit(false);
            byte[] prev = bytes(c, "SELECT hash FROM audit.record WHERE seq = " + (seq - 1));
            List<Object[]> updates = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM audit.record WHERE seq >= ? ORDER BY seq")) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        AuditEvent e = new AuditEvent(rs.getObject("event_id", UUID.class),
                                rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("line"),
                                rs.getString("direction"), rs.getString("peer"), rs.getString("msg_type"),
                                rs.getString("msg_id"), rs.getString("sender"), rs.getString("status"), rs.getString("code"),
                                rs.getString("detail"), List.of((String[]) rs.getArray("persons").getArray()),
                                rs.getString("operator_id"), rs.getString("terminal_id"), rs.getString("reason"));
                        byte[] hash = AuditChain.link(AuditChain.sha256(), prev, e);
                        updates.add(new Object[]{rs.getLong("seq"), prev, hash});
                        prev = hash;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit.record SET prev_hash = ?, hash = ? WHERE seq = ?")) {
                for (Object[] u : updates) {
                    ps.setBytes(1, (byte[]) u[1]);
                    ps.setBytes(2, (byte[]) u[2]);
                    ps.setLong(3, (Long) u[0]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    /** Copies an archive with one record's status changed in records.jsonl (everything else as it was). */
    private static void rewriteRecord(Path from, Path to) throws Exception {
        try (ZipFile in = new ZipFile(from.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry e : Collections.list(in.entries())) {
                byte[] content = in.getInputStream(e).readAllBytes();
                if (e.getName().equals("records.jsonl")) {
                    content = new String(content, StandardCharsets.UTF_8)
                            .replaceFirst("\"status\":\"ACK\"", "\"status\":\"NACK\"").getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(content);
                out.closeEntry();
            }
        }
    }

    private static long seqOf(String type, int nth) throws Exception {
        return gw.queryLong("SELECT seq FROM audit.record WHERE msg_type = ? ORDER BY seq OFFSET ? LIMIT 1", type, nth);
    }

    private static byte[] bytes(String sql) throws Exception {
        try (Connection c = owner()) {
            return bytes(c, sql);
        }
    }

    private static byte[] bytes(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBytes(1);
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = owner(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Connection owner() throws Exception {
        return gw.gateway.database().dataSource().getConnection();
    }

    /** {@code ./gateway ARGS} as the auditor, through the operator API; stdout and stderr into {@code out}. */
    private static int cli(StringWriter out, String... args) throws Exception {
        return cliAs(AUDITOR, out, args);
    }

    private static int cliAs(String operator, StringWriter out, String... args) throws Exception {
        OperatorDesk.Run r = desk.cli(operator, args);
        out.write(r.out());
        out.write(r.err());
        return r.exit();
    }

    /** {@code ./gateway ARGS} on the host without a login (audit verify --archive: only the file and the CA). */
    private static int offline(StringWriter out, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--set", "juki.keystores.dir=" + TestPki.dir()));
        OperatorDesk.Run r = OperatorDesk.run(all.toArray(String[]::new));
        out.write(r.out());
        out.write(r.err());
        return r.exit();
    }
}
