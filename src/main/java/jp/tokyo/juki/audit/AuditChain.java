package jp.tokyo.juki.audit;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import jp.tokyo.juki.platform.CopyText;
import org.postgresql.PGConnection;

/**
 * The audit record as a hash chain (R-AUD-VERIFY, docs/decisions.md §16). Every record carries
 * its place ({@code seq}, dense from 1), its predecessor's hash and its own:
 * {@code hash = SHA-256(prev_hash || content)}, where the content is the canonical encoding of
 * the record's columns ({@link #content}). A record changed in place no longer matches its hash;
 * one removed or inserted breaks the link of its successor; a chain rewritten from some point on
 * no longer ends in the hash a signed {@link AuditCheckpoint} holds.
 *
 * <p>Every writer — the gateway's {@link AuditWriter} and the operator tools — appends with
 * {@link #append}, which takes the row lock of {@code audit.chain_head} for the rest of the
 * caller's transaction: one chain for the table whichever process writes, and a transaction
 * that rolls back leaves no hole.
 */
public final class AuditChain {
    /** The predecessor of the first record of an empty table. */
    public static final byte[] GENESIS = new byte[32];
    /** The chain formats ({@link #format}): 1, the columns of V2; 2, those and V14's operator, terminal and reason. */
    static final byte FORMAT_1 = 1;
    static final byte FORMAT_2 = 2;
    private static final HexFormat HEX = HexFormat.of();

    private AuditChain() {
    }

    /** Where the chain ends: the last record's place and hash. */
    public record Head(long seq, byte[] hash) {
    }

    /**
     * The chain format {@code e} is hashed in: 2 when it carries an operator, a terminal or a reason
     * (the columns V14 added), else 1 — the format of every record written before V14, whose stored
     * hashes therefore still verify. The format follows from the content alone, and it is the
     * content's first byte, so no record has two encodings: one whose V14 columns were filled or
     * emptied after the fact no longer matches its hash (docs/decisions.md, the chain's format 2).
     */
    static byte format(AuditEvent e) {
        return e.operator() == null && e.terminal() == null && e.reason() == null ? FORMAT_1 : FORMAT_2;
    }

    /**
     * The canonical encoding of one record: its format ({@link #format}), then each column in a
     * fixed order — event id (16 bytes), time (microseconds since the epoch, as the database keeps
     * it), the texts (length-prefixed UTF-8, length -1 for null) and the persons (count, then
     * each); format 2 then adds operator, terminal and reason, as texts. Written straight into the
     * digest (this runs for every record appended and verified).
     */
    private static void content(MessageDigest d, ByteBuffer scratch, AuditEvent e) {
        byte format = format(e);
        scratch.clear();
        scratch.put(format).putLong(e.eventId().getMostSignificantBits()).putLong(e.eventId().getLeastSignificantBits())
                .putLong(ChronoUnit.MICROS.between(Instant.EPOCH, e.at()));
        d.update(scratch.array(), 0, scratch.position());
        text(d, scratch, e.line());
        text(d, scratch, e.direction());
        text(d, scratch, e.peer());
        text(d, scratch, e.type());
        text(d, scratch, e.messageId());
        text(d, scratch, e.sender());
        text(d, scratch, e.status());
        text(d, scratch, e.code());
        text(d, scratch, e.detail());
        scratch.clear();
        d.update(scratch.putInt(e.persons().size()).array(), 0, 4);
        for (String p : e.persons()) {
            text(d, scratch, p);
        }
        if (format == FORMAT_2) {
            text(d, scratch, e.operator());
            text(d, scratch, e.terminal());
            text(d, scratch, e.reason());
        }
    }

