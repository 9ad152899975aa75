package jp.tokyo.juki.consistency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import jp.tokyo.juki.consistency.SessionTable.Row;
import jp.tokyo.juki.consistency.SessionTable.State;
import jp.tokyo.juki.record.Violation;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Refusals;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each consistency request (整合処理) does to a session of one store, in the request's
 * transaction, on the session's row locked by {@link SessionTable#lock}: BEGIN, a chunk, END.
 * Holds no session state: whatever a request needs is in the row, so any node takes any
 * request, and a request sent again after its answer was lost is answered as the first time.
 */
final class SessionSteps<R> {
    private static final Logger LOG = LoggerFactory.getLogger(SessionSteps.class);
    private static final SecureRandom KEYS = new SecureRandom();

    /** A reply, and what to do once its transaction has committed. */
    record Outcome(Reply reply, Runnable afterCommit) {
        static Outcome of(Reply reply) {
            return new Outcome(reply, () -> {
            });
        }
    }

    /**
     * A chunk checked and digested with its session's key, ready to stage — or the refusal of
     * one of its records. Made by {@link #check} on any thread, taken or refused in order by
     * {@link #chunk}. {@code session} is the id of the session whose key digested it.
     */
    record Checked(long session, int records, byte[] copy, ReplyCode refusal, String detail) {
    }

    final ConsistencySource<R> source;
    private final Sessions.Opener opener;
    private final Settings settings;

    SessionSteps(ConsistencySource<R> source, Sessions.Opener opener, Settings settings) {
        this.source = source;
        this.opener = opener;
        this.settings = settings;
    }

    /** {@code CONSISTENCY_BEGIN}: a new session within the limits, or the ACK again for the same BEGIN sent again. */
    Outcome begin(Connection c, String sender, String name, long expected, String requestId) throws SQLException {
        long[] open = SessionTable.openSessions(c, sender);
        Row row = SessionTable.lock(c, sender, name);
        if (row != null && row.state() != State.DONE) {
            if (row.beginRequest().equals(requestId) && row.store().equals(source.store()) && row.expected() == expected) {
                SessionTable.touch(c, row.id());
                return Outcome.of(Reply.ack(requestId, "session open", Json.MAPPER.createObjectNode()));
            }
            return Outcome.of(Reply.nack(requestId, ReplyCode.E150, "body.session: a session of this name is already open"));
        }
        if (row != null) {
            // a finished session keeps its last answer until it expires; its name is free for a new one
            SessionTable.delete(c, row.id());
        }
        if (open[0] >= settings.maxSessions()) {
            return Outcome.of(Reply.nack(requestId, ReplyCode.E503, "too many consistency sessions open; begin again later"));
        }
        if (open[1] >= settings.maxSessionsPerSender()) {
            return Outcome.of(Reply.nack(requestId, ReplyCode.E503, "this CS already has " + settings.maxSessionsPerSender()
                    + " consistency session(s) open; end one or begin again later"));
        }
        SessionTable.insert(c, sender, name, source.store(), expected,
                new SessionTable.ItemDigestKey(KEYS.nextLong(), KEYS.nextLong()), settings.unloggedStaging(), requestId);
        return Outcome.of(Reply.ack(requestId, "session open", Json.MAPPER.createObjectNode()));
    }

    /**
     * Checks every record of a chunk with the update's item rules and digests it with the
     * session's key. Touches no session state, so the chunks a CS pipelines are checked in
     * parallel while the previous ones are being staged.
     */
    Checked check(long session, ItemDigest key, String sender, int chunk, JsonNode records) {
        int n = records.size();
        List<String> items = source.items();
        ItemDigest digest = key.copy();
        long[] digests = new long[items.size()];
        Set<String> seen = new HashSet<>(n * 2);
        BinaryCopy copy = new BinaryCopy(n * (30 + 8 * items.size()) + 21);
        for (int i = 0; i < n; i++) {
            String path = "body.records[" + i + "]";
            R record;
            try {
                record = source.read(records.get(i), sender, path);
            } catch (Violation v) {
                return new Checked(session, n, null, Refusals.codeOf(v), v.detail());
            }
            String code = source.juminhyoCode(record);
            if (!seen.add(code)) {
                return new Checked(session, n, null, ReplyCode.E110, path + ".juminhyoCode: occurs twice in this chunk");
            }
            source.digest(record, digest, digests);
            copy.row(3).int8(Long.parseLong(code)).int8(position(chunk, i)).longs(digests);
        }
        return new Checked(session, n, copy.finish(), null, null);
    }

