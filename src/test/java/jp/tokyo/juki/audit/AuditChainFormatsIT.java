package jp.tokyo.juki.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.security.CmsSignatures;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.security.RevocationList;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.MessageType;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The audit chain across V14 (docs/decisions.md, the audit chain's format 2), on a real PostgreSQL:
 * records written as the gateway wrote them before V14 (V13's columns, format 1, signed at a
 * checkpoint), then the migration, then records appended as the gateway writes them now (format 2
 * when they name an operator, terminal or reason; format 1 otherwise) form one chain that
 * {@code audit verify} ({@link ChainVerifier}) and an export ({@link AuditArchive}) verify. A
 * format-2 record's operator, terminal or reason changed in the table or in an archive is named.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditChainFormatsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final int BEFORE_V14 = 6;
    private static Path dir;
    private static EmbeddedPostgres pg;
    private static String url;
    private static RevocationList ca;
    private static KeyMaterial.Signer gateway;

    @BeforeAll
    static void chainAcrossTheMigration() throws Exception {
        dir = Files.createTempDirectory("juki-audit-formats");
        int port = Ports.free();
        pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).setPort(port)
                .setServerConfig("shared_buffers", "32MB").setPGStartupWait(Duration.ofSeconds(60)).start();
        url = "jdbc:postgresql://localhost:" + port + "/postgres";
        ca = RevocationList.of(TestPki.dir());
        gateway = TestPki.keys().signer(Identities.GATEWAY);
        migrate("13");
        writeAsBeforeV14();
        checkpoint();
        migrate(null);
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            AuditChain.append(c, List.of(
                    cs("op-0001", "term-01", "HONNIN_UPDATE"),
                    AuditEvent.of(null, AuditEvent.out(AuditLine.NATIONAL, "national", MessageType.HONNIN_NOTICE).id("N-1")),
                    cs("op-0002", "term-02", "FUHYO_UPDATE"),
                    AuditEvent.of(null, AuditEvent.in(AuditLine.OPERATOR, "operator:officer-3", GatewayEvent.AUDIT_QUERY)
                            .status(AuditStatus.ASKED).detail("開示請求 R8-0042").operator("officer-3")
                            .reason("開示請求 R8-0042")),
                    cs(null, null, "PING")));
            c.commit();
        }
        checkpoint();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
        GatewayChild.deleteTree(dir);
    }

    @Test
    @Order(1)
    void recordsWrittenBeforeV14AndAfterItVerifyAsOneChain() throws Exception {
        ChainVerifier.Verdict v = verify();

        assertThat(v.problem()).isNull();
        assertThat(v.records()).isEqualTo(BEFORE_V14 + 5);
        assertThat(v.checkpoints()).isEqualTo(2);
        // format 1 before the migration, then both formats after it
        assertThat(scalar("SELECT string_agg(CASE WHEN operator_id IS NULL AND terminal_id IS NULL AND reason IS NULL "
                + "THEN '1' ELSE '2' END, '' ORDER BY seq) FROM audit.record")).isEqualTo("1".repeat(BEFORE_V14) + "21221");
        assertThat(scalar("SELECT concat_ws('/', operator_id, terminal_id, reason) FROM audit.record "
                + "WHERE msg_type = 'AUDIT_QUERY'")).isEqualTo("officer-3/開示請求 R8-0042");
    }

    @Test
    @Order(2)
    void aChangedOperatorTerminalOrReasonOfAFormat2RecordIsNamedByAuditVerify() throws Exception {
        long update = seq("msg_id = 'NEW-HONNIN_UPDATE-op-0001'");
        long query = seq("msg_type = 'AUDIT_QUERY'");
        for (String change : List.of("operator_id = 'op-9999'", "terminal_id = 'term-99'", "operator_id = NULL",
                "operator_id = NULL, terminal_id = NULL, reason = NULL")) {
            assertNamed(update, change);
        }
        assertNamed(query, "reason = '別の理由'");
        assertNamed(query, "reason = NULL");
    }

    @Test
    @Order(3)
    void anOperatorOrReasonAddedToARecordWrittenBeforeV14IsNamed() throws Exception {
        long old = seq("msg_id = 'OLD-3'");
        assertNamed(old, "operator_id = 'op-0001'");
        assertNamed(old, "reason = ''");
    }

    @Test
    @Order(4)
    void anExportOfBothFormatsVerifiesCarriesTheOperatorAndIsTrimmed() throws Exception {
        Path archive = dir.resolve("audit-1.zip");
        AuditArchive.Manifest m;
        try (Connection c = connect()) {
            m = AuditArchive.export(c, ca, archive, null, gateway.key(), gateway.certificate());
        }
        assertThat(m.records()).isEqualTo(BEFORE_V14 + 5);

        assertThat(AuditArchive.verify(archive, ca, null).lastSeq()).isEqualTo(m.lastSeq());
        String records = entry(archive, "records.jsonl");
        assertThat(records).contains("\"operator\":\"op-0001\",\"terminal\":\"term-01\",\"reason\":null")
                .contains("\"operator\":\"officer-3\",\"terminal\":null,\"reason\":\"開示請求 R8-0042\"");
        assertThat(entry(archive, "manifest.json")).contains("\"format\" : \"" + AuditArchive.FORMAT + "\"");

        // a record's operator changed in the archive: its signed manifest no longer describes it
        Path changed = rewrite(archive, "changed.zip", r -> r.replace("\"op-0001\"", "\"op-9999\""), false, null);
        assertThatThrownBy(() -> AuditArchive.verify(changed, ca, null)).isInstanceOf(AuditArchive.Refused.class)
                .hasMessageContaining("records.jsonl is not the file the signed manifest describes");
        // even with the manifest signed again by the gateway's key, the record no longer matches its hash
        long update = seq("msg_id = 'NEW-HONNIN_UPDATE-op-0001'");
        Path resigned = rewrite(archive, "resigned.zip", r -> r.replace("\"op-0001\"", "\"op-9999\""), true, null);
        assertThatThrownBy(() -> AuditArchive.verify(resigned, ca, null)).isInstanceOf(AuditArchive.Refused.class)
                .hasMessageContaining("record seq " + update + " (event ").hasMessageContaining("was changed");
        long query = seq("msg_type = 'AUDIT_QUERY'");
        Path reason = rewrite(archive, "reason.zip", r -> r.replace("\"reason\":\"開示請求 R8-0042\"", "\"reason\":null"),
                true, null);
        assertThatThrownBy(() -> AuditArchive.verify(reason, ca, null)).isInstanceOf(AuditArchive.Refused.class)
                .hasMessageContaining("record seq " + query + " (event ").hasMessageContaining("was changed");
        // records as an archive of format 1 held them, before V14 (no operator, terminal or reason members)
        Path formatOne = rewrite(archive, "format-1.zip", r -> r.replace(",\"operator\":null,\"terminal\":null,"
                + "\"reason\":null", ""), true, "juki-audit-export/1");
        assertThat(entry(formatOne, "records.jsonl")).contains("OLD-1")
                .doesNotContain("\"operator\":null");
        assertThat(AuditArchive.verify(formatOne, ca, null).records()).isEqualTo(m.records());

        try (Connection c = connect()) {
            assertThat(AuditArchive.trim(c, archive, ca)).isEqualTo(m.records());
            // the chain goes on in the table after the archive's last signed record
            c.setAutoCommit(false);
            AuditChain.append(c, List.of(cs("op-0003", "term-03", "HONNIN_UPDATE")));
            c.commit();
        }
        checkpoint();
        ChainVerifier.Verdict after = verify();
        assertThat(after.problem()).isNull();
        assertThat(after.records()).isEqualTo(1);
        assertThat(after.firstSeq()).isEqualTo(m.lastSeq() + 1);
    }

    /** Applies {@code change} to record {@code seq} and expects audit verify to name it; then puts it back. */
    private static void assertNamed(long seq, String change) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE audit.kept AS SELECT * FROM audit.record WHERE seq = " + seq);
            try {
                s.execute("UPDATE audit.record SET " + change + " WHERE seq = " + seq);

                ChainVerifier.Verdict v = verify();

                assertThat(v.problem()).as(change).startsWith("record seq " + seq + " (event ").contains("was changed");
            } finally {
                s.execute("DELETE FROM audit.record WHERE seq = " + seq);
                s.execute("INSERT INTO audit.record SELECT * FROM audit.kept");
                s.execute("DROP TABLE audit.kept");
            }
        }
        assertThat(verify().problem()).isNull();
    }

    /** Records as a gateway before V14 wrote them: V13's columns, each hashed in format 1. */
    private static void writeAsBeforeV14() throws Exception {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            byte[] prev = AuditChain.GENESIS;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit.record (seq, prev_hash, hash, event_id, at, "
                    + "line, direction, peer, msg_type, msg_id, sender, status, code, detail, persons) "
                    + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                for (int i = 1; i <= BEFORE_V14; i++) {
                    AuditEvent e = new AuditEvent(UUID.randomUUID(), AuditChain.stored(Instant.now()), "cs", "in",
                            "cs-131016", "HONNIN_UPDATE", "OLD-" + i, "131016", "ACK", "I000", null,
                            List.of("ab".repeat(32)), null, null, null);
                    assertThat(AuditChain.format(e)).isEqualTo(AuditChain.FORMAT_1);
                    byte[] hash = AuditChain.link(AuditChain.sha256(), prev, e);
                    ps.setLong(1, i);
                    ps.setBytes(2, prev);
                    ps.setBytes(3, hash);
                    ps.setObject(4, e.eventId());
                    ps.setObject(5, OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC));
                    ps.setString(6, e.line());
                    ps.setString(7, e.direction());
                    ps.setString(8, e.peer());
                    ps.setString(9, e.type());
                    ps.setString(10, e.messageId());
                    ps.setString(11, e.sender());
                    ps.setString(12, e.status());
                    ps.setString(13, e.code());
                    ps.setString(14, e.detail());
                    ps.setArray(15, c.createArrayOf("text", e.persons().toArray()));
                    ps.executeUpdate();
                    prev = hash;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit.chain_head SET seq = ?, hash = ?")) {
                ps.setLong(1, BEFORE_V14);
                ps.setBytes(2, prev);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    private static AuditEvent cs(String operator, String terminal, String type) {
        return AuditEvent.of(null, AuditEvent.in(AuditLine.CS, "cs-131016", MessageType.valueOf(type))
                .id("NEW-" + type + (operator == null ? "" : "-" + operator)).sender("131016").status(AuditStatus.ACK).code("I000").operator(operator)
                .terminal(terminal));
    }

    private static void migrate(String target) {
        var flyway = Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration");
        (target == null ? flyway : flyway.target(target)).load().migrate();
    }

    private static void checkpoint() throws SQLException {
        assertThat(new AuditCheckpoints(pg.getPostgresDatabase(), gateway.key(), gateway.certificate(),
                Duration.ofMinutes(1)).checkpoint()).isPositive();
    }

    private static ChainVerifier.Verdict verify() throws SQLException {
        try (Connection c = connect()) {
            return new ChainVerifier(c, ca).verify(null, null);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "postgres", "");
    }

    private static long seq(String where) throws SQLException {
        return Long.parseLong(scalar("SELECT seq FROM audit.record WHERE " + where));
    }

    private static String scalar(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String entry(Path zip, String name) throws Exception {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return new String(z.getInputStream(z.getEntry(name)).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A copy of {@code from} with records.jsonl rewritten; with {@code resign}, the manifest updated to
     * describe it (and to name {@code format}, when given) and signed again with the gateway's key.
     */
    private static Path rewrite(Path from, String name, UnaryOperator<String> records, boolean resign, String format)
            throws Exception {
        Path to = dir.resolve(name);
        byte[] newRecords;
        byte[] manifest;
        try (ZipFile in = new ZipFile(from.toFile())) {
            newRecords = records.apply(new String(in.getInputStream(in.getEntry("records.jsonl")).readAllBytes(),
                    StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            manifest = in.getInputStream(in.getEntry("manifest.json")).readAllBytes();
            byte[] signature = in.getInputStream(in.getEntry("manifest.p7s")).readAllBytes();
            if (resign) {
                ObjectNode m = (ObjectNode) JSON.readTree(manifest);
                m.put("recordsSha256", HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(newRecords)));
                if (format != null) {
                    m.put("format", format);
                }
                manifest = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
                signature = CmsSignatures.sign(manifest, gateway.key(), gateway.certificate(), false);
            }
            List<ZipEntry> entries = new ArrayList<>(Collections.list(in.entries()));
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
                for (ZipEntry e : entries) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    out.write(switch (e.getName()) {
                        case "records.jsonl" -> newRecords;
                        case "manifest.json" -> manifest;
                        case "manifest.p7s" -> signature;
                        default -> in.getInputStream(e).readAllBytes();
                    });
                    out.closeEntry();
                }
            }
        }
        return to;
    }
}
