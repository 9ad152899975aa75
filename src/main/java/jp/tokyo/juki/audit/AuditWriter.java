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
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
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
 * The single writer of the audit table: takes what the tap queued, many records at a time,
 * inserts them in one database transaction and only then acknowledges them to the broker.
 * A crash between the two re-delivers records the table already has; their event id makes
 * the insert skip them, so each is written once.
 */
public final class AuditWriter extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    private static final int MAX_BATCH = 5000;
    private static final String INSERT = "INSERT INTO audit.record (event_id, at, line, direction, peer, msg_type, "
            + "msg_id, sender, status, code, detail, persons) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
            + "ON CONFLICT (event_id) DO NOTHING";

    private final ConnectionFactory connectionFactory;
    private final String queue;
    private final DataSource dataSource;
    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicLong written = new AtomicLong();
    private volatile boolean running;
    private Thread worker;

    public AuditWriter(ConnectionFactory connectionFactory, String queue, DataSource dataSource) {
        this.connectionFactory = connectionFactory;
        this.queue = queue;
        this.dataSource = dataSource;
    }

    public long written() {
        return written.get();
    }

    @Override
    protected void doStart() {
        running = true;
        worker = new Thread(this::writeLoop, "audit-writer");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        if (worker != null) {
            worker.join(15_000);
        }
    }

    private void writeLoop() {
        while (running) {
            try (Connection connection = connectionFactory.createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
                while (running) {
                    Message first = consumer.receive(200);
                    if (first == null) {
                        continue;
                    }
                    List<JsonNode> events = new ArrayList<>();
                    addEvents(first, events);
                    Message next;
                    while (events.size() < MAX_BATCH && (next = consumer.receiveNoWait()) != null) {
                        addEvents(next, events);
                    }
                    try {
                        insert(events);
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

    private void addEvents(Message message, List<JsonNode> into) throws JMSException {
        try {
            JsonNode array = mapper.readTree(((TextMessage) message).getText());
            array.forEach(into::add);
        } catch (java.io.IOException | ClassCastException e) {
            LOG.error("unreadable audit message {} skipped", message.getJMSMessageID());
        }
    }

    private void insert(List<JsonNode> events) throws SQLException {
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
            insert(c, parsed);
            c.commit();
        }
    }

    /**
     * Appends events to the audit table on the caller's connection and in its transaction — the
     * one statement both this writer and operator tools that reach the database directly use.
     * An event already there (same event id) is skipped.
     */
    public static void insert(java.sql.Connection c, List<AuditEvent> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (AuditEvent e : events) {
                ps.setObject(1, e.eventId());
                ps.setTimestamp(2, Timestamp.from(e.at()));
                ps.setString(3, e.line());
                ps.setString(4, e.direction());
                ps.setString(5, e.peer());
                ps.setString(6, e.type());
                ps.setString(7, e.messageId());
                ps.setString(8, e.sender());
                ps.setString(9, e.status());
                ps.setString(10, e.code());
                ps.setString(11, e.detail());
                ps.setArray(12, c.createArrayOf("text", e.persons().toArray()));
                ps.addBatch();
            }
            ps.executeBatch();
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
