package jp.tokyo.juki.consistency;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQL of the shared session state (V21, schema {@code consistency}): one row per session in
 * {@code consistency.session}, the chunks taken in {@code consistency.chunk}, and per session the
 * tables {@code staged_<id>} and {@code result_<id>}. Every method runs in the caller's
 * transaction; {@link #lock} is how each request of a session begins, so that a session's
 * requests are taken one after the other whichever node they reach.
 */
final class SessionTable {
    /** {@code pg_advisory_xact_lock} key of a BEGIN: the limits are counted one BEGIN at a time ("CONSBEGN"). */
    private static final long BEGIN_LOCK = 0x434F4E534245474EL;
    private static final String COLUMNS = "id, sender, name, store, expected, received, next_chunk, state, key0, key1, "
            + "unlogged, begin_request, matched, counts, bytes, budget, parts, parts_sent, end_request, end_part";

    enum State { STAGING, RESULT, DONE }

    /** One session's row, as locked by its request's transaction. */
    record Row(long id, String sender, String name, String store, long expected, long received, int nextChunk,
               State state, long key0, long key1, boolean unlogged, String beginRequest, ResultLayout layout,
               int[] partsSent, String endRequest, Integer endPart) {
        String staged() {
            return "consistency.staged_" + id;
        }

        String result() {
            return "consistency.result_" + id;
        }

        ItemDigest digest() {
            return new ItemDigest(key0, key1);
        }

        boolean sent(int part) {
            for (int p : partsSent) {
                if (p == part) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What a taken chunk was answered. */
    record Taken(String requestId, long received) {
    }

    private SessionTable() {
    }

    /** The session's row, locked until the transaction ends; null when there is none. */
    static Row lock(Connection c, String sender, String name) throws SQLException {
        return read(c, "SELECT " + COLUMNS + " FROM consistency.session WHERE sender = ? AND name = ? FOR UPDATE", sender,
                name);
    }

    /** The session's row as committed, not locked (for the digest key and store of a chunk checked ahead). */
    static Row peek(Connection c, String sender, String name) throws SQLException {
        return read(c, "SELECT " + COLUMNS + " FROM consistency.session WHERE sender = ? AND name = ?", sender, name);
    }

    private static Row read(Connection c, String sql, String sender, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, sender);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ResultLayout layout = null;
                if (rs.getObject(13) != null) {
                    layout = new ResultLayout(rs.getLong(13), longs(rs.getArray(14)), longs(rs.getArray(15)), rs.getLong(16));
                }
                Integer[] sent = (Integer[]) rs.getArray(18).getArray();
                int[] partsSent = new int[sent.length];
                for (int i = 0; i < sent.length; i++) {
                    partsSent[i] = sent[i];
                }
                return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getLong(6), rs.getInt(7), State.valueOf(rs.getString(8)), rs.getLong(9), rs.getLong(10),
                        rs.getBoolean(11), rs.getString(12), layout, partsSent, rs.getString(19),
                        (Integer) rs.getObject(20));
            }
        }
    }

    private static long[] longs(Array a) throws SQLException {
        Long[] v = (Long[]) a.getArray();
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /** Waits for every other BEGIN to commit, then counts the open sessions: all of them, and the sender's. */
    static long[] openSessions(Connection c, String sender) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, BEGIN_LOCK);
            ps.execute();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), count(*) FILTER (WHERE sender = ?) "
                + "FROM consistency.session WHERE state <> 'DONE'")) {
            ps.setString(1, sender);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[]{rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /** A new session in state STAGING with its two tables; returns its id. */
    static long insert(Connection c, String sender, String name, String store, long expected, ItemDigestKey key,
                       boolean unlogged, String requestId) throws SQLException {
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO consistency.session (sender, name, store, expected, "
                + "state, key0, key1, unlogged, begin_request) VALUES (?, ?, ?, ?, 'STAGING', ?, ?, ?, ?) RETURNING id")) {
            ps.setString(1, sender);
            ps.setString(2, name);
            ps.setString(3, store);
            ps.setLong(4, expected);
            ps.setLong(5, key.k0());
            ps.setLong(6, key.k1());
            ps.setBoolean(7, unlogged);
            ps.setString(8, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT consistency.open_tables(?, ?)")) {
            ps.setLong(1, id);
            ps.setBoolean(2, unlogged);
            ps.execute();
        }
        return id;
    }

    /** A fresh random key for a session's digests. */
    record ItemDigestKey(long k0, long k1) {
    }

    /** Counts a chunk taken and remembers its request, so a resend of it is answered the same. */
    static void taken(Connection c, long id, int chunk, String requestId, long received) throws SQLException {
        // one statement, one round trip: a chunk's transaction is on the path of every chunk's ACK
        try (PreparedStatement ps = c.prepareStatement("WITH counted AS (UPDATE consistency.session SET next_chunk = ?, "
                + "received = ?, last_active = now() WHERE id = ?) INSERT INTO consistency.chunk (session_id, chunk, "
                + "request_id, received) VALUES (?, ?, ?, ?)")) {
            ps.setInt(1, chunk + 1);
            ps.setLong(2, received);
            ps.setLong(3, id);
            ps.setLong(4, id);
            ps.setInt(5, chunk);
            ps.setString(6, requestId);
            ps.setLong(7, received);
            ps.executeUpdate();
        }
    }

    /** How an earlier chunk of the session was answered; null if it was not taken. */
    static Taken takenBefore(Connection c, long id, int chunk) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT request_id, received FROM consistency.chunk "
                + "WHERE session_id = ? AND chunk = ?")) {
            ps.setLong(1, id);
            ps.setInt(2, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Taken(rs.getString(1), rs.getLong(2)) : null;
            }
        }
    }

    /** The comparison's result: state RESULT and its layout; the staging table goes. */
    static void result(Connection c, long id, ResultLayout layout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE consistency.session SET state = 'RESULT', matched = ?, "
                + "counts = ?, bytes = ?, budget = ?, parts = ?, last_active = now() WHERE id = ?")) {
            ps.setLong(1, layout.matched);
            ps.setArray(2, c.createArrayOf("bigint", box(layout.count)));
            ps.setArray(3, c.createArrayOf("bigint", box(layout.bytes)));
            ps.setLong(4, layout.budget);
            ps.setInt(5, layout.parts);
            ps.setLong(6, id);
            ps.executeUpdate();
        }
        call(c, "SELECT consistency.index_result(?)", id);
        call(c, "SELECT consistency.drop_tables(?, false)", id);
    }

    private static Long[] box(long[] v) {
        Long[] out = new Long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /** A part answered: remembered (and the session DONE once every part has gone), and the END that asked for it. */
    static void partSent(Connection c, long id, int part, boolean done, String requestId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE consistency.session SET parts_sent = CASE WHEN ? = ANY"
                + "(parts_sent) THEN parts_sent ELSE parts_sent || ? END, state = CASE WHEN ? THEN 'DONE' ELSE state END, "
                + "end_request = ?, end_part = ?, last_active = now() WHERE id = ?")) {
            ps.setInt(1, part);
            ps.setInt(2, part);
            ps.setBoolean(3, done);
            ps.setString(4, requestId);
            ps.setInt(5, part);
            ps.setLong(6, id);
            ps.executeUpdate();
        }
    }

    /** Marks a request of the session without changing it (a replayed answer keeps the session alive). */
    static void touch(Connection c, long id) throws SQLException {
        call(c, "UPDATE consistency.session SET last_active = now() WHERE id = ?", id);
    }

    /** The session and its tables, gone. */
    static void delete(Connection c, long id) throws SQLException {
        call(c, "DELETE FROM consistency.session WHERE id = ?", id);
        call(c, "SELECT consistency.drop_tables(?, true)", id);
    }

    /**
     * One session idle for longer than {@code idleSeconds}, locked — skipping those whose request
     * another transaction (of any node) is running; null when there is none.
     */
    static Row idle(Connection c, long idleSeconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sender, name FROM consistency.session "
                + "WHERE last_active < now() - make_interval(secs => ?) ORDER BY last_active LIMIT 1 FOR UPDATE SKIP LOCKED")) {
            ps.setLong(1, idleSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? lock(c, rs.getString(1), rs.getString(2)) : null;
            }
        }
    }

    private static void call(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.execute();
        }
    }

    /** Settings of this transaction only. */
    static void local(Connection c, String workMem) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL work_mem = '" + workMem + "'");
        }
    }
}