    private static void text(MessageDigest d, ByteBuffer scratch, String s) {
        scratch.clear();
        if (s == null) {
            d.update(scratch.putInt(-1).array(), 0, 4);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.update(scratch.putInt(b.length).array(), 0, 4);
        d.update(b);
    }

    /** The hash of {@code e} following a record whose hash is {@code prev}. */
    public static byte[] link(MessageDigest sha256, byte[] prev, AuditEvent e) {
        sha256.reset();
        sha256.update(prev);
        content(sha256, ByteBuffer.allocate(32), e);
        return sha256.digest();
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** The time as the database keeps it (microseconds), so that what is hashed is what is stored. */
    public static Instant stored(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    /** The chain's head as committed (no lock): what a checkpoint signs. */
    public static Head head(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit.chain_head");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("audit.chain_head is empty: the audit chain has no end to append to", "55000");
            }
            return new Head(rs.getLong(1), rs.getBytes(2));
        }
    }

    /**
     * Appends {@code events} at the end of the chain on the caller's connection and in its
     * transaction (which the caller commits; auto-commit must be off). Events already in the
     * table (same event id: a batch the broker delivered again) are skipped. Returns how many
     * were appended.
     */
    public static int append(Connection c, List<AuditEvent> events) throws SQLException {
        return append(c, events, true);
    }

    /**
     * As {@link #append(Connection, List)}; with {@code maybeKnown} false the look-up of events
     * already written is skipped (the writer's fast path for messages not delivered before). Should
     * one be there after all, the event id's unique index refuses the whole append (SQLState
     * 23505) and the caller rolls back and appends again with {@code maybeKnown}.
     */
    public static int append(Connection c, List<AuditEvent> events, boolean maybeKnown) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        if (c.getAutoCommit()) {
            throw new SQLException("audit records are appended inside the caller's transaction (auto-commit is on)");
        }
        if (c.getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED) {
            // under REPEATABLE READ the head's lock fails (40001) whenever another writer moved it meanwhile
            throw new SQLException("audit records are appended under READ COMMITTED", "25000");
        }
        Head head;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit.chain_head FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("audit.chain_head is empty: the audit chain has no end to append to", "55000");
            }
            head = new Head(rs.getLong(1), rs.getBytes(2));
        }
        List<AuditEvent> fresh = maybeKnown ? withoutKnown(c, events) : events;
        if (fresh.isEmpty()) {
            return 0;
        }
        MessageDigest sha256 = sha256();
        StringBuilder rows = new StringBuilder(fresh.size() * 400);
        long seq = head.seq();
        byte[] prev = head.hash();
        for (AuditEvent raw : fresh) {
            AuditEvent e = raw.at().getNano() % 1000 == 0 ? raw : raw.withTime(stored(raw.at()));
            byte[] hash = link(sha256, prev, e);
            seq++;
            row(rows, seq, prev, hash, e);
            prev = hash;
        }
        copy(c, rows);
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit.chain_head SET seq = ?, hash = ?")) {
            ps.setLong(1, seq);
            ps.setBytes(2, prev);
            ps.executeUpdate();
        }
        return fresh.size();
    }

    /**
     * Appends without the chain (no seq, no hashes): only for {@code juki.audit.hash-chain=false},
     * which exists to measure what the chain costs (bench updates). Such records cannot be verified.
     */
    public static int appendUnchained(Connection c, List<AuditEvent> events) throws SQLException {
        List<AuditEvent> fresh = withoutKnown(c, events);
        StringBuilder rows = new StringBuilder(fresh.size() * 300);
        for (AuditEvent e : fresh) {
            row(rows, null, null, null, e.withTime(stored(e.at())));
        }
        copy(c, rows);
        return fresh.size();
    }

    private static void copy(Connection c, StringBuilder rows) throws SQLException {
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY audit.record (seq, prev_hash, hash, event_id, at, "
                    + "line, direction, peer, msg_type, msg_id, sender, status, code, detail, persons, operator_id, terminal_id, "
                    + "reason) FROM STDIN",
                    new StringReader(rows.toString()));
        } catch (IOException e) {
            throw new SQLException("audit records could not be copied: " + e.getClass().getSimpleName(), "58030", e);
        }
    }

    private static List<AuditEvent> withoutKnown(Connection c, List<AuditEvent> events) throws SQLException {
        Set<UUID> known = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id FROM audit.record WHERE event_id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("uuid", events.stream().map(AuditEvent::eventId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known.add(rs.getObject(1, UUID.class));
                }
            }
        }
        List<AuditEvent> fresh = new ArrayList<>(events.size());
        Set<UUID> seen = new HashSet<>();
        for (AuditEvent e : events) {
            if (!known.contains(e.eventId()) && seen.add(e.eventId())) {
                fresh.add(e);
            }
        }
        return fresh;
    }

    private static void row(StringBuilder sb, Long seq, byte[] prev, byte[] hash, AuditEvent e) {
        sb.append(seq == null ? "\\N" : seq).append('\t');
        bytea(sb, prev).append('\t');
        bytea(sb, hash).append('\t');
        sb.append(e.eventId()).append('\t').append(e.at()).append('\t');
        for (String s : new String[]{e.line(), e.direction(), e.peer(), e.type(), e.messageId(), e.sender(),
                e.status(), e.code(), e.detail()}) {
            CopyText.append(sb, s).append('\t');
        }
        sb.append('{');
        for (int i = 0; i < e.persons().size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            // keyed hashes are hex; quoted and escaped all the same, as an array element
            sb.append('"');
            CopyText.append(sb, e.persons().get(i).replace("\\", "\\\\").replace("\"", "\\\""));
            sb.append('"');
        }
        sb.append("}\t");
        CopyText.append(sb, e.operator()).append('\t');
        CopyText.append(sb, e.terminal()).append('\t');
        CopyText.append(sb, e.reason()).append('\n');
    }

    private static StringBuilder bytea(StringBuilder sb, byte[] b) {
        return b == null ? sb.append("\\N") : sb.append("\\\\x").append(HEX.formatHex(b));
    }

    /** Reads one stored record back as the event it was made from (for verification and export). */
    static AuditEvent event(ResultSet rs) throws SQLException {
        return event(rs, true);
    }

    /** As {@link #event(ResultSet)}; without {@code v14} the table has no operator, terminal or reason yet (V11). */
    private static AuditEvent event(ResultSet rs, boolean v14) throws SQLException {
        Array persons = rs.getArray("persons");
        String[] p = persons == null ? new String[0] : (String[]) persons.getArray();
        Instant at = rs.getObject("at", OffsetDateTime.class).toInstant();
        return new AuditEvent(rs.getObject("event_id", UUID.class), at, rs.getString("line"),
                rs.getString("direction"), rs.getString("peer"), rs.getString("msg_type"), rs.getString("msg_id"),
                rs.getString("sender"), rs.getString("status"), rs.getString("code"), rs.getString("detail"), List.of(p),
                v14 ? rs.getString("operator_id") : null, v14 ? rs.getString("terminal_id") : null,
                v14 ? rs.getString("reason") : null);
    }

    /**
     * Chains the records that have no place yet, in the order they were written (their id): the
     * records made before the chain existed (migration V11, before V14's columns) and those written
     * with {@code juki.audit.hash-chain=false}. Returns how many.
     */
    public static long chainUnchained(Connection c) throws SQLException {
        Head head;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit.chain_head FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            head = new Head(rs.getLong(1), rs.getBytes(2));
        }
        MessageDigest sha256 = sha256();
        long seq = head.seq();
        byte[] prev = head.hash();
        try (PreparedStatement read = c.prepareStatement("SELECT * FROM audit.record WHERE seq IS NULL ORDER BY id");
             PreparedStatement update = c.prepareStatement(
                     "UPDATE audit.record SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?")) {
            read.setFetchSize(10_000);
            try (ResultSet rs = read.executeQuery()) {
                boolean v14 = hasColumn(rs.getMetaData(), "operator_id");
                int pending = 0;
                while (rs.next()) {
                    byte[] hash = link(sha256, prev, event(rs, v14));
                    update.setLong(1, ++seq);
                    update.setBytes(2, prev);
                    update.setBytes(3, hash);
                    update.setLong(4, rs.getLong("id"));
                    update.addBatch();
                    prev = hash;
                    if (++pending == 1000) {
                        update.executeBatch();
                        pending = 0;
                    }
                }
                update.executeBatch();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit.chain_head SET seq = ?, hash = ?")) {
            ps.setLong(1, seq);
            ps.setBytes(2, prev);
            ps.executeUpdate();
        }
        return seq - head.seq();
    }

    private static boolean hasColumn(ResultSetMetaData meta, String name) throws SQLException {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (name.equals(meta.getColumnName(i))) {
                return true;
            }
        }
        return false;
    }

    public static String hex(byte[] b) {
        return b == null ? "none" : HEX.formatHex(b);
    }
}
