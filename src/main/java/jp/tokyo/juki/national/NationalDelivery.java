package jp.tokyo.juki.national;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Jms;
import jp.tokyo.juki.platform.NoticePage;
import jp.tokyo.juki.platform.Setting;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers queued notices to a national server in batches: takes up to a page of notices in
 * one JMS transaction (whole messages: the relay writes pages of notices, {@link NoticePage}), sends them pipelined over one mutual-TLS connection (the server must
 * present its identity), and commits once every one is answered {@code ACK} or
 * {@code DUPLICATE}. Otherwise the whole page is rolled back and tried again after a back-off
 * that doubles up to a maximum — the queue keeps its order, so a person's later notices never
 * overtake an earlier one. After the configured attempts, the notices still not taken move to
 * the dead-letter queue (which never expires) in the same transaction, one message per notice, and are audited.
 * A message that is not a notice the gateway can read is not sent: it fails its page like a refused notice, and is
 * dead-lettered as it is.
 *
 * <p>The attempts are counted by the broker, not by this node: a page's attempt is the highest
 * {@code JMSXDeliveryCount} of its messages. Artemis raises it on every delivery and persists it on a
 * rollback (durable messages not paged), and the backup holds it too, so a notice whose delivering node
 * stops or dies goes on being counted by the node that takes it over: the dead-letter rule holds in total,
 * across nodes (issue 14). A node that dies holding a page counts as one attempt for that page.
 *
 * <p>One node at a time delivers a store's notices: the holder of lease {@code national-<store>} (issue 14). Message
 * groups alone did not keep a person's order across two delivering nodes: when a node dies or is cut off holding a
 * page, the broker unbinds that node's groups at once but gives its messages back to the queue only once its
 * journal (replicated, for a live/backup pair) has written the rollback — meanwhile the other node's consumer got a
 * person's later notice first (FailoverIT's network cut: 2 persons of 15,522 in a local run, 77 of 51,354 in CI;
 * Artemis {@code ServerConsumerImpl.close} and {@code TransactionImpl.internalRollback}). So a node that takes the
 * lease first waits until no other consumer is on the queue and then {@link Settings#settle} more, so that whatever
 * the former holder held is back in the queue, in order, before it takes from it; a node that loses the lease closes
 * its consumer. See docs/decisions.md (29).
 *
 * <p>Called repeatedly by the delivery route's timer; each call does at most one page and
 * never sleeps, so the route stops promptly.
 */
public final class NationalDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(NationalDelivery.class);

    /** Where and how to deliver. */
    public record Settings(String host, int port, Duration timeout, int page, int maxRedeliveries,
                           Duration firstDelay, Duration maxDelay, Duration settle) {
        /** To the server at {@code host}:{@code port}, with the page, timeout and retries of {@link NationalSettings}. */
        public static Settings from(GatewayConfig config, Setting<String> host, Setting<Integer> port) {
            return new Settings(config.get(host), config.get(port), config.get(NationalSettings.TIMEOUT),
                    config.get(NationalSettings.PAGE), config.get(NationalSettings.MAX_REDELIVERIES),
                    config.get(NationalSettings.REDELIVERY_DELAY), config.get(NationalSettings.MAX_REDELIVERY_DELAY),
                    config.get(NationalSettings.TAKEOVER_SETTLE));
        }
    }

    /** The lease of a store's national delivery: {@code national-honnin}, {@code national-fuhyo}. */
    public static String lease(StoreLine line) {
        return "national-" + line.name();
    }

    private final ConnectionFactory connectionFactory;
    private final String queue;
    private final String deadLetterQueue;
    private final Supplier<SSLContext> tls;
    private final Settings settings;
    private final NationalNotices notices;
    private final AuditTap audit;

    private Connection jms;
    private Session session;
    private MessageConsumer consumer;
    private MessageProducer deadLetters;
    private FrameClient client;
    /** node-local pacing only (the back-off of the last failed page); the attempt count is the broker's */
    private long notBefore;
    /** this node holds the lease (set by the lease's events) */
    private volatile boolean leaseHeld;
    /** the lease was taken and the queue not yet seen free of other consumers for {@link Settings#settle} */
    private volatile boolean fencing = true;
    /** the lease was (re)taken since the fence began: it begins again (another holder may have come and gone) */
    private volatile boolean restartFence;
    /** while fencing: since when no other consumer has been on the queue (0: not yet seen free) */
    private long freeSince;
    private long fenceStarted;
    private long fenceWarned;

    public NationalDelivery(ConnectionFactory connectionFactory, String queue, Supplier<SSLContext> tls,
                            Settings settings, NationalNotices notices, AuditTap audit) {
        this.connectionFactory = connectionFactory;
        this.queue = queue;
        this.deadLetterQueue = "DLQ." + queue;
        this.tls = tls;
        this.settings = settings;
        this.notices = notices;
        this.audit = audit;
    }

    /**
     * The step of the route {@code national-<store>-delivery} on each timer tick: up to ten pages
     * while they come back full, then the route gets a chance to stop.
     *
     * @param deliverPage {@link #deliverPage}, possibly timed by the metrics
     * @param pageSize    the page size of {@link Settings#page}: a page at least this full means more may wait
     */
    public static Processor tick(IntSupplier deliverPage, int pageSize) {
        return exchange -> {
            // a page is whole messages, so a full one may hold a little more than the page size
            for (int i = 0; i < 10 && deliverPage.getAsInt() >= pageSize; i++) {
                // next page
            }
        };
    }

    /** This node took the lease: it delivers once the queue is free of the former holder's consumer. */
    public void leaseTaken() {
        restartFence = true;
        fencing = true;
        leaseHeld = true;
        LOG.info("{}: this node delivers (lease {}), once no other consumer is on the queue", queue, leaseName());
    }

    /** This node lost the lease: its consumer is closed at the next tick (after a page in flight). */
    public void leaseLost() {
        leaseHeld = false;
        LOG.info("{}: this node no longer delivers (lease {} lost)", queue, leaseName());
    }

    private String leaseName() {
        return "national-" + queue.substring(queue.lastIndexOf('.') + 1);
    }

    /** Delivers at most one page; returns how many notices the national server took. */
    public synchronized int deliverPage() {
        if (!leaseHeld) {
            fenceStarted = 0;
            if (session != null || client != null) {
                closeClient();
                closeJms();
            }
            return 0;
        }
        if (System.nanoTime() < notBefore) {
            return 0;
        }
        try {
            if (fencing && !fenced()) {
                return 0;
            }
            ensureJms();
            List<Message> messages = new ArrayList<>();
            List<Entry> page = receivePage(messages);
            if (page.isEmpty()) {
                return 0;
            }
            boolean[] taken = new boolean[page.size()];
            String failure = send(page, taken);
            if (failure == null) {
                session.commit();
                return page.size();
            }
            int attempt = attempt(messages);
            if (attempt > settings.maxRedeliveries() || onlyUnreadableLeft(page, taken)) {
                // a message the gateway cannot read fails every attempt: it does not hold the queue up for retries
                deadLetter(page, taken, failure, attempt);
                return 0;
            }
            session.rollback();
            long delay = Math.min(settings.maxDelay().toMillis(), settings.firstDelay().toMillis() << Math.min(attempt - 1, 20));
            notBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
            LOG.warn("{}: {} notice(s) not delivered ({}), attempt {} of {}; next in {} ms", queue, page.size(), failure,
                    attempt, settings.maxRedeliveries() + 1, delay);
            return 0;
        } catch (JMSException e) {
            LOG.warn("{}: broker unavailable ({}); retrying", queue, e.getClass().getSimpleName());
            closeJms();
            notBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.firstDelay().toMillis());
            return 0;
        } catch (RuntimeException e) {
            // never leave a page received and neither committed nor rolled back: a later commit would take it as sent
            LOG.error("{}: page not delivered ({}); rolled back, retrying", queue, e.getClass().getSimpleName());
            closeClient();
            closeJms();
            notBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.firstDelay().toMillis());
            return 0;
        }
    }

    /** Whether every entry not taken is one the gateway could not read (nothing was refused or unanswered). */
    private static boolean onlyUnreadableLeft(List<Entry> page, boolean[] taken) {
        for (int i = 0; i < page.size(); i++) {
            if (!taken[i] && page.get(i).body() != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * One step of the takeover fence: closes this node's own consumer, asks the broker how many consumers the queue
     * has, and is done once it has had none for {@link Settings#settle} (what a closed consumer held is given back
     * once the broker's journal has written it). Never sleeps; waits as long as another consumer stays.
     */
    private boolean fenced() throws JMSException {
        long now = System.nanoTime();
        if (restartFence) {
            restartFence = false;
            fenceStarted = 0;
        }
        if (fenceStarted == 0) {
            closeJms();
            fenceStarted = now;
            fenceWarned = now;
            freeSince = 0;
        }
        long consumers = Jms.consumers(connectionFactory, queue);
        if (consumers > 0) {
            freeSince = 0;
            if (now - fenceWarned > TimeUnit.SECONDS.toNanos(30)) {
                fenceWarned = now;
                LOG.warn("{}: lease held for {} s, but {} other consumer(s) still on the queue; waiting for them to go",
                        queue, TimeUnit.NANOSECONDS.toSeconds(now - fenceStarted), consumers);
            }
            notBefore = now + TimeUnit.MILLISECONDS.toNanos(100);
            return false;
        }
        if (freeSince == 0) {
            freeSince = now;
        }
        if (now - freeSince < settings.settle().toNanos()) {
            notBefore = now + TimeUnit.MILLISECONDS.toNanos(50);
            return false;
        }
        fencing = false;
        fenceStarted = 0;
        LOG.info("{}: queue free of other consumers for {} ms; delivering", queue, settings.settle().toMillis());
        return true;
    }

    /** The attempt this page was, counted by the broker: the highest delivery count of its messages (1 the first time). */
    static int attempt(List<Message> page) throws JMSException {
        int highest = 1;
        for (Message m : page) {
            highest = Math.max(highest, m.getIntProperty(DELIVERY_COUNT));
        }
        return highest;
    }

    /** The JMS property the broker sets to the number of times it delivered the message (JMS 2.0 §3.5.11). */
    static final String DELIVERY_COUNT = "JMSXDeliveryCount";

    /**
     * A notice of the page, with the message it came in; {@code body} null when it cannot be read, {@code notice}
     * null too when the message itself is not a notice or a page of them.
     */
    private record Entry(Message source, NoticePage.Notice notice, JsonNode body, String unreadable) {
    }

    /** Whole messages until the page holds {@link Settings#page} notices (one page message may hold up to as many). */
    private List<Entry> receivePage(List<Message> messages) throws JMSException {
        List<Entry> page = new ArrayList<>();
        Message m = consumer.receive(50);
        while (m != null) {
            messages.add(m);
            List<NoticePage.Notice> notices;
            try {
                notices = NoticePage.read(m);
            } catch (IOException e) {
                page.add(new Entry(m, null, null, e.getMessage()));
                notices = List.of();
            }
            for (NoticePage.Notice n : notices) {
                try {
                    page.add(new Entry(m, n, Json.MAPPER.readTree(n.body()), null));
                } catch (IOException e) {
                    page.add(new Entry(m, n, null, "a notice whose body is not JSON (" + e.getClass().getSimpleName() + ")"));
                }
            }
            if (page.size() >= settings.page()) {
                break;
            }
            m = consumer.receiveNoWait();
        }
        return page;
    }

    /** Sends the page pipelined; null when every notice was taken, else why not (no personal data). */
    private String send(List<Entry> page, boolean[] taken) {
        List<CompletableFuture<Reply>> replies = new ArrayList<>(page.size());
        List<String> ids = new ArrayList<>(page.size());
        List<String> persons = new ArrayList<>(page.size());
        String failure = null;
        try {
            FrameClient c = client();
            for (Entry e : page) {
                if (e.body() == null) {
                    // not sent: it fails the page like a refused notice, and is dead-lettered with the page
                    ids.add(null);
                    persons.add(null);
                    replies.add(null);
                    if (failure == null) {
                        failure = "not a notice the gateway can read: " + e.unreadable();
                    }
                    continue;
                }
                Request notice = notices.notice(e.notice().outboxId(), e.body());
                ids.add(notice.id());
                persons.add(e.body().path("juminhyoCode").asText());
                replies.add(c.send(notice));
            }
        } catch (IOException e) {
            closeClient();
            return "no connection to " + settings.host() + ":" + settings.port() + " (" + e.getClass().getSimpleName() + ")";
        }
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        for (int i = 0; i < replies.size(); i++) {
            if (replies.get(i) == null) {
                continue;
            }
            try {
                Reply r = replies.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                notices.audit(ids.get(i), persons.get(i), r);
                taken[i] = r.status() != Status.NACK;
                if (!taken[i] && failure == null) {
                    failure = "answered NACK " + r.code();
                }
            } catch (TimeoutException e) {
                closeClient();
                auditUnanswered(ids, persons, i, "no answer within " + settings.timeout().toMillis() + " ms");
                return failure != null ? failure : "no answer within " + settings.timeout().toMillis() + " ms";
            } catch (ExecutionException e) {
                closeClient();
                auditUnanswered(ids, persons, i, "connection lost");
                return failure != null ? failure : "connection lost";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeClient();
                return "interrupted";
            }
        }
        return failure;
    }

    /** Notices that were sent but never answered are on the line too: each gets an audit record. */
    private void auditUnanswered(List<String> ids, List<String> persons, int from, String why) {
        for (int j = from; j < ids.size(); j++) {
            if (ids.get(j) == null) {
                continue;
            }
            notices.auditUnanswered(ids.get(j), persons.get(j), why);
        }
    }

    /**
     * Moves the notices of the page that the national server did not take to the dead-letter
     * queue, with why, and commits (those it took are done).
     */
    private void deadLetter(List<Entry> page, boolean[] taken, String failure, int attempts) throws JMSException {
        List<Entry> dead = new ArrayList<>();
        for (int i = 0; i < page.size(); i++) {
            if (!taken[i]) {
                dead.add(page.get(i));
            }
        }
        List<String> ids = new ArrayList<>(dead.size());
        List<String> why = new ArrayList<>(dead.size());
        for (Entry e : dead) {
            Message copy = e.notice() != null ? notice(e.notice()) : asItIs(e.source());
            why.add(e.unreadable() != null ? "not a notice the gateway can read: " + e.unreadable() : failure);
            copy.setStringProperty("jukiDeadLetterError", why.get(why.size() - 1));
            copy.setIntProperty("jukiDeadLetterAttempts", attempts);
            copy.setLongProperty("jukiDeadLetterAt", System.currentTimeMillis());
            deadLetters.send(copy);
            ids.add(e.notice() != null ? notices.idOf(e.notice().outboxId()) : e.source().getJMSMessageID());
        }
        session.commit();
        for (int i = 0; i < dead.size(); i++) {
            NoticePage.Notice n = dead.get(i).notice();
            String origin = n != null ? n.originSender() : null;
            LOG.error("{}: notice of origin {}/{} dead-lettered after {} attempts: {}", queue, origin,
                    n != null ? n.originId() : ids.get(i), attempts, why.get(i));
            audit.record(AuditEvent.out(AuditLine.NATIONAL, null, GatewayEvent.DEAD_LETTER)
                    .id(ids.get(i)).sender(origin)
                    .status(AuditStatus.DEAD_LETTER).code(ReplyCode.E503).detail(why.get(i)));
        }
    }

    /** A notice as a dead letter keeps it: one message, its person the message group. */
    private TextMessage notice(NoticePage.Notice n) throws JMSException {
        TextMessage copy = session.createTextMessage(n.body());
        copy.setStringProperty(NoticePage.PERSON, n.person());
        copy.setStringProperty(NoticePage.ORIGIN_SENDER, n.originSender());
        copy.setStringProperty(NoticePage.ORIGIN_ID, n.originId());
        copy.setLongProperty(NoticePage.OUTBOX_ID, n.outboxId());
        return copy;
    }

    /** A message the gateway cannot read, kept as it came (its body and its properties but the broker's own). */
    private Message asItIs(Message m) throws JMSException {
        Message copy;
        if (m instanceof TextMessage t) {
            copy = session.createTextMessage(t.getText());
        } else if (m instanceof BytesMessage b) {
            BytesMessage bytes = session.createBytesMessage();
            bytes.writeBytes(Jms.bytes(b));
            copy = bytes;
        } else {
            copy = session.createMessage();
        }
        for (Enumeration<?> names = m.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            if (!name.startsWith("JMSX") && !name.startsWith("_AMQ")) {
                copy.setObjectProperty(name, m.getObjectProperty(name));
            }
        }
        return copy;
    }

    private FrameClient client() throws IOException {
        if (client == null || !client.isOpen()) {
            closeClient();
            client = FrameClient.connect(settings.host(), settings.port(), tls.get());
        }
        return client;
    }

    private void ensureJms() throws JMSException {
        if (session == null) {
            jms = connectionFactory.createConnection();
            jms.start();
            session = jms.createSession(true, Session.SESSION_TRANSACTED);
            consumer = session.createConsumer(session.createQueue(queue));
            deadLetters = session.createProducer(session.createQueue(deadLetterQueue));
            deadLetters.setDeliveryMode(DeliveryMode.PERSISTENT);
        }
    }

    private void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    private void closeJms() {
        Jms.closeQuietly(jms);
        jms = null;
        session = null;
        consumer = null;
        deadLetters = null;
    }

    /** Closes the connection to the national server and the broker session (rolling back what is open). */
    public synchronized void close() {
        closeClient();
        closeJms();
    }
}
