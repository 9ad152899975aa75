package jp.tokyo.juki.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
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
    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicLong written = new AtomicLong();
    private final boolean chained;
    private volatile boolean running;
    private final int threads;
    private final List<Thread> workers = new ArrayList<>();

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
        this.connectionFactory = connectionFactory;
        this.queue = queue;
        this.dataSource = dataSource;
        this.chained = chained;
    }

    public long written() {
        return written.get();
    }

    @Override
    protected void doStart() {
        running = true;
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(this::writeLoop, "audit-writer-" + i);
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

    private void writeLoop() {
        while (running) {
            try (Connection connection = connectionFactory.createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
                jakarta.jms.MessageProducer deadLetters = session.createProducer(session.createQueue("DLQ." + queue));
                deadLetters.setDeliveryMode(jakarta.jms.DeliveryMode.PERSISTENT);
                while (running) {
                    Message first = consumer.receive(200);
                    if (first == null) {
                        continue;
                    }
                    List<JsonNode> events = new ArrayList<>();
                    addEvents(first, events, deadLetters);
                    boolean redelivered = first.getJMSRedelivered();
                    Message next;
                    while (events.size() < MAX_BATCH && (next = consumer.receiveNoWait()) != null) {
                        addEvents(next, events, deadLetters);
                        redelivered |= next.getJMSRedelivered();
                    }
                    try {
                        insert(events, redelivered);
                        session.commit();
                        written.addAndGet(events.size());
                    } catch (SQLException | RuntimeException | AssertionError e) {
                        // AssertionError: pgjdbc asserts on a connection killed mid-batch when run with -ea
                        LOG.warn("audit store unavailable, {} record(s) stay queued: {}", events.size(),
                                e instanceof SQLException s ? s.getSQLState() : e.getClass().getSimpleName());
                        session.rollback();
                        Thread.sleep(1000);
                    }
                }
            } catch (JMSException e) {
                LOG.warn("audit writer lost the broker, retrying: {}", e.getMessage());
                sleepQuietly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Adds the events of one queued message; a message that is not a list of events is moved, in
     * the same transaction, to the audit's dead-letter queue (kept, never dropped) instead.
     */
    private void addEvents(Message message, List<JsonNode> into, jakarta.jms.MessageProducer deadLetters)
            throws JMSException {
        try {
            JsonNode array = mapper.readTree(((TextMessage) message).getText());
            if (!array.isArray()) {
                throw new java.io.IOException("not an array");
            }
            for (JsonNode e : array) {
                UUID.fromString(e.path("eventId").asText());
                Instant.parse(e.path("at").asText());
            }
            array.forEach(into::add);
        } catch (java.io.IOException | ClassCastException | IllegalArgumentException
                 | java.time.format.DateTimeParseException e) {
            LOG.error("unreadable audit message {} moved to DLQ.{}", message.getJMSMessageID(), queue);
            deadLetters.send(message);
        }
    }

    /**
     * Appends the events in one transaction. Only messages delivered before can hold events the
     * table already has; should the broker not say so (after its own restart), the unique event id
     * refuses the append and it is done again looking for them.
     */
    private void insert(List<JsonNode> events, boolean redelivered) throws SQLException {
        List<AuditEvent> parsed = new ArrayList<>(events.size());
        for (JsonNode e : events) {
            List<String> persons = new ArrayList<>();
            e.path("persons").forEach(p -> persons.add(p.asText()));
            parsed.add(new AuditEvent(UUID.fromString(e.get("eventId").asText()), Instant.parse(e.get("at").asText()),
                    text(e, "line"), text(e, "direction"), text(e, "peer"), text(e, "type"), text(e, "messageId"),
                    text(e, "sender"), text(e, "status"), text(e, "code"), text(e, "detail"), persons));
        }
        try (java.sql.Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                append(c, parsed, redelivered);
            } catch (SQLException e) {
                c.rollback();
                if (redelivered || !"23505".equals(e.getSQLState())) {
                    throw e;
                }
                append(c, parsed, true);
            }
            c.commit();
        }
    }

    private void append(java.sql.Connection c, List<AuditEvent> events, boolean maybeKnown) throws SQLException {
        if (chained) {
            AuditChain.append(c, events, maybeKnown);
        } else {
            AuditChain.appendUnchained(c, events);
        }
    }

    /**
     * Appends events to the audit chain on the caller's connection — in the caller's transaction
     * when auto-commit is off (the caller commits), otherwise in a transaction of its own. The one
     * way both this writer and operator tools that reach the database directly write the audit.
     * An event already there (same event id) is skipped.
     */
    public static void insert(java.sql.Connection c, List<AuditEvent> events) throws SQLException {
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

    private static String text(JsonNode e, String field) {
        JsonNode n = e.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