    /**
     * {@code CONSISTENCY_RECORDS}: takes a checked chunk if it is the next one and fits the
     * announced count, staging all its records in one COPY — a refused chunk leaves nothing
     * staged and may be sent again. A chunk already taken, sent again with the same request id,
     * is answered its ACK again.
     */
    Outcome chunk(Connection c, Row row, String requestId, int chunk, Checked checked) throws SQLException {
        if (row.state() == State.DONE) {
            return Outcome.of(Reply.nack(requestId, ReplyCode.E150, Sessions.UNKNOWN_SESSION));
        }
        if (row.state() != State.STAGING) {
            return Outcome.of(Reply.nack(requestId, ReplyCode.E150, "body.session: the session has ended; no more chunks"));
        }
        if (chunk < row.nextChunk()) {
            SessionTable.Taken taken = SessionTable.takenBefore(c, row.id(), chunk);
            if (taken != null && taken.requestId().equals(requestId)) {
                SessionTable.touch(c, row.id());
                return Outcome.of(chunkTaken(requestId, taken.received()));
            }
        }
        if (chunk != row.nextChunk()) {
            return Outcome.of(Reply.nack(requestId, ReplyCode.E150, "body.chunk: out of order; expected chunk "
                    + row.nextChunk()));
        }
        if (row.received() + checked.records() > row.expected()) {
            return Outcome.of(Reply.nack(requestId, ReplyCode.E150, "body.records: more records than the "
                    + row.expected() + " announced at begin"));
        }
        if (checked.refusal() != null) {
            return Outcome.of(Reply.nack(requestId, checked.refusal(), checked.detail()));
        }
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + row.staged()
                    + " (code, pos, digests) FROM STDIN (FORMAT binary)", new ByteArrayInputStream(checked.copy()));
        } catch (IOException e) {
            throw new SQLException("chunk not staged", e);
        }
        long received = row.received() + checked.records();
        SessionTable.taken(c, row.id(), chunk, requestId, received);
        return Outcome.of(chunkTaken(requestId, received));
    }

    private static Reply chunkTaken(String requestId, long received) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("received", received);
        return Reply.ack(requestId, "chunk taken", body);
    }

    /** Where a record stood, for naming a 住民票コード sent twice without naming the code. */
    private static long position(int chunk, int index) {
        return (long) chunk << 16 | index;
    }

    private static String describe(long position) {
        return "chunk " + (position >>> 16) + " records[" + (position & 0xffff) + "]";
    }

    /**
     * {@code CONSISTENCY_END}: the first time (part absent or 0) compares and answers part 0;
     * afterwards answers the part asked for. The session is DONE once every part has been sent;
     * then only its last END, sent again, is answered (the same part again).
     */
    Outcome end(Connection c, Row row, String requestId, Integer part, CheckLog checks) throws SQLException {
        int p = part == null ? 0 : part;
        if (row.state() == State.DONE) {
            if (requestId.equals(row.endRequest()) && Objects.equals(row.endPart(), p)) {
                SessionTable.touch(c, row.id());
                return Outcome.of(partReply(c, row, row.layout(), requestId, p));
            }
            return Outcome.of(Reply.nack(requestId, ReplyCode.E150, Sessions.UNKNOWN_SESSION));
        }
        ResultLayout result = row.layout();
        Runnable keep = () -> {
        };
        if (row.state() == State.STAGING) {
            if (p != 0) {
                return Outcome.of(Reply.nack(requestId, ReplyCode.E150,
                        "body.part: no result yet; end the session without part first"));
            }
            if (row.received() != row.expected()) {
                SessionTable.delete(c, row.id());
                return Outcome.of(Reply.nack(requestId, ReplyCode.E150, "body.session: received " + row.received()
                        + " records but " + row.expected() + " were announced; session closed"));
            }
            long t0 = System.nanoTime();
            SessionTable.local(c, settings.workMem());
            try {
                result = new Comparison<>(c, row, source, row.digest()).run(opener, row.sender(),
                        settings.partBudget(source.items()));
            } catch (Comparison.DuplicateCode d) {
                SessionTable.delete(c, row.id());
                return Outcome.of(Reply.nack(requestId, ReplyCode.E150, "body.records: the same juminhyoCode was sent in "
                        + describe(d.first) + " and " + describe(d.second) + "; session closed"));
            } catch (Comparison.StagingLost lost) {
                LOG.warn("consistency session of {} ({}): its unlogged staging table lost rows (a database crash or "
                        + "failover); session closed", row.sender(), source.store());
                SessionTable.delete(c, row.id());
                return Outcome.of(Reply.nack(requestId, ReplyCode.E150, "body.session: the staged records were lost "
                        + "(database failover); session closed, begin again"));
            }
            SessionTable.result(c, row.id(), result);
            LOG.info("consistency check of {} ({}): {} records, {} matched, {} differing, {} missing in store, {} missing "
                            + "at CS; compared in {} ms; {} part(s)", row.sender(), source.store(), row.received(),
                    result.matched, result.count[ResultLayout.DIFFERING], result.count[ResultLayout.MISSING_IN_STORE],
                    result.count[ResultLayout.MISSING_AT_CS], (System.nanoTime() - t0) / 1_000_000, result.parts);
            ResultLayout kept = result;
            keep = () -> keep(checks, row, kept);
        }
        if (p >= result.parts) {
            return Outcome.of(Reply.nack(requestId, ReplyCode.E150, "body.part: out of range; the result has "
                    + result.parts + " part(s), numbered from 0"));
        }
        Reply reply = partReply(c, row, result, requestId, p);
        int sent = row.partsSent().length + (row.sent(p) ? 0 : 1);
        SessionTable.partSent(c, row.id(), p, sent == result.parts, requestId);
        return new Outcome(reply, keep);
    }

    private Reply partReply(Connection c, Row row, ResultLayout result, String requestId, int p) throws SQLException {
        ObjectNode body = readPart(c, row, result, p);
        Reply reply = Reply.ack(requestId, result.parts == 1 ? "result" : "result part " + p + " of " + result.parts, body);
        if (reply.toBytes().length > settings.frameMax()) {
            // ResultLayout guarantees this cannot happen; never send a frame the peer must refuse
            throw new IllegalStateException("result part larger than a frame");
        }
        return reply;
    }

    /** Tells the check log this comparison's result; its failure never fails the session. */
    private void keep(CheckLog checks, Row row, ResultLayout result) {
        try {
            checks.checked(new CheckLog.Checked(row.sender(), source.store(), Instant.now(), row.received(),
                    result.matched, result.count[ResultLayout.DIFFERING], result.count[ResultLayout.MISSING_IN_STORE],
                    result.count[ResultLayout.MISSING_AT_CS]));
        } catch (RuntimeException e) {
            LOG.warn("consistency check of {} ({}): its result was not kept: {}", row.sender(), source.store(),
                    e.getClass().getName());
        }
    }

    private ObjectNode readPart(Connection c, Row row, ResultLayout result, int part) throws SQLException {
        List<String> items = source.items();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("matched", result.matched);
        ArrayNode differing = body.putArray("differing");
        ArrayNode missingInStore = body.putArray("missingInStore");
        ArrayNode missingAtCs = body.putArray("missingAtCs");
        ArrayNode[] lists = {differing, missingInStore, missingAtCs};
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT code, items FROM " + row.result() + " WHERE kind = ? AND off >= ? AND off < ? ORDER BY off")) {
            for (int kind = 0; kind < ResultLayout.KINDS; kind++) {
                long[] range = result.range(part, kind);
                if (range[0] >= range[1]) {
                    continue;
                }
                ps.setShort(1, (short) kind);
                ps.setLong(2, range[0]);
                ps.setLong(3, range[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String code = code(rs.getLong(1));
                        if (kind == ResultLayout.DIFFERING) {
                            ObjectNode entry = differing.addObject();
                            entry.put("juminhyoCode", code);
                            ArrayNode names = entry.putArray("items");
                            int mask = rs.getInt(2);
                            for (int i = 0; i < items.size(); i++) {
                                if ((mask & (1 << i)) != 0) {
                                    names.add(items.get(i));
                                }
                            }
                        } else {
                            lists[kind].add(code);
                        }
                    }
                }
            }
        }
        if (result.parts > 1) {
            body.put("part", part);
            body.put("parts", result.parts);
        }
        return body;
    }

    private static String code(long code) {
        String s = Long.toString(code);
        return "0".repeat(Math.max(0, 11 - s.length())) + s;
    }
}
