package jp.tokyo.juki.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
 *
 * <p>A full tap holds its caller (back-pressure, never loss). A Netty event loop must not be held:
 * it serves every connection on it (handshakes, reads). Its records (connection refusals) go
 * through {@link #recordWithoutWaiting}: straight into the tap when there is room, else to a
 * bounded overflow queue that one thread of its own moves into the tap, waiting in its place.
 */
public final class AuditTap extends ServiceSupport implements AuditSink {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTap.class);
    private static final int BATCH = 1000;
    /**
     * Bytes per message (a JSON array in UTF-8, as a BytesMessage): well under Artemis' large-message
     * threshold (100 KiB), above which every message becomes a file of its own, written, synced and
     * deleted — several times slower than the journal. (A TextMessage would count two bytes per
     * character.) A transaction still carries a whole batch.
     */
    private static final int MESSAGE_BYTES = 48 * 1024;

    private final ConnectionFactory connectionFactory;
    private final String queue;
    private final PersonHasher hasher;
    private final ObjectMapper mapper = new ObjectMapper();
    /** records tapped and not yet handed to the publisher: past this the caller waits (back-pressure) */
    public static final int CAPACITY = 200_000;
    private final BlockingQueue<AuditEvent> pending = new ArrayBlockingQueue<>(CAPACITY);
    /** the time of the oldest record the publisher holds and has not yet sent (null: none) */
    private volatile Instant inHandSince;
    private volatile boolean running;
    private Thread publisher;
    /** records of callers that must not wait (event loops), taken while the tap was full */
    public static final int OVERFLOW = 10_000;
    private final BlockingQueue<AuditEvent> overflow = new LinkedBlockingQueue<>(OVERFLOW);
    private volatile boolean moving;
    private Thread mover;

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

    /**
     * Records one exchange for a caller that must not wait (a Netty event loop): the record is
     * never dropped, and the caller is not held unless {@link #CAPACITY} + {@link #OVERFLOW}
     * records are waiting already (the audit is then far behind: readiness DOWN, updates E503).
     */
    public void recordWithoutWaiting(String line, String direction, String peer, String type, String messageId,
                                     String sender, String status, String code, String detail,
                                     List<String> juminhyoCodes) {
        AuditEvent event = AuditEvent.of(hasher, line, direction, peer, type, messageId, sender, status, code, detail,
                juminhyoCodes);
        // behind those already waiting in the overflow, to keep their order
        if (overflow.isEmpty() && pending.offer(event)) {
            return;
        }
        if (overflow.offer(event)) {
            return;
        }
        LOG.warn("audit queue and its overflow full ({} + {} waiting); holding an event loop", pending.size(),
                overflow.size());
        try {
            overflow.put(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Moves the overflow into the tap, waiting for room in the event loops' place. */
    private void moveLoop() {
        while (moving || !overflow.isEmpty()) {
            try {
                AuditEvent e = overflow.poll(100, TimeUnit.MILLISECONDS);
                if (e == null) {
                    continue;
                }
                while (!pending.offer(e, 1, TimeUnit.SECONDS)) {
                    LOG.warn("audit queue full ({} waiting, {} more in the overflow)", pending.size(), overflow.size());
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    protected void doStart() {
        moving = true;
        mover = new Thread(this::moveLoop, "audit-overflow");
        mover.setDaemon(true);
        mover.start();
        running = true;
        publisher = new Thread(this::publishLoop, "audit-publisher");
        publisher.setDaemon(true);
        publisher.start();
    }

    @Override
    protected void doStop() throws InterruptedException {
        moving = false;
        if (mover != null) {
            mover.join(15_000);
        }
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
                        inHandSince = first.at();
                        pending.drainTo(batch, BATCH - 1);
                    }
                    for (byte[] body : messages(batch)) {
                        BytesMessage m = session.createBytesMessage();
                        m.writeBytes(body);
                        producer.send(m);
                    }
                    session.commit();
                    batch.clear();
                    inHandSince = null;
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

    /** The batch as JSON arrays of at most {@link #MESSAGE_BYTES} each (one event may exceed it alone). */
    private List<byte[]> messages(List<AuditEvent> batch) {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream(MESSAGE_BYTES + 1024);
        for (AuditEvent e : batch) {
            byte[] json = toJson(e);
            if (body.size() > 0 && body.size() + json.length + 2 > MESSAGE_BYTES) {
                body.write(']');
                out.add(body.toByteArray());
                body.reset();
            }
            body.write(body.size() == 0 ? '[' : ',');
            body.writeBytes(json);
        }
        if (body.size() > 0) {
            body.write(']');
            out.add(body.toByteArray());
        }
        return out;
    }

    private byte[] toJson(AuditEvent e) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(512);
             JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("eventId", e.eventId().toString());
            g.writeStringField("at", e.at().toString());
            g.writeStringField("line", e.line());
            g.writeStringField("direction", e.direction());
            g.writeStringField("peer", e.peer());
            g.writeStringField("type", e.type());
            g.writeStringField("messageId", e.messageId());
            g.writeStringField("sender", e.sender());
            g.writeStringField("status", e.status());
            g.writeStringField("code", e.code());
            g.writeStringField("detail", e.detail());
            g.writeArrayFieldStart("persons");
            for (String p : e.persons()) {
                g.writeString(p);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
            return out.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
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
        return pending.size() + overflow.size();
    }

    /** True when the tap holds {@link #CAPACITY} records: callers are being held. */
    public boolean full() {
        return pending.remainingCapacity() == 0;
    }

    /** The time of the oldest record tapped and not yet on the audit queue, or null when all are. */
    public Instant oldestUnsent() {
        Instant held = inHandSince;
        if (held != null) {
            return held;
        }
        AuditEvent head = pending.peek();
        AuditEvent over = overflow.peek();
        if (head == null || over == null) {
            return head != null ? head.at() : over != null ? over.at() : null;
        }
        return head.at().isBefore(over.at()) ? head.at() : over.at();
    }
}
