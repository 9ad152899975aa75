package jp.tokyo.juki.audit;

import static jp.tokyo.juki.testkit.Messages.person;
import static jp.tokyo.juki.testkit.Messages.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import jp.tokyo.juki.cli.GatewayCli;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * R-AUD-VERIFY and R-AUD-PERSON: the audit record of a real gateway's traffic is a hash chain with
 * signed checkpoints. {@code ./gateway audit verify} passes it untouched and names the first record
 * changed, removed or inserted by someone with write access to the table (each tampering is undone
 * after its test); {@code audit query} lists one person's exchanges; {@code audit export} writes a
 * self-verifying archive linked to the previous one, and {@code audit trim} removes its records
 * with the table's chain still verifying.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditChainIT {
    private static RunningGateway gw;
    private static final List<String> codes = new ArrayList<>();
    private static final String PLANTED_NAME = "監査鎖 花子";

    @BeforeAll
    static void traffic() throws Exception {
        gw = RunningGateway.start(true, Map.of("juki.audit.checkpoint-seconds", "1"));
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
        try (Connection c = owner(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE audit.pristine AS SELECT * FROM audit.record");
        }
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    /** Puts back what a test tampered with. */
    @AfterEach
    void restore() throws Exception {
        try (Connection c = owner(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM audit.record WHERE seq <= (SELECT max(seq) FROM audit.pristine) OR seq IS NULL "
                    + "OR event_id IN (SELECT event_id FROM audit.pristine)");
            s.execute("INSERT INTO audit.record SELECT * FROM audit.pristine p WHERE NOT EXISTS "
                    + "(SELECT 1 FROM audit.record r WHERE r.seq = p.seq)");
        }
    }

    @Test
    @Order(1)
    void theUntouchedRecordVerifies() throws Exception {
        StringWriter out = new StringWriter();

        assertThat(cli(out, "audit", "verify")).isEqualTo(0);

        long records = gw.queryLong("SELECT count(*) FROM audit.record");
        assertThat(out.toString()).contains("audit chain intact: " + String.format("%,d", records) + " records")
                .containsPattern("[1-9]\\d* signed checkpoint");
        StringWriter today = new StringWriter();
        assertThat(cli(today, "audit", "verify", "--from", LocalDate.now(ZoneId.of("Asia/Tokyo")).toString(),
                "--to", Instant.now().plusSeconds(60).toString())).isEqualTo(0);
        assertThat(today.toString()).contains("audit chain intact");
        StringWriter badTime = new StringWriter();
        assertThat(cli(badTime, "audit", "verify", "--from", "yesterday")).isEqualTo(3);
        // the refusal is recorded: from now on it belongs to the chain the tampering tests restore
        assertThat(gw.queryString("SELECT status || '/' || code FROM audit.record WHERE msg_type = 'AUDIT_VERIFY'"))
                .isEqualTo("REFUSED/V400");
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
        assertThat(out.toString()).contains("records seq " + (head - 2) + " to " + head + " were removed from the end");
    }

    @Test
    @Order(9)
    void onePersonsHistoryListsWhoSentAndWhoWasToldAndTheQueryIsAudited() throws Exception {
        String code = codes.get(0);
        StringWriter out = new StringWriter();

        assertThat(cli(out, "audit", "query", "--juminhyo-code", code, "--operator", "disclosure-officer-3",
                "--reason", "開示請求 R8-0042")).isEqualTo(0);

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
                + "AND detail = '開示請求 R8-0042' AND operator_id = 'disclosure-officer-3' AND reason = '開示請求 R8-0042'",
                hash) == 1);
        execute("DROP TABLE audit.pristine");
        execute("CREATE TABLE audit.pristine AS SELECT * FROM audit.record");

        StringWriter refused = new StringWriter();
        assertThat(cli(refused, "audit", "query", "--juminhyo-code", code.substring(0, 10) + "x", "--operator", "o",
                "--reason", "r")).isEqualTo(3);
        // the refusal is recorded, naming the option and not the value
        assertThat(gw.queryString("SELECT status || '/' || code || '/' || peer || '/' || operator_id || '/' || detail "
                + "|| '/' || coalesce(reason, '-') FROM audit.record WHERE msg_type = 'AUDIT_QUERY' AND status = 'REFUSED'"))
                .isEqualTo("REFUSED/V400/operator:o/o/--juminhyo-code must be an 11-digit 住民票コード with a valid check "
                        + "digit/-");
        awaitSignedHead();
        execute("DROP TABLE audit.pristine");
        execute("CREATE TABLE audit.pristine AS SELECT * FROM audit.record");
    }

    @Test
    @Order(10)
    void anExportVerifiesByItselfLinksToThePreviousOneAndLetsTheTableBeTrimmed() throws Exception {
        Path dir = Files.createTempDirectory("juki-audit-export");
        Path first = dir.resolve("audit-1.zip");
        awaitSignedHead();
        StringWriter out = new StringWriter();

        assertThat(cli(out, "audit", "export", "--to", first.toString(), "--operator", "auditor-1")).isEqualTo(0);
        long lastOfFirst = gw.queryLong("SELECT max(last_seq) FROM audit.export");
        assertThat(cli(out, "audit", "verify", "--archive", first.toString())).isEqualTo(0);
        assertThat(out.toString()).contains("archive intact").contains("the first export");
        try (ZipFile zip = new ZipFile(first.toFile())) {
            assertThat(new String(zip.getInputStream(zip.getEntry("records.jsonl")).readAllBytes(), StandardCharsets.UTF_8))
                    .contains("\"operator\":\"op-0001\",\"terminal\":\"term-01\",\"reason\":null");
        }

        // more traffic, a second export continuing the first
        try (FrameClient cs = gw.connect(TestPki.CHIYODA)) {
            assertThat(cs.send(update(TestPki.CHIYODA, "MOVE_IN", person(TestPki.CHIYODA))).get(30, TimeUnit.SECONDS)
                    .status()).isEqualTo(Status.ACK);
        }
        awaitSignedHead();
        Path second = dir.resolve("audit-2.zip");
        assertThat(cli(out, "audit", "export", "--to", second.toString(), "--operator", "auditor-1")).isEqualTo(0);
        StringWriter linked = new StringWriter();
        assertThat(cli(linked, "audit", "verify", "--archive", second.toString(), "--previous", first.toString())).isEqualTo(0);
        assertThat(linked.toString()).contains("continues audit-1.zip");
        StringWriter wrongOrder = new StringWriter();
        assertThat(cli(wrongOrder, "audit", "verify", "--archive", first.toString(), "--previous", second.toString()))
                .isEqualTo(1);

        // a record changed inside an archive is found, even with the ZIP rebuilt
        Path tampered = dir.resolve("tampered.zip");
        rewriteRecord(first, tampered);
        StringWriter broken = new StringWriter();
        assertThat(cli(broken, "audit", "verify", "--archive", tampered.toString())).isEqualTo(1);
        assertThat(broken.toString()).contains("ARCHIVE BROKEN");

        // trimming out of order is refused; in order it removes exactly the archive's records
        StringWriter trim = new StringWriter();
        assertThat(cli(trim, "audit", "trim", "--archive", second.toString(), "--operator", "auditor-1")).isEqualTo(1);
        assertThat(cli(trim, "audit", "trim", "--archive", first.toString(), "--operator", "auditor-1")).isEqualTo(0);
        assertThat(gw.queryLong("SELECT min(seq) FROM audit.record")).isEqualTo(lastOfFirst + 1);
        StringWriter after = new StringWriter();
        assertThat(cli(after, "audit", "verify")).isEqualTo(0);
        assertThat(after.toString()).contains("audit chain intact").contains("(seq " + (lastOfFirst + 1) + " to ");
        execute("DROP TABLE audit.pristine");
        execute("CREATE TABLE audit.pristine AS SELECT * FROM audit.record");
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
    void aPeriodWhoseLastRecordsWereRemovedDoesNotVerify() throws Exception {
        Instant afterEverything = Instant.now().plusSeconds(1);
        long head = gw.queryLong("SELECT max(seq) FROM audit.record");
        execute("DELETE FROM audit.record WHERE seq > " + (head - 2));

        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify", "--from", afterEverything.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("were removed from the end");
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

    private static int cli(StringWriter out, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data", gw.data.toString(), "--set", "juki.keystores.dir=" + TestPki.dir()));
        return new CommandLine(new GatewayCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(out, true))
                .execute(all.toArray(String[]::new));
    }
}
