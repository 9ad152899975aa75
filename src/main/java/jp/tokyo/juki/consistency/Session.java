package jp.tokyo.juki.consistency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import jp.tokyo.juki.record.Violation;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Refusals;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consistency session (整合処理の一回分) of one CS for one store: its own database connection
 * holding two temporary tables — the staged digests of the CS's records and, after
 * {@code CONSISTENCY_END}, the result entries — and the session's digest key. Closing the
 * connection drops both tables, so a closed or expired session leaves nothing behind.
 *
 * <p>All work runs on the session's {@link SerialQueue}, one request after the other in the
 * order they arrived; the fields are only touched there.
 */
final class Session<R> {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    enum State { OPENING, STAGING, RESULT, CLOSED }

    /** A session is named by its CS and the session name the CS chose. */
    record Key(String sender, String name) {
    }

    final Key key;
    final ConsistencySource<R> source;
    final long expected;
    private final Sessions.Opener opener;
    private final Settings settings;
    private final SerialQueue queue;
    private final Runnable onClosed;
    private final CheckLog checks;
    private final ItemDigest digest = ItemDigest.withRandomKey();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile long lastActive = System.nanoTime();
    private volatile State state = State.OPENING;
    /** volatile: closed from the stopping thread while a task may be using it (the task then fails) */
    private volatile Connection db;
    private int nextChunk;
    private long received;
    private ResultLayout result;
    private BitSet partsSent;
    private long begun = System.nanoTime();
    /** time spent checking and digesting chunks, and copying them to the store: for the log line at END */
    private long checkingNanos;
    private long stagingNanos;

    /** @param onClosed called once when the session closes, so the registry forgets it */
    Session(Key key, ConsistencySource<R> source, long expected, Sessions.Opener opener, Settings settings,
            SerialQueue queue, CheckLog checks, Runnable onClosed) {
        this.key = key;
        this.checks = checks;
        this.onClosed = onClosed;
        this.source = source;
        this.expected = expected;
        this.opener = opener;
        this.settings = settings;
        this.queue = queue;
    }

