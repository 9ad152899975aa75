package jp.tokyo.juki.operator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.ChainVerifier;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.TestPki;

/**
 * A real PostgreSQL 17 with the gateway's migrations for the operator ITs (no gateway around it),
 * the operator capability on its own login {@code juki_operator}, a clock the test moves, and the
 * audit records as the owner reads them. Argon2id runs with small memory so the tests stay quick.
 */
final class OperatorDb implements AutoCloseable {
    static final String ADMIN = "admin1";
    static final String ADMIN_PASSWORD = "violet umbrella 74";
    static final String TERMINAL = "ws-01";
    final Path data;
    final EmbeddedDatabase db;
    final MovableClock clock = new MovableClock(Instant.parse("2026-04-01T00:00:00Z"));
    private long auditFrom;

    private OperatorDb(Path data, EmbeddedDatabase db) {
        this.data = data;
        this.db = db;
    }

    static OperatorDb start() throws Exception {
        Path data = Files.createTempDirectory("juki-operator-it");
        EmbeddedDatabase db = EmbeddedDatabase.start(config(data, Map.of()));
        return new OperatorDb(data, db);
    }

    static GatewayConfig config(Path data, Map<String, String> more) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("juki.data.dir", data.toString(),
                "juki.db.embedded.shared-buffers", "32MB", "juki.operator.argon2-memory-kib", "1024",
                "juki.operator.argon2-iterations", "1"));
        settings.putAll(more);
        return GatewayConfig.load(Path.of("config/application.properties"), settings);
    }

    /** The operator capability as the gateway builds it, on its own login and this test's clock. */
    Operators operators(Map<String, String> settings) throws Exception {
        return Operators.create(db.forRole(Operators.ROLE), clock, config(data, settings));
    }

    Operators operators() throws Exception {
        return operators(Map.of());
    }

    DataSource owner() {
        return db.dataSource();
    }

    /** The first administrator, made as {@code operators bootstrap} makes them. */
    Operator bootstrap(Operators ops) throws Exception {
        try (Connection c = owner().getConnection()) {
            return OperatorBootstrap.run(c, clock, ops.hasher(), ops.policy(), ADMIN, "管理 一郎", TERMINAL,
                    ADMIN_PASSWORD.toCharArray(), "tester");
        }
    }

    /** From now on {@link #audit} answers only what is written after this. */
    void markAudit() throws Exception {
        try (Connection c = owner().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM audit.record");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            auditFrom = rs.getLong(1);
        }
    }

    /** One audit record's stored texts. */
    record Audited(String line, String peer, String type, String messageId, String status, String code, String detail) {
    }

    /** The audit records of {@code type} written since {@link #markAudit}, in order. */
    List<Audited> audit(String type) throws Exception {
        List<Audited> out = new ArrayList<>();
        try (Connection c = owner().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT line, peer, msg_type, msg_id, status, code, detail "
                     + "FROM audit.record WHERE seq > ? AND msg_type = ? ORDER BY seq")) {
            ps.setLong(1, auditFrom);
            ps.setString(2, type);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Audited(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return out;
    }

    /** Every text of every audit record, for "never a password" checks. */
    String allAuditText() throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = owner().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT concat_ws('|', peer, msg_id, status, code, detail) "
                     + "FROM audit.record ORDER BY seq");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                sb.append(rs.getString(1)).append('\n');
            }
        }
        return sb.toString();
    }

    /** Whether the audit chain verifies from its first record to its head. */
    boolean chainIntact() throws Exception {
        try (Connection c = owner().getConnection()) {
            ChainVerifier.Verdict v = new ChainVerifier(c, TestPki.keys().crl()).verify(null, null);
            return v.intact() && v.records() > 0;
        }
    }

    long scalar(String sql, Object... args) throws Exception {
        try (Connection c = owner().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    String text(String sql, Object... args) throws Exception {
        try (Connection c = owner().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Override
    public void close() {
        db.close();
        GatewayChild.deleteTree(data);
    }

    /** A clock the test moves forward. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
