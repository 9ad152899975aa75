package jp.tokyo.juki.audit;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Iterator;
import java.util.TreeMap;
import jp.tokyo.juki.security.RevocationList;

/**
 * Checks the audit chain in the table ({@code ./gateway audit verify}): every record's hash
 * against its content, every link against its predecessor, the places for gaps, every signed
 * checkpoint's signature and that the chain still passes through the hash it signed — and names
 * the first record that was changed, removed or inserted. Reads the records once, in order, as a
 * stream (memory does not grow with the table).
 */
public final class ChainVerifier {
    private static final int FETCH = 10_000;
    private static final String SELECT = "SELECT seq, prev_hash, hash, event_id, at, line, direction, peer, msg_type, msg_id, "
            + "sender, status, code, detail, persons, operator_id, terminal_id, reason FROM audit.record ";

    /** What a verification found. {@code problem} is null when the range is intact. */
    public record Verdict(long records, long firstSeq, long lastSeq, int checkpoints, long lastSignedSeq,
                          String problem) {
        public boolean intact() {
            return problem == null;
        }
    }

    private final Connection c;
    private final RevocationList ca;

    public ChainVerifier(Connection c, RevocationList ca) {
        this.c = c;
        this.ca = ca;
    }

    /**
     * Verifies the records written from {@code from} to {@code to} (either may be null: the whole
     * table). The walk starts at the last signed checkpoint before the range whose own record is
     * still there unchanged (or the table's first record) and ends at the first checkpoint after
     * it, so both ends are anchored by signatures.
     */
    public Verdict verify(Instant from, Instant to) throws SQLException {
        c.setAutoCommit(false); // a cursor, and one snapshot for the whole walk
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            return walk(from, to);
        } finally {
            c.rollback();
            // appends on this connection afterwards need READ COMMITTED (the chain head's lock)
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
    }

    /** Verifies the records seq {@code fromSeq} to {@code toSeq} (as {@link #verify}; an export's range). */
    public Verdict verifySeqs(long fromSeq, long toSeq) throws SQLException {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            return walkWithin(fromSeq, toSeq);
        } finally {
            c.rollback();
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
    }

    /** As {@link #verifySeqs}, in the caller's transaction. */
    Verdict walkWithin(long fromSeq, long toSeq) throws SQLException {
        String outside = recordOutsideTheChain();
        return outside != null ? new Verdict(0, 0, 0, 0, 0, outside) : walk(fromSeq, toSeq, false);
    }

    private Verdict walk(Instant from, Instant to) throws SQLException {
        String outside = recordOutsideTheChain();
        if (outside != null) {
            return new Verdict(0, 0, 0, 0, 0, outside);
        }
        long tableFirst = scalar("SELECT coalesce(min(seq), 0) FROM audit.record");
        long tableLast = scalar("SELECT coalesce(max(seq), 0) FROM audit.record");
        long fromSeq = from == null ? tableFirst : scalar("SELECT coalesce(min(seq), 0) FROM audit.record WHERE at >= ?", from);
        if (from != null && fromSeq == 0) {
            // nothing left at or after --from: whatever was there was removed from the end, which the
            // walk from the last checkpoint to the chain's head shows
            fromSeq = tableLast + 1;
        }
        // 0 when nothing is left up to --to: the walk then runs from the start to the first checkpoint
        long toSeq = to == null ? tableLast : scalar("SELECT coalesce(max(seq), 0) FROM audit.record WHERE at <= ?", to);
        return walk(Math.max(fromSeq, 1), toSeq, to == null);
    }

