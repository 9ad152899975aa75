package jp.tokyo.juki.consistency;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.WireRefusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open consistency sessions of this gateway node: opening within the limits, finding,
 * expiring the abandoned ones ({@link #expireIdle}, called by the timer route
 * {@code routes/consistency.camel.yaml}) and closing all of them when the gateway stops.
 * Sessions live in this node's memory and database connection: a CS keeps a session on one
 * node (one gateway address, or a balancer with affinity by sender).
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

    private final Map<String, Store<?>> stores = new LinkedHashMap<>();
    private final Settings settings;
    private final AuditTap audit;
    private final ExecutorService pool;
    private final ExecutorService checkers;
    private final ExecutorService replies;
    private final Map<Session.Key, Session<?>> open = new ConcurrentHashMap<>();
    /** every session not yet closed — the expired ones too, until their close has run */
    private final Set<Session<?>> live = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private volatile CheckLog checks = CheckLog.NONE;

    /**
     * @param threads the threads that check chunks, and as many that stage them and compare, shared
     *                by all sessions (two pools: a session's in-order task waits for its chunk's
     *                check, and must never wait for a thread that itself waits)
     */
    public Sessions(List<Store<?>> stores, Settings settings, AuditTap audit, int threads) {
        stores.forEach(s -> this.stores.put(s.source().store(), s));
        this.settings = settings;
        this.audit = audit;
        this.pool = daemons(threads, "consistency-");
        this.checkers = daemons(threads, "consistency-check-");
        this.replies = daemons(2, "consistency-reply-");
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

    ExecutorService pool() {
        return pool;
    }

    ExecutorService checkers() {
        return checkers;
    }

    /** Where the CS route continues with a reply: never behind a session's long comparison. */
    ExecutorService replies() {
        return replies;
    }

    /**
     * Registers a new session and queues the opening of its connection, so that chunks
     * pipelined right behind the BEGIN find it (they queue behind the opening).
     */
    CompletableFuture<Reply> begin(String sender, String name, String store, long expected, String requestId)
            throws WireRefusal {
        Session<?> session;
        synchronized (this) {
            if (stopping) {
                throw new WireRefusal(ReplyCode.E503, "gateway is stopping; no session was opened", requestId);
            }
            Session.Key key = new Session.Key(sender, name);
            if (open.containsKey(key)) {
                throw new WireRefusal(ReplyCode.E150, "body.session: a session of this name is already open", requestId);
            }
            if (open.size() >= settings.maxSessions()) {
                throw new WireRefusal(ReplyCode.E503, "too many consistency sessions open; begin again later", requestId);
            }
            if (open.keySet().stream().filter(k -> k.sender().equals(sender)).count() >= settings.maxSessionsPerSender()) {
                throw new WireRefusal(ReplyCode.E503, "this CS already has " + settings.maxSessionsPerSender()
                        + " consistency session(s) open; end one or begin again later", requestId);
            }
            session = newSession(key, stores.get(store), expected);
            open.put(key, session);
            live.add(session);
        }
        return session.enqueue(requestId, () -> session.open(requestId));
    }

    private <R> Session<R> newSession(Session.Key key, Store<R> store, long expected) {
        Session<R>[] self = new Session[1];
        self[0] = new Session<>(key, store.source(), expected, store.opener(), settings, new SerialQueue(pool),
                checked -> checks.checked(checked), () -> {
                    open.remove(key, self[0]);
                    live.remove(self[0]);
                });
        return self[0];
    }

    /** The open session, or E150. */
    Session<?> find(String sender, String name, String requestId) throws WireRefusal {
        Session<?> s = open.get(new Session.Key(sender, name));
        if (s == null || s.closed()) {
            throw new WireRefusal(ReplyCode.E150, UNKNOWN_SESSION, requestId);
        }
        return s;
    }

    /** Closes the sessions idle for longer than the idle timeout; returns how many. */
    public int expireIdle() {
        long idle = settings.idleTimeout().toNanos();
        int expired = 0;
        for (Session<?> s : open.values()) {
            if (s.idleFor(idle) && open.remove(s.key, s)) {
                expired++;
                s.enqueue(null, () -> {
                    s.close();
                    return null;
                });
                LOG.info("consistency session of {} ({}) expired after {} s without a request; closed", s.key.sender(),
                        s.source.store(), settings.idleTimeout().toSeconds());
                audit.record(AuditEvent.in(AuditLine.CS, Identities.cs(s.key.sender()), GatewayEvent.CONSISTENCY_EXPIRED)
                        .sender(s.key.sender()).status(AuditStatus.CLOSED).code(ReplyCode.E150)
                        .detail("session idle for more than " + settings.idleTimeout().toSeconds()
                                + " s; closed and its staged records dropped"));
            }
        }
        return expired;
    }

    int openSessions() {
        return open.size();
    }

    /** After the routes have stopped: closes every session (their temporary tables go with the connections). */
    @Override
    public void close() {
        synchronized (this) {
            stopping = true;
        }
        for (Session<?> s : open.values()) {
            s.enqueue(null, () -> {
                s.close();
                return null;
            });
        }
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
        // whatever is left — a session expired but not yet closed, or one whose close task the
        // stopped pool dropped — closes here, so no connection outlives the gateway
        List.copyOf(live).forEach(Session::close);
    }
}
