package jp.tokyo.juki.consistency;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.consistency.SessionTable.Row;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.WireRefusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of the consistency sessions, whose state is in the database (V21, shared by
 * every gateway node): each request is one transaction that begins by locking the session's row,
 * so any node takes any request of a session, in the order the row lock grants them. Here: the
 * transactions, a per-session queue that keeps the requests one node received in their order
 * (chunks are checked in parallel ahead of it), expiring the abandoned sessions
 * ({@link #expireIdle}, the timer route {@code routes/consistency.camel.yaml}; safe on every node at
 * once) and refusing new sessions while the gateway stops.
 */
public final class Sessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    static final String UNKNOWN_SESSION = "body.session: no such session (never begun, closed or expired)";

    /** Opens a fresh database connection logged in as the store's role. */
    @FunctionalInterface
    public interface Opener {
        Connection open() throws SQLException;
    }

    /** One store the check serves: how its records are read and compared, and how to reach it. */
    public record Store<R>(ConsistencySource<R> source, Opener opener) {
    }

    /** A session's name. */
    record Key(String sender, String name) {
    }

    /** The requests of one session this node has received and not yet answered, in order. */
    private static final class Lane {
        final SerialQueue queue;
        final AtomicInteger waiting = new AtomicInteger();

        Lane(ExecutorService pool) {
            queue = new SerialQueue(pool);
        }
    }

    /** A transaction's work. */
    @FunctionalInterface
    private interface Work {
        SessionSteps.Outcome run(Connection c) throws SQLException;
    }

    private final Map<String, SessionSteps<?>> stores = new LinkedHashMap<>();
    private final Settings settings;
    private final AuditTap audit;
    private final Connections connections;
    private final ExecutorService pool;
    private final ExecutorService checkers;
    private final ExecutorService replies;
    private final Map<Key, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile CheckLog checks = CheckLog.NONE;

    /**
     * @param sessions the connections the session transactions run on (the session tables are the
     *                 same for both stores; the store itself is read on a connection of its own role)
     * @param threads  the threads that check chunks, and as many that stage them and compare, shared
     *                 by all sessions (two pools: a session's in-order task waits for its chunk's
     *                 check, and must never wait for a thread that itself waits)
     */
    public Sessions(List<Store<?>> stores, Opener sessions, Settings settings, AuditTap audit, int threads) {
        stores.forEach(s -> this.stores.put(s.source().store(), steps(s, settings)));
        this.settings = settings;
        this.audit = audit;
        this.connections = new Connections(sessions, 2 * threads + 1);
        this.pool = daemons(threads, "consistency-");
        this.checkers = daemons(threads, "consistency-check-");
        this.replies = daemons(2, "consistency-reply-");
    }

    private static <R> SessionSteps<R> steps(Store<R> s, Settings settings) {
        return new SessionSteps<>(s.source(), s.opener(), settings);
    }

    private static ExecutorService daemons(int threads, String name) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    Settings settings() {
        return settings;
    }

    /** Where each comparison's result is kept from now on (R-CONS). */
    public void keepResultsIn(CheckLog log) {
        this.checks = log;
    }

    /** The {@code store} values served, e.g. {@code [HONNIN, FUHYO]}. */
    List<String> storeNames() {
        return List.copyOf(stores.keySet());
    }

    /** Where the CS route continues with a reply: never behind a session's long comparison. */
    ExecutorService replies() {
        return replies;
    }

    /** {@code CONSISTENCY_BEGIN}: queued like the session's other requests, so chunks pipelined right behind it find it. */
    CompletableFuture<Reply> begin(String sender, String name, String store, long expected, String requestId)
            throws WireRefusal {
        if (stopping) {
            throw new WireRefusal(ReplyCode.E503, "gateway is stopping; no session was opened", requestId);
        }
        SessionSteps<?> steps = stores.get(store);
        return enqueue(new Key(sender, name), requestId, () -> transaction(requestId, "no session was opened",
                c -> steps.begin(c, sender, name, expected, requestId)));
    }

    /** This node's requests of a session queued or running, for bounding what other connections add. */
    int inFlight(String sender, String name) {
        Lane lane = lanes.get(new Key(sender, name));
        return lane == null ? 0 : lane.waiting.get();
    }

    /**
     * {@code CONSISTENCY_RECORDS}: checked and digested at once on the checking threads (beside
     * the staging of the chunks before it), taken in order.
     */
    CompletableFuture<Reply> chunk(String sender, String name, int chunk, JsonNode records, String requestId) {
        CompletableFuture<SessionSteps.Checked> checked = CompletableFuture.supplyAsync(
                () -> checkAhead(sender, name, chunk, records), checkers);
        return enqueue(new Key(sender, name), requestId, () -> transaction(requestId,
                "the chunk was not taken; send it again", c -> {
                    // checked before the row is locked: the lock is held only while the chunk is taken
                    SessionSteps.Checked ch = checked.join();
                    Row row = SessionTable.lock(c, sender, name);
                    if (row == null) {
                        return SessionSteps.Outcome.of(Reply.nack(requestId, ReplyCode.E150, UNKNOWN_SESSION));
                    }
                    if (ch == null || ch.session() != row.id()) {
                        // the session began (again) after the look-ahead read it: digest with its key now
                        ch = stores.get(row.store()).check(row.id(), row.digest(), sender, chunk, records);
                    }
                    return stores.get(row.store()).chunk(c, row, requestId, chunk, ch);
                }));
    }

    /** The chunk checked with the key of the session as committed now; null when there is none yet. */
    private SessionSteps.Checked checkAhead(String sender, String name, int chunk, JsonNode records) {
        Row row;
        try {
            row = inTransaction(c -> SessionTable.peek(c, sender, name));
        } catch (SQLException | RuntimeException e) {
            return null;
        }
        return row == null ? null : stores.get(row.store()).check(row.id(), row.digest(), sender, chunk, records);
    }

    /** {@code CONSISTENCY_END}: compares the first time; answers a part of the result afterwards. */
    CompletableFuture<Reply> end(String sender, String name, Integer part, String requestId) {
        return enqueue(new Key(sender, name), requestId, () -> transaction(requestId,
                "nothing was compared; send the end again", c -> {
                    Row row = SessionTable.lock(c, sender, name);
                    if (row == null) {
                        return SessionSteps.Outcome.of(Reply.nack(requestId, ReplyCode.E150, UNKNOWN_SESSION));
                    }
                    return stores.get(row.store()).end(c, row, requestId, part, checks);
                }));
    }

    private interface Task {
        Reply call();
    }

    /** Runs {@code task} after every earlier request of this session that this node received. */
    private CompletableFuture<Reply> enqueue(Key key, String requestId, Task task) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        Lane lane = lanes.compute(key, (k, l) -> {
            Lane v = l == null ? new Lane(pool) : l;
            v.waiting.incrementAndGet();
            return v;
        });
        lane.queue.submit(() -> {
            try {
                reply.complete(task.call());
            } catch (RuntimeException | Error e) {
                LOG.error("consistency request {} failed: {}", requestId, e.getClass().getName());
                reply.complete(Reply.nack(requestId, ReplyCode.E503, "internal error; nothing was taken"));
            } finally {
                lanes.computeIfPresent(key, (k, l) -> l.waiting.decrementAndGet() == 0 ? null : l);
            }
        });
        return reply;
    }

    /** One transaction; a failure of the store answers E503 with nothing changed. */
    private Reply transaction(String requestId, String nothingDone, Work work) {
        if (stopping) {
            return Reply.nack(requestId, ReplyCode.E503, "gateway is stopping; " + nothingDone);
        }
        try {
            SessionSteps.Outcome outcome = inTransaction(work::run);
            outcome.afterCommit().run();
            return outcome.reply();
        } catch (SQLException e) {
            LOG.warn("consistency request {}: store unavailable ({}); {}", requestId, e.getSQLState(), nothingDone);
            return Reply.nack(requestId, ReplyCode.E503, "store unavailable; " + nothingDone);
        } catch (RuntimeException e) {
            LOG.error("consistency request {} failed: {}", requestId, e.getClass().getName());
            return Reply.nack(requestId, ReplyCode.E503, "internal error; " + nothingDone);
        }
    }

    /** Work in one transaction of its own. */
    @FunctionalInterface
    private interface InTransaction<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in a transaction and commits it; rolls back on any failure. */
    private <T> T inTransaction(InTransaction<T> work) throws SQLException {
        return inTransaction(work, 0);
    }

    /**
     * As {@link #inTransaction(InTransaction)}, each answer of the database (the COMMIT's too) awaited at most
     * {@code networkTimeoutMs} (0: no bound); the connection goes back with its timeout as it was.
     */
    private <T> T inTransaction(InTransaction<T> work, int networkTimeoutMs) throws SQLException {
        Connection c = connections.take();
        boolean healthy = false;
        int before = -1;
        try {
            if (networkTimeoutMs > 0) {
                before = c.getNetworkTimeout();
                c.setNetworkTimeout(Runnable::run, networkTimeoutMs);
            }
            T result = work.run(c);
            c.commit();
            if (before >= 0) {
                c.setNetworkTimeout(Runnable::run, before);
            }
            healthy = true;
            return result;
        } finally {
            if (!healthy) {
                rollback(c);
            }
            connections.give(c, healthy);
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is closed, not kept, which ends the transaction all the same
        }
    }

    /**
     * Closes the sessions idle for longer than the idle timeout, on every node at once: each
     * takes the ones no other transaction holds. Returns how many this node closed.
     */
    public int expireIdle() {
        int expired = 0;
        long idle = settings.idleTimeout().toSeconds();
        while (!stopping) {
            Row s;
            try {
                // a short look, bounded: a node cut off the network does not wait on it for minutes
                s = inTransaction(c -> {
                    Row row = SessionTable.idle(c, idle);
                    if (row != null) {
                        SessionTable.delete(c, row.id());
                    }
                    return row;
                }, Math.toIntExact(settings.networkTimeout().toMillis()));
            } catch (SQLException | RuntimeException e) {
                LOG.warn("consistency sessions not looked at for expiry: {}", e instanceof SQLException q
                        ? "store unavailable (" + q.getSQLState() + ")" : e.getClass().getName());
                return expired;
            }
            if (s == null) {
                return expired;
            }
            if (s.state() == SessionTable.State.DONE) {
                // every part was answered: only the replay of its last END goes
                continue;
            }
            expired++;
            LOG.info("consistency session of {} ({}) expired after {} s without a request; closed", s.sender(),
                    s.store(), idle);
            audit.record(AuditEvent.in(AuditLine.CS, Identities.cs(s.sender()), GatewayEvent.CONSISTENCY_EXPIRED)
                    .sender(s.sender()).status(AuditStatus.CLOSED).code(ReplyCode.E150)
                    .detail("session idle for more than " + idle + " s; closed and its staged records dropped"));
        }
        return expired;
    }

    /**
     * After the routes have stopped: the requests queued here are answered E503, and the
     * connections close. The sessions stay in the database for the CS to continue on any node.
     */
    @Override
    public void close() {
        stopping = true;
        for (ExecutorService e : List.of(checkers, pool, replies)) {
            e.shutdown();
            try {
                if (!e.awaitTermination(10, TimeUnit.SECONDS)) {
                    e.shutdownNow();
                }
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                e.shutdownNow();
            }
        }
        connections.close();
    }
}
