package jp.tokyo.juki.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tap every line calls once per exchange. {@link #record} only enqueues, so a request
 * never waits for the audit; a publisher thread sends what has gathered to the persistent
 * audit queue in one JMS transaction (one journal sync for many records). The window in
 * which a crash can lose records is the few milliseconds between tap and send; see
 * docs/decisions.md.
 */
public final class AuditTap extends ServiceSupport implements AuditSink {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTap.class);
    private static final int BATCH = 1000;
    /**
     * Events per message: small enough that a message stays well under Artemis' large-message
     * threshold (100 KiB), above which every message becomes a file of its own, written, synced and
     * deleted — several times slower than the journal. A transaction still carries a whole batch.
     */
    private static final int PER_MESSAGE = 200;

    private final ConnectionFactory connectionFactory;
    private final String queue;
    private final PersonHasher hasher;
    private final ObjectMapper mapper = new ObjectMapper();
    private final BlockingQueue<AuditEvent> pending = new ArrayBlockingQueue<>(200_000);
    private volatile boolean running;
    private Thread publisher;

    public AuditTap(ConnectionFactory connectionFactory, String queue, PersonHasher hasher) {
        this.connectionFactory = connectionFactory;
        this.queue = queue;
        this.hasher = hasher;
    }

    /**
     * Records one exchange.
     *
     * @param juminhyoCodes the persons concerned, in plain; only their hashes leave this method
     */
    @Override
    public void record(String line, String direction, String peer, String type, String messageId, String sender,
                       String status, String code, String detail, List<String> juminhyoCodes) {
        AuditEvent event = AuditEvent.of(hasher, line, direction, peer, type, messageId, sender, status, code, detail,
                juminhyoCodes);
        try {
            // back-pressure rather than loss when the broker cannot keep up
            while (!pending.offer(event, 1, TimeUnit.SECONDS)) {
                LOG.warn("audit queue full ({} waiting); holding the caller", pending.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void doStart() {
        running = true;
        publisher = new Thread(this::publishLoop, "audit-publisher");
        publisher.setDaemon(true);
        publisher.start();
    }

    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        if (publisher != null) {
            publisher.join(15_000);
        }
    }

    private void publishLoop() {
        List<AuditEvent> batch = new ArrayList<>(BATCH);
        while (running || !pending.isEmpty() || !batch.isEmpty()) {
            try (Connection connection = connectionFactory.createConnection()) {
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(session.createQueue(queue));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                while (running || !pending.isEmpty() || !batch.isEmpty()) {
                    if (batch.isEmpty()) {
                        AuditEvent first = pending.poll(100, TimeUnit.MILLISECONDS);
                        if (first == null) {
                            continue;
                        }
                        batch.add(first);
                        pending.drainTo(batch, BATCH - 1);
                    }
                    for (int from = 0; from < batch.size(); from += PER_MESSAGE) {
                        producer.send(session.createTextMessage(toJson(batch.subList(from,
                                Math.min(batch.size(), from + PER_MESSAGE)))));
                    }
                    session.commit();
                    batch.clear();
                }
            } catch (JMSException e) {
                // the batch is kept and sent again once the broker is back
                LOG.warn("audit publisher lost the broker, retrying: {}", e.getMessage());
                sleepQuietly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String toJson(List<AuditEvent> batch) {
        ArrayNode array = mapper.createArrayNode();
        for (AuditEvent e : batch) {
            ObjectNode n = array.addObject();
            n.put("eventId", e.eventId().toString());
            n.put("at", e.at().toString());
            n.put("line", e.line());
            n.put("direction", e.direction());
            n.put("peer", e.peer());
            n.put("type", e.type());
            n.put("messageId", e.messageId());
            n.put("sender", e.sender());
            n.put("status", e.status());
            n.put("code", e.code());
            n.put("detail", e.detail());
            ArrayNode persons = n.putArray("persons");
            e.persons().forEach(persons::add);
        }
        return array.toString();
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records tapped and not yet sent to the audit queue (the audit lag held in memory; metrics). */
    public int pending() {
        return pending.size();
    }
}
