package jp.tokyo.juki.audit;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.sql.DataSource;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer of the audit table: takes what the tap queued, many records at a time, appends
 * them to the hash chain ({@link AuditChain}) in one database transaction and only then
 * acknowledges them to the broker. A crash between the two re-delivers records the table
 * already has; their event id makes the append skip them, so each is written once. Two threads
 * take turns: one reads its next messages while the other appends under the chain head's lock.
 */
public final class AuditWriter extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    private static final int MAX_BATCH = 5000;

    private final ConnectionFactory connectionFactory;
    private final String queue;
    private final DataSource dataSource;
    /** The audit record that stands for one the store refused ({@code msg_id}: the refused record's event id). */
    public static final String SET_ASIDE_TYPE = GatewayEvent.AUDIT_SET_ASIDE.name();
    /** Properties of a record set aside in the audit's dead-letter queue: the SQLSTATE and the reason. */
    public static final String SET_ASIDE_STATE = "JukiSetAsideSqlState";
    public static final String SET_ASIDE_REASON = "JukiSetAsideReason";
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong setAside = new AtomicLong();
    /**
     * per writer thread: the time (epoch ms) of the oldest record of the last batch it took, kept
     * through its commit or rollback until its next receive, which takes the next batch or finds
     * the queue empty (MAX_VALUE, none): records waiting in the broker's queue behind it or rolled
     * back into it so stay counted, and nothing stale stays once the queue is empty
     */
    private final AtomicLongArray inHand;
    /** why the last batch could not be written (SQLSTATE or broker), null once one was */
    private volatile String problem;
    private final boolean chained;
    private volatile boolean running;
    private final int threads;
    private final List<Thread> workers = new ArrayList<>();
    private volatile int networkTimeoutMs;

    /**
     * @param chained false only to measure what the hash chain costs ({@code juki.audit.hash-chain});
     *                records written so cannot be verified
     */
    public AuditWriter(ConnectionFactory connectionFactory, String queue, DataSource dataSource, boolean chained) {
        this(connectionFactory, queue, dataSource, chained, 2);
    }

    /**
     * @param threads writers taking from the queue side by side: one receives and reads its next
     *                messages while another appends under the chain head's lock
     */
    public AuditWriter(ConnectionFactory connectionFactory, String queue, DataSource dataSource, boolean chained,
                       int threads) {
        this.threads = threads;
        this.inHand = new AtomicLongArray(threads);
        for (int i = 0; i < threads; i++) {
            inHand.set(i, Long.MAX_VALUE);
        }
        this.connectionFactory = connectionFactory;
        this.queue = queue;
        this.dataSource = dataSource;
        this.chained = chained;
    }

    /**
     * Each answer of the database to a batch's append awaited at most {@code timeout}
     * ({@code juki.db.network-timeout-ms}, decision 33): a connection that died in a network cut is given up and the
     * batch stays queued, instead of the writer, and the gateway's stop, waiting on TCP for minutes. Call before
     * {@code start()}.
     */
    public AuditWriter boundedBy(Duration timeout) {
        this.networkTimeoutMs = Math.toIntExact(timeout.toMillis());
        return this;
    }

    public long written() {
        return written.get();
    }

    /** Records the store refused and that were set aside (this run). */
    public long setAside() {
        return setAside.get();
    }

    /**
     * The time of the oldest record of the writers' last batches, or null when each writer's last
     * receive found the queue empty. A batch stays counted after its commit until its writer's next
     * receive (at most 200 ms later, or the next batch), which over-states the lag by that much
     * rather than miss a backlog in the broker's queue.
     */
    public Instant oldestUnwritten() {
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < inHand.length(); i++) {
            oldest = Math.min(oldest, inHand.get(i));
        }
        return oldest == Long.MAX_VALUE ? null : Instant.ofEpochMilli(oldest);
    }

    /** Why the last attempt to write failed (an SQLSTATE, no data), or null when the last one succeeded. */
    public String problem() {
        return problem;
    }

    @Override
    protected void doStart() {
        running = true;
        for (int i = 0; i < threads; i++) {
            int index = i;
            Thread worker = new Thread(() -> writeLoop(index), "audit-writer-" + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
    }

    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        for (Thread worker : workers) {
            worker.join(15_000);
        }
        workers.clear();
    }

    private void writeLoop(int index) {
        while (running) {
            try (var connection = connectionFactory.createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
                MessageProducer deadLetters = session.createProducer(session.createQueue(deadLetterQueue()));
                deadLetters.setDeliveryMode(DeliveryMode.PERSISTENT);
                while (running) {
                    Message first = consumer.receive(200);
                    if (first == null) {
                        // the queue had nothing for this thread: it holds nothing unwritten (what it
                        // rolled back before is in another thread's hand now, or written)
                        inHand.set(index, Long.MAX_VALUE);
                        continue;
                    }
                    List<AuditMessages.Queued> events = new ArrayList<>();
                    addEvents(first, events, deadLetters);
                    boolean redelivered = first.getJMSRedelivered();
                    Message next;
                    while (events.size() < MAX_BATCH && (next = consumer.receiveNoWait()) != null) {
                        addEvents(next, events, deadLetters);
                        redelivered |= next.getJMSRedelivered();
                    }
                    inHand.set(index, oldest(events));
                    try {
                        Written w = insert(events, redelivered);
                        for (AuditSetAside.Refused r : w.refused()) {
                            AuditSetAside.keep(r, deadLetters, session, deadLetterQueue());
                        }
                        session.commit();
                        written.addAndGet(w.appended());
                        setAside.addAndGet(w.refused().size());
                        // inHand stays until the next receive: it finds the queue empty (cleared) or
                        // takes the next batch (its time), so a backlog behind this batch stays counted
                        problem = null;
                    } catch (SQLException | RuntimeException | AssertionError e) {
                        // AssertionError: pgjdbc asserts on a connection killed mid-batch when run with -ea
                        String why = e instanceof SQLException s && s.getSQLState() != null ? "SQLSTATE " + s.getSQLState()
                                : e.getClass().getSimpleName();
                        problem = why;
                        LOG.warn("audit store unavailable, {} record(s) stay queued: {}", events.size(), why);
                        session.rollback();
                        Thread.sleep(1000);
                    }
                }
            } catch (JMSException e) {
                // what this thread held goes back to the queue, uncommitted, for whichever thread takes it
                // next; its time stays counted until this thread's next receive finds the queue empty
                problem = "broker: " + e.getClass().getSimpleName();
                LOG.warn("audit writer lost the broker, retrying: {}", e.getMessage());
                sleepQuietly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The audit's dead-letter queue: unreadable messages and records the store refused. */
    private String deadLetterQueue() {
        return "DLQ." + queue;
    }

    /** The time (epoch milliseconds) of the oldest of {@code events}. */
    private static long oldest(List<AuditMessages.Queued> events) {
        long oldest = Long.MAX_VALUE;
        for (AuditMessages.Queued e : events) {
            oldest = Math.min(oldest, e.event().at().toEpochMilli());
        }
        return oldest;
    }

    /**
     * Adds the events of one queued message; a message that is not a list of events is moved, in
     * the same transaction, to the audit's dead-letter queue (kept, never dropped) instead.
     */
    private void addEvents(Message message, List<AuditMessages.Queued> into, MessageProducer deadLetters)
            throws JMSException {
        try {
            into.addAll(AuditMessages.read(message));
        } catch (IOException | ClassCastException | IllegalArgumentException
                 | DateTimeParseException e) {
            LOG.error("unreadable audit message {} moved to DLQ.{}", message.getJMSMessageID(), queue);
            deadLetters.send(message);
        }
    }

    private record Written(int appended, List<AuditSetAside.Refused> refused) {
    }

    /**
     * Appends the events in one transaction. Only messages delivered before can hold events the
     * table already has; should the broker not say so (after its own restart), the unique event id
     * refuses the append and it is done again looking for them. A batch the store refuses for what
     * a record holds ({@link #refusedForItsContent}) is split in halves until the records it refuses
     * stand alone: those are set aside, each with an {@code AUDIT_SET_ASIDE} record in their place,
     * and the others are written in order. Any other failure (connection lost, privilege, lock
     * timeout) is thrown: the whole batch stays queued and is tried again.
     */
    private Written insert(List<AuditMessages.Queued> events, boolean redelivered) throws SQLException {
        List<AuditEvent> parsed = new ArrayList<>(events.size());
        Map<UUID, JsonNode> raw = new HashMap<>();
        for (AuditMessages.Queued e : events) {
            parsed.add(e.event());
            raw.putIfAbsent(e.event().eventId(), e.raw());
        }
        try (Connection c = dataSource.getConnection()) {
            if (networkTimeoutMs > 0) {
                c.setNetworkTimeout(Runnable::run, networkTimeoutMs);
            }
            c.setAutoCommit(false);
            int appended;
            List<AuditSetAside.Refused> refused = new ArrayList<>();
            try {
                appended = append(c, parsed, redelivered);
            } catch (SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException lost) {
                    // the connection is gone: what failed first is the cause, and the batch stays queued
                    e.addSuppressed(lost);
                    throw e;
                }
                if (!AuditSetAside.refusedForItsContent(e)) {
                    throw e;
                }
                List<AuditEvent> refusedEvents = new ArrayList<>();
                List<SQLException> causes = new ArrayList<>();
                appended = appendSplitting(c, parsed, refusedEvents, causes);
                List<AuditEvent> notes = new ArrayList<>();
                for (int i = 0; i < refusedEvents.size(); i++) {
                    AuditEvent event = refusedEvents.get(i);
                    AuditSetAside.Refused r = new AuditSetAside.Refused(raw.get(event.eventId()), event,
                            causes.get(i).getSQLState(), AuditSetAside.reason(causes.get(i), event));
                    refused.add(r);
                    notes.add(AuditSetAside.note(r, deadLetterQueue()));
                }
                appended += append(c, notes, true);
            }
            c.commit();
            return new Written(appended, refused);
        }
    }

    /**
     * Appends {@code events} in order, each half on its own when the whole is refused for a record's
     * content, down to single records, which are collected in {@code refused} with their cause.
     */
    private int appendSplitting(Connection c, List<AuditEvent> events, List<AuditEvent> refused,
                                List<SQLException> causes) throws SQLException {
        Savepoint before = c.setSavepoint();
        try {
            int n = append(c, events, true);
            c.releaseSavepoint(before);
            return n;
        } catch (SQLException e) {
            c.rollback(before);
            if (!AuditSetAside.refusedForItsContent(e)) {
                throw e;
            }
            if (events.size() == 1) {
                refused.add(events.get(0));
                causes.add(e);
                return 0;
            }
            int half = events.size() / 2;
            return appendSplitting(c, events.subList(0, half), refused, causes)
                    + appendSplitting(c, events.subList(half, events.size()), refused, causes);
        }
    }

    private int append(Connection c, List<AuditEvent> events, boolean maybeKnown) throws SQLException {
        if (chained) {
            return AuditChain.append(c, events, maybeKnown);
        }
        return AuditChain.appendUnchained(c, events);
    }

    /**
     * Appends events to the audit chain on the caller's connection — in the caller's transaction
     * when auto-commit is off (the caller commits), otherwise in a transaction of its own. The one
     * way both this writer and operator tools that reach the database directly write the audit.
     * An event already there (same event id) is skipped.
     */
    public static void insert(Connection c, List<AuditEvent> events) throws SQLException {
        if (!c.getAutoCommit()) {
            AuditChain.append(c, events);
            return;
        }
        c.setAutoCommit(false);
        try {
            AuditChain.append(c, events);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
