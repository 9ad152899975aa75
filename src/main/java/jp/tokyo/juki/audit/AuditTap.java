package jp.tokyo.juki.audit;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p>{@link #accepted} bounds what a node's death can lose to what is not yet answered (issue 14): its
 * future completes once every record the calling thread tapped before it is committed on the broker. A
 * line that releases its reply only then ({@code juki.audit.reply-after-broker}) never answers a request
 * whose audit record a kill -9 of this node could still lose. It is a marker in the tap's queue, behind
 * the caller's records, completed after the commit of the batch it was drained with.
 */
public final class AuditTap extends ServiceSupport implements AuditSink {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTap.class);
    private static final int BATCH = 1000;

    private final ConnectionFactory connectionFactory;
    private final String queue;
    private final PersonHasher hasher;
    /** records tapped and not yet handed to the publisher: past this the caller waits (back-pressure) */
    public static final int CAPACITY = 200_000;
    /** {@link AuditEvent}s, and the markers of {@link #accepted} ({@link CompletableFuture}s) behind them */
    private final BlockingQueue<Object> pending = new ArrayBlockingQueue<>(CAPACITY);
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

    /** Records one exchange; its persons are in plain, only their hashes leave this method. */
    @Override
    public void record(AuditEvent.Draft draft) {
        enqueue(AuditEvent.of(hasher, draft));
    }

    /**
     * A future completed once every record this thread tapped before the call is committed on the audit
     * queue (in order: they are ahead of it in the tap). While the broker is out it stays open; the
     * caller bounds its wait.
     */
    public CompletableFuture<Void> accepted() {
        CompletableFuture<Void> marker = new CompletableFuture<>();
        enqueue(marker);
        return marker;
    }

    private void enqueue(Object event) {
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
    public void recordWithoutWaiting(AuditEvent.Draft draft) {
        AuditEvent event = AuditEvent.of(hasher, draft);
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
        List<Object> batch = new ArrayList<>(BATCH);
        while (running || !pending.isEmpty() || !batch.isEmpty()) {
            try (Connection connection = connectionFactory.createConnection()) {
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(session.createQueue(queue));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                while (running || !pending.isEmpty() || !batch.isEmpty()) {
                    if (batch.isEmpty()) {
                        Object first = pending.poll(100, TimeUnit.MILLISECONDS);
                        if (first == null) {
                            continue;
                        }
                        batch.add(first);
                        pending.drainTo(batch, BATCH - 1);
                        inHandSince = first instanceof AuditEvent e ? e.at() : oldest(batch);
                    }
                    List<AuditEvent> events = new ArrayList<>(batch.size());
                    for (Object o : batch) {
                        if (o instanceof AuditEvent e) {
                            events.add(e);
                        }
                    }
                    if (!events.isEmpty()) {
                        for (byte[] body : AuditMessages.write(events)) {
                            BytesMessage m = session.createBytesMessage();
                            m.writeBytes(body);
                            producer.send(m);
                        }
                        session.commit();
                    }
                    for (Object o : batch) {
                        if (o instanceof CompletableFuture<?> marker) {
                            marker.complete(null);
                        }
                    }
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

    /** The time of the first record of a batch, or null when it holds markers only. */
    private static Instant oldest(List<Object> batch) {
        for (Object o : batch) {
            if (o instanceof AuditEvent e) {
                return e.at();
            }
        }
        return null;
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records tapped and not yet sent to the audit queue, with the markers waiting among them (metrics). */
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
        AuditEvent head = firstEvent();
        AuditEvent over = overflow.peek();
        if (head == null || over == null) {
            return head != null ? head.at() : over != null ? over.at() : null;
        }
        return head.at().isBefore(over.at()) ? head.at() : over.at();
    }

    /** The first record waiting in the tap (past any marker at its head), or null. */
    private AuditEvent firstEvent() {
        for (Object o : pending) {
            if (o instanceof AuditEvent e) {
                return e;
            }
        }
        return null;
    }
}