    /** Runs {@code task} after every earlier task of this session; a closed session answers E150. */
    CompletableFuture<Reply> enqueue(String requestId, Callable<Reply> task) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        waiting.incrementAndGet();
        lastActive = System.nanoTime();
        queue.submit(() -> {
            try {
                if (state == State.CLOSED) {
                    reply.complete(Reply.nack(requestId, ReplyCode.E150, Sessions.UNKNOWN_SESSION));
                    return;
                }
                reply.complete(task.call());
            } catch (Exception | Error e) {
                LOG.error("consistency session of {} ({}) failed: {}", key.sender(), source.store(), e.getClass().getName());
                close();
                reply.complete(Reply.nack(requestId, ReplyCode.E503,
                        "internal error; the consistency session was closed, begin again"));
            } finally {
                lastActive = System.nanoTime();
                waiting.decrementAndGet();
            }
        });
        return reply;
    }

    /** No request waiting or running, and none for longer than {@code idleNanos}. */
    boolean idleFor(long idleNanos) {
        return waiting.get() == 0 && System.nanoTime() - lastActive > idleNanos;
    }

    boolean closed() {
        return state == State.CLOSED;
    }

    /** Requests of this session queued or running. */
    int inFlight() {
        return waiting.get();
    }

    /** {@code CONSISTENCY_BEGIN}: the connection and the staging table. */
    Reply open(String requestId) throws SQLException {
        begun = System.nanoTime();
        try {
            db = opener.open();
            try (Statement s = db.createStatement()) {
                // session settings of this connection only; the temporary tables never reach the WAL
                s.execute("SET work_mem = '" + settings.workMem() + "'");
                s.execute("SET temp_buffers = '" + settings.tempBuffers() + "'");
                s.execute("SET synchronous_commit = off");
                s.execute("CREATE TEMP TABLE cs_staged (code bigint NOT NULL, pos bigint NOT NULL, digests bytea NOT NULL)");
                s.execute("CREATE TEMP TABLE cs_result (kind smallint NOT NULL, off bigint NOT NULL, code bigint NOT NULL, "
                        + "items integer NOT NULL)");
            }
        } catch (SQLException e) {
            LOG.warn("consistency session of {} ({}) not opened: store unavailable ({})", key.sender(), source.store(),
                    e.getSQLState());
            close();
            return Reply.nack(requestId, ReplyCode.E503, "store unavailable; no session was opened");
        }
        state = State.STAGING;
        return Reply.ack(requestId, "session open", Json.MAPPER.createObjectNode());
    }

    /**
     * A chunk checked and digested, ready to stage — or the refusal of one of its records. Made
     * by {@link #check} on any thread (it touches no session state), taken or refused in
     * request order by {@link #chunk}.
     */
    record Checked(int records, byte[] copy, ReplyCode refusal, String detail, long nanos) {
    }

    /**
     * Checks every record of a chunk with the update's item rules and digests it with the
     * session's key. Independent of the session's state, so the chunks a CS pipelines are
     * checked in parallel while the previous ones are being staged.
     */
    Checked check(int chunk, JsonNode records) {
        long t0 = System.nanoTime();
        int n = records.size();
        List<String> items = source.items();
        ItemDigest digest = this.digest.copy();
        long[] digests = new long[items.size()];
        Set<String> seen = new HashSet<>(n * 2);
        BinaryCopy copy = new BinaryCopy(n * (30 + 8 * items.size()) + 21);
        for (int i = 0; i < n; i++) {
            String path = "body.records[" + i + "]";
            R record;
            try {
                record = source.read(records.get(i), key.sender(), path);
            } catch (Violation v) {
                return new Checked(n, null, Refusals.codeOf(v), v.detail(), 0);
            }
            String code = source.juminhyoCode(record);
            if (!seen.add(code)) {
                return new Checked(n, null, ReplyCode.E110, path + ".juminhyoCode: occurs twice in this chunk", 0);
            }
            source.digest(record, digest, digests);
            copy.row(3).int8(Long.parseLong(code)).int8(position(chunk, i)).longs(digests);
        }
        return new Checked(n, copy.finish(), null, null, System.nanoTime() - t0);
    }

    /**
     * {@code CONSISTENCY_RECORDS}, in request order: takes a checked chunk if it is the next one
     * and fits the announced count, staging all its records in one COPY — a refused chunk leaves
     * nothing staged and may be sent again.
     */
    Reply chunk(String requestId, int chunk, Checked checked) {
        if (state != State.STAGING) {
            return Reply.nack(requestId, ReplyCode.E150, "body.session: the session has ended; no more chunks");
        }
        if (chunk != nextChunk) {
            return Reply.nack(requestId, ReplyCode.E150, "body.chunk: out of order; expected chunk " + nextChunk);
        }
        if (received + checked.records() > expected) {
            return Reply.nack(requestId, ReplyCode.E150, "body.records: more records than the " + expected
                    + " announced at begin");
        }
        if (checked.refusal() != null) {
            return Reply.nack(requestId, checked.refusal(), checked.detail());
        }
        long t1 = System.nanoTime();
        try {
            db.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY cs_staged (code, pos, digests) FROM STDIN (FORMAT binary)", new ByteArrayInputStream(checked.copy()));
        } catch (SQLException | IOException e) {
            LOG.warn("consistency session of {} ({}): chunk not staged, store unavailable; session closed", key.sender(),
                    source.store());
            close();
            return Reply.nack(requestId, ReplyCode.E503, "store unavailable; the chunk was not taken and the "
                    + "consistency session was closed, begin again");
        }
        checkingNanos += checked.nanos();
        stagingNanos += System.nanoTime() - t1;
        nextChunk++;
        received += checked.records();
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
     * afterwards answers the part asked for. The session closes once every part has been sent.
     */
    Reply end(String requestId, Integer part) throws SQLException {
        if (state == State.STAGING) {
            if (part != null && part != 0) {
                return Reply.nack(requestId, ReplyCode.E150, "body.part: no result yet; end the session without part first");
            }
            if (received != expected) {
                close();
                return Reply.nack(requestId, ReplyCode.E150, "body.session: received " + received
                        + " records but " + expected + " were announced; session closed");
            }
            long t0 = System.nanoTime();
            try {
                result = new Comparison<>(db, source, digest).run(opener, key.sender(), settings.partBudget(source.items()));
            } catch (Comparison.DuplicateCode d) {
                close();
                return Reply.nack(requestId, ReplyCode.E150, "body.records: the same juminhyoCode was sent in "
                        + describe(d.first) + " and " + describe(d.second) + "; session closed");
            } catch (SQLException e) {
                LOG.warn("consistency session of {} ({}): comparison failed, store unavailable ({}); session closed",
                        key.sender(), source.store(), e.getSQLState());
                close();
                return Reply.nack(requestId, ReplyCode.E503, "store unavailable; the consistency session was closed, "
                        + "begin again");
            }
            partsSent = new BitSet(result.parts);
            state = State.RESULT;
            LOG.info("consistency check of {} ({}): {} records, {} matched, {} differing, {} missing in store, {} missing at "
                            + "CS; {} ms since begin, of which {} ms checking chunks, {} ms staging them, {} ms comparing; "
                            + "{} part(s)", key.sender(), source.store(), received, result.matched,
                    result.count[ResultLayout.DIFFERING], result.count[ResultLayout.MISSING_IN_STORE],
                    result.count[ResultLayout.MISSING_AT_CS], (System.nanoTime() - begun) / 1_000_000,
                    checkingNanos / 1_000_000, stagingNanos / 1_000_000, (System.nanoTime() - t0) / 1_000_000, result.parts);
            keep();
        }
        int p = part == null ? 0 : part;
        if (p >= result.parts) {
            return Reply.nack(requestId, ReplyCode.E150, "body.part: out of range; the result has " + result.parts
                    + " part(s), numbered from 0");
        }
        ObjectNode body = readPart(p);
        Reply reply = Reply.ack(requestId, result.parts == 1 ? "result" : "result part " + p + " of " + result.parts, body);
        if (reply.toBytes().length > settings.frameMax()) {
            // ResultLayout guarantees this cannot happen; never send a frame the peer must refuse
            throw new IllegalStateException("result part larger than a frame");
        }
        partsSent.set(p);
        if (partsSent.cardinality() == result.parts) {
            close();
        }
        return reply;
    }

    /** Tells the check log this comparison's result; its failure never fails the session. */
    private void keep() {
        try {
            checks.checked(new CheckLog.Checked(key.sender(), source.store(), Instant.now(), received, result.matched,
                    result.count[ResultLayout.DIFFERING], result.count[ResultLayout.MISSING_IN_STORE],
                    result.count[ResultLayout.MISSING_AT_CS]));
        } catch (RuntimeException e) {
            LOG.warn("consistency check of {} ({}): its result was not kept: {}", key.sender(), source.store(),
                    e.getClass().getName());
        }
    }

    private ObjectNode readPart(int part) throws SQLException {
        List<String> items = source.items();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("matched", result.matched);
        ArrayNode differing = body.putArray("differing");
        ArrayNode missingInStore = body.putArray("missingInStore");
        ArrayNode missingAtCs = body.putArray("missingAtCs");
        ArrayNode[] lists = {differing, missingInStore, missingAtCs};
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT code, items FROM cs_result WHERE kind = ? AND off >= ? AND off < ? ORDER BY off")) {
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

    /** Drops the temporary tables with the connection. Idempotent. */
    void close() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            onClosed.run();
        }
        Connection c = db;
        db = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.warn("consistency session connection did not close cleanly: {}", e.getSQLState());
            }
        }
    }
}