    private Verdict walk(long fromSeq, long toSeq, boolean toTheEnd) throws SQLException {
        long tableFirst = scalar("SELECT coalesce(min(seq), 0) FROM audit.record");
        long tableLast = scalar("SELECT coalesce(max(seq), 0) FROM audit.record");
        AuditChain.Head head = AuditChain.head(c);
        // the anchor: the last checkpoint before the range, else the chain's very beginning
        Checkpoint anchor = checkpointAtOrBefore(fromSeq - 1);
        // an anchor whose own record is gone or changed anchors nothing: start at an earlier one, so the walk
        // crosses the change (a trimmed export holds the records before the table's first)
        while (anchor != null && tableFirst > 0 && anchor.seq >= tableFirst && !intactAt(anchor)) {
            anchor = checkpointAtOrBefore(anchor.seq - 1);
        }
        long startSeq = anchor != null ? anchor.seq + 1 : 1;
        byte[] expectedPrev = anchor != null ? anchor.hash : AuditChain.GENESIS;
        String trimmed = removedFromTheStart(tableFirst == 0 ? head.seq() + 1 : tableFirst);
        if (trimmed != null) {
            return new Verdict(0, tableFirst, tableFirst, 0, 0, trimmed);
        }
        if (anchor == null && tableFirst > 1) {
            return new Verdict(0, tableFirst, tableFirst, 0, 0, "records 1 to " + (tableFirst - 1)
                    + " are missing and no signed checkpoint anchors the chain at seq " + (tableFirst - 1)
                    + ": removed from the start of the table (a trim goes only as far as an export, at a checkpoint)");
        }
        if (anchor != null) {
            String bad = anchor.problem(ca);
            if (bad != null) {
                return new Verdict(0, startSeq, startSeq, 0, 0, "checkpoint at seq " + anchor.seq + " cannot be trusted: " + bad);
            }
        }
        // the end: the range's last record, extended to the next checkpoint so it is anchored too
        long endSeq = toTheEnd ? Math.max(tableLast, head.seq()) : toSeq;
        Checkpoint closing = checkpointAtOrAfter(endSeq);
        if (closing != null) {
            endSeq = closing.seq;
        } else if (!toTheEnd) {
            // no checkpoint after the range yet: only the chain's head can tell whether its last records are all there
            toTheEnd = true;
            endSeq = Math.max(endSeq, Math.max(tableLast, head.seq()));
        }
        TreeMap<Long, Checkpoint> checkpoints = checkpointsBetween(startSeq, endSeq);
        int signed = anchor != null ? 1 : 0;
        long lastSigned = anchor != null ? anchor.seq : 0;
        Instant previousAt = anchor != null ? anchor.at : null;
        for (Checkpoint cp : checkpoints.values()) {
            String bad = cp.problem(ca);
            if (bad != null) {
                return new Verdict(0, startSeq, endSeq, signed, lastSigned,
                        "checkpoint at seq " + cp.seq + " cannot be trusted: " + bad);
            }
            // a checkpoint is signed at the time it claims: one dated before its predecessor was
            // backdated (a key that signs only "in the past", e.g. of a certificate since revoked)
            if (previousAt != null && cp.at.isBefore(previousAt)) {
                return new Verdict(0, startSeq, endSeq, signed, lastSigned,
                        "checkpoint at seq " + cp.seq + " is dated before the previous one (" + cp.at + " < " + previousAt + ")");
            }
            previousAt = cp.at;
        }

        MessageDigest sha256 = AuditChain.sha256();
        long expectedSeq = startSeq;
        long count = 0;
        Row previous = null;
        Row suspect = null; // a record whose link is broken, judged once its successor is read
        Checkpoint rewritten = null; // a checkpoint the chain does not pass through
        byte[] suspectExpected = null;
        Iterator<Checkpoint> due = checkpoints.values().iterator();
        Checkpoint nextCheckpoint = due.hasNext() ? due.next() : null;
        try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
            ps.setFetchSize(FETCH);
            ps.setLong(1, startSeq);
            ps.setLong(2, endSeq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = new Row(rs.getLong(1), rs.getBytes(2), rs.getBytes(3), AuditChain.event(rs));
                    if (suspect != null) {
                        return new Verdict(count, startSeq, r.seq, signed, lastSigned,
                                Arrays.equals(r.prev, suspectExpected)
                                        ? describe(suspect) + " was inserted: its successor, seq " + r.seq
                                        + ", links to the record before it"
                                        : "the chain is broken before " + describe(suspect) + ": it does not link to "
                                        + "seq " + (suspect.seq - 1) + " (a record was removed there, or seq "
                                        + (suspect.seq - 1) + " was replaced)");
                    }
                    if (r.seq != expectedSeq) {
                        return new Verdict(count, startSeq, r.seq, signed, lastSigned, expectedSeq == r.seq - 1
                                ? "record seq " + expectedSeq + " was removed (seq " + (expectedSeq - 1) + " is followed by seq " + r.seq + ")"
                                : "records seq " + expectedSeq + " to " + (r.seq - 1) + " were removed");
                    }
                    if (r.hash == null || r.prev == null
                            || !Arrays.equals(AuditChain.link(sha256, r.prev, r.event), r.hash)) {
                        return new Verdict(count, startSeq, r.seq, signed, lastSigned,
                                describe(r) + " was changed: its content no longer matches its hash");
                    }
                    if (!Arrays.equals(r.prev, expectedPrev)) {
                        if (previous != null && Arrays.equals(r.prev, previous.prev)) {
                            return new Verdict(count, startSeq, r.seq, signed, lastSigned, describe(previous)
                                    + " was inserted: its successor, seq " + r.seq + ", links to the record before it");
                        }
                        suspect = r;
                        suspectExpected = expectedPrev;
                    }
                    while (nextCheckpoint != null && nextCheckpoint.seq < r.seq) {
                        nextCheckpoint = due.hasNext() ? due.next() : null;
                    }
                    if (rewritten != null && suspect == null) {
                        return rewritten(count, startSeq, rewritten, lastSigned, signed);
                    }
                    // a checkpoint whose hash differs is judged once the next record is read: if that one
                    // shows this record was inserted, that names it; otherwise only the span is known
                    if (suspect == null && nextCheckpoint != null && nextCheckpoint.seq == r.seq) {
                        if (!Arrays.equals(nextCheckpoint.hash, r.hash)) {
                            rewritten = nextCheckpoint;
                        } else {
                            signed++;
                            lastSigned = r.seq;
                        }
                    }
                    previous = r;
                    expectedPrev = r.hash;
                    expectedSeq++;
                    count++;
                }
            }
        }
        if (rewritten != null && suspect == null) {
            return rewritten(count, startSeq, rewritten, lastSigned, signed);
        }
        if (suspect != null) {
            return new Verdict(count, startSeq, suspect.seq, signed, lastSigned, describe(suspect)
                    + " does not link to seq " + (suspect.seq - 1) + ": inserted, or the record before it was replaced");
        }
        long last = expectedSeq - 1;
        if (!checkpoints.isEmpty() && checkpoints.lastKey() > last) {
            // the furthest checkpoint names how far the removal went (another before it may too)
            Checkpoint furthest = checkpoints.lastEntry().getValue();
            return new Verdict(count, startSeq, last, signed, lastSigned, "records seq " + (last + 1) + " to "
                    + furthest.seq + " were removed from the end (the checkpoint signed at " + furthest.at
                    + " covers seq " + furthest.seq + ")");
        }
        if (toTheEnd && head.seq() > last) {
            return new Verdict(count, startSeq, last, signed, lastSigned, "records seq " + (last + 1) + " to "
                    + head.seq() + " were removed from the end (the chain's head is at seq " + head.seq() + ")");
        }
        if (toTheEnd && head.seq() < last) {
            return new Verdict(count, startSeq, last, signed, lastSigned, "records seq " + (head.seq() + 1) + " to "
                    + last + " were inserted after the chain's head (seq " + head.seq() + ")");
        }
        return new Verdict(count, startSeq, last, signed, lastSigned, null);
    }

    private static Verdict rewritten(long count, long startSeq, Checkpoint cp, long lastSigned, int signed) {
        return new Verdict(count, startSeq, cp.seq, signed, lastSigned, "the chain was rewritten before seq " + cp.seq
                + ": its hash is not the one signed at " + cp.at + " (checkpoint at seq " + cp.seq
                + "; the last good checkpoint is at seq " + lastSigned
                + "; compare with the export of that period to find the first changed record)");
    }

    /**
     * The table may start after seq 1 only where trimmed exports, one after another from seq 1,
     * end: anything else removed from the start (even up to a checkpoint) is reported.
     *
     * @param tableFirst the table's first seq (for an empty table, the one after the chain's head)
     */
    private String removedFromTheStart(long tableFirst) throws SQLException {
        if (tableFirst <= 1) {
            return null;
        }
        long trimmedThrough = scalar("SELECT coalesce(max(last_seq), 0) FROM audit.export WHERE trimmed_at IS NOT NULL");
        long unlinked = scalar("SELECT count(*) FROM audit.export e WHERE e.trimmed_at IS NOT NULL AND e.first_seq <> 1 "
                + "AND NOT EXISTS (SELECT 1 FROM audit.export p WHERE p.trimmed_at IS NOT NULL AND p.last_seq = e.first_seq - 1)");
        if (tableFirst == trimmedThrough + 1 && unlinked == 0) {
            return null;
        }
        return "records seq " + (trimmedThrough + 1) + " to " + (tableFirst - 1) + " were removed from the start of the "
                + "table: no trimmed export holds them (audit.export)";
    }

    /** Whether the checkpoint's record is in the table with the hash signed, and its content still matches it. */
    private boolean intactAt(Checkpoint cp) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE seq = ?")) {
            ps.setLong(1, cp.seq);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                byte[] prev = rs.getBytes(2);
                byte[] hash = rs.getBytes(3);
                return prev != null && Arrays.equals(hash, cp.hash)
                        && Arrays.equals(AuditChain.link(AuditChain.sha256(), prev, AuditChain.event(rs)), hash);
            }
        }
    }

    private String recordOutsideTheChain() throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, event_id, at FROM audit.record "
                + "WHERE seq IS NULL OR seq < 1 ORDER BY id LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                return "record id " + rs.getLong(1) + " (event " + rs.getObject(2) + ", at "
                        + rs.getObject(3, OffsetDateTime.class).toInstant() + ") is not in the chain: inserted outside "
                        + "the gateway (or written with juki.audit.hash-chain=false)";
            }
            return null;
        }
    }

    private static String describe(Row r) {
        return "record seq " + r.seq + " (event " + r.event.eventId() + ", " + r.event.type() + " at " + r.event.at() + ")";
    }

    private long scalar(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i] instanceof Instant t ? OffsetDateTime.ofInstant(t, ZoneOffset.UTC) : args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private Checkpoint checkpointAtOrBefore(long seq) throws SQLException {
        return oneCheckpoint("SELECT seq, hash, at, signature FROM audit.checkpoint WHERE seq <= ? ORDER BY seq DESC LIMIT 1", seq);
    }

    private Checkpoint checkpointAtOrAfter(long seq) throws SQLException {
        return oneCheckpoint("SELECT seq, hash, at, signature FROM audit.checkpoint WHERE seq >= ? ORDER BY seq LIMIT 1", seq);
    }

    private Checkpoint oneCheckpoint(String sql, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? checkpoint(rs) : null;
            }
        }
    }

    private TreeMap<Long, Checkpoint> checkpointsBetween(long first, long last) throws SQLException {
        TreeMap<Long, Checkpoint> all = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, hash, at, signature FROM audit.checkpoint WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
            ps.setLong(1, first);
            ps.setLong(2, last);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Checkpoint cp = checkpoint(rs);
                    all.put(cp.seq, cp);
                }
            }
        }
        return all;
    }

    private static Checkpoint checkpoint(ResultSet rs) throws SQLException {
        return new Checkpoint(rs.getLong(1), rs.getBytes(2), rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getBytes(4));
    }

    /** A checkpoint as stored. */
    private record Checkpoint(long seq, byte[] hash, Instant at, byte[] signature) {
        String problem(RevocationList ca) {
            return new AuditCheckpoint(seq, hash, at, signature).problem(ca);
        }
    }

    private record Row(long seq, byte[] prev, byte[] hash, AuditEvent event) {
    }
}
