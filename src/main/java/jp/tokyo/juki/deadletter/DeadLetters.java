package jp.tokyo.juki.deadletter;

import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.Jms;
import jp.tokyo.juki.platform.NoticePage;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.tokyo.juki.wire.MessageType;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

/**
 * The dead-letter queues of the broker ({@code DLQ.<queue>}): what could not be delivered after
 * its retries, kept until an operator replays or discards it (R-REL-DLQ). Lists and reads them
 * without taking anything; moves one back to the queue it came from, or removes it, each in one
 * JMS transaction (a crash in between leaves it where it was: neither lost nor doubled).
 *
 * <p>Dead letters come from the national delivery (which sets {@code jukiDeadLetter*}) or from
 * the broker itself after its own delivery limit ({@code _AMQ_ORIG_ADDRESS}). Works on any
 * connection factory (the gateway's own, for the operator API's dead-letter desk).
 */
public final class DeadLetters {
    public static final String PREFIX = "DLQ.";
    public static final String ERROR = "jukiDeadLetterError";
    public static final String ATTEMPTS = "jukiDeadLetterAttempts";
    public static final String AT = "jukiDeadLetterAt";
    /** Set on a replayed message: who replayed it (the dead letter's other marks are dropped). */
    public static final String REPLAYED_BY = "jukiReplayedBy";

    /** The dead-letter queues the gateway makes, for a broker that does not answer management requests. */
    private static final List<String> KNOWN = List.of(PREFIX + Broker.NATIONAL_HONNIN_QUEUE,
            PREFIX + Broker.NATIONAL_FUHYO_QUEUE, PREFIX + Broker.AUDIT_QUEUE);
    /** What a queue carries, as the list shows it. */
    private static final Map<String, String> TYPES = Map.of(Broker.NATIONAL_HONNIN_QUEUE, MessageType.HONNIN_NOTICE.name(),
            Broker.NATIONAL_FUHYO_QUEUE, MessageType.FUHYO_NOTICE.name(), Broker.AUDIT_QUEUE, "AUDIT_RECORDS");
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern NACK = Pattern.compile("answered NACK (\\S+)");
    private static final String MANAGEMENT = "activemq.management";
    private static final long MOVE_WAIT_MS = 5000;

    /**
     * One dead letter.
     *
     * @param queue          the dead-letter queue it is in
     * @param id             its broker message id (a UUID), what the operator names it by
     * @param original       the queue it was meant for, where a replay sends it
     * @param type           what it is (HONNIN_NOTICE, FUHYO_NOTICE, AUDIT_RECORDS, or the original queue)
     * @param originSender   the CS (municipality code) whose update made it, if any
     * @param originId       that update's message id, if any
     * @param outboxId       its place in its store's outbox (the order notices were committed in), or -1
     * @param personKey      the keyed hash of the person it concerns (JMSXGroupID), or null
     * @param attempts       delivery attempts before it was given up
     * @param errorCode      the last error's code (a reply code, E503 when the server was unavailable)
     * @param error          the last error (no personal data: set by the gateway)
     * @param deadAt         when it was given up
     * @param body           its content — personal data: never log or print it unmasked
     */
    public record DeadLetter(String queue, String id, String original, String type, String originSender,
                             String originId, long outboxId, String personKey, int attempts, String errorCode,
                             String error, Instant deadAt, String body) {
        /** The same dead letter with its content's personal items masked ({@link PersonalDataMask}). */
        public DeadLetter masked() {
            return new DeadLetter(queue, id, original, type, originSender, originId, outboxId, personKey, attempts,
                    errorCode, error, deadAt, body == null ? null : PersonalDataMask.mask(body));
        }

        @Override
        public String toString() {
            return "DeadLetter[" + queue + " " + id + " " + type + " " + originSender + "/" + originId + "]";
        }
    }

    private final ConnectionFactory connectionFactory;

    public DeadLetters(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /** Whether {@code id} could name a dead letter (so it can go into a selector safely). */
    public static boolean isId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The dead-letter queues on the broker (every {@code DLQ.*} queue), sorted. */
    public List<String> queues() throws JMSException {
        try (Connection c = connectionFactory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Object names = manage(s, ResourceNames.BROKER, null, "getQueueNames");
            if (!(names instanceof Object[] array)) {
                return KNOWN;
            }
            TreeSet<String> dlqs = new TreeSet<>();
            for (Object n : array) {
                if (n instanceof String name && name.startsWith(PREFIX)) {
                    dlqs.add(name);
                }
            }
            return List.copyOf(dlqs);
        }
    }

    /** How many dead letters {@code queue} holds (0 when it does not exist). */
    public long depth(String queue) throws JMSException {
        try (Connection c = connectionFactory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Object count = manage(s, ResourceNames.QUEUE + queue, "messageCount", null);
            if (count instanceof Number n) {
                return n.longValue();
            }
        }
        return list(queue).size();
    }

    /** The dead letters of {@code queue}, or of every dead-letter queue when null, each queue in its order. */
    public List<DeadLetter> list(String queue) throws JMSException {
        List<String> queues = queues();
        if (queue != null) {
            // a browser on a queue that is not there would make it
            queues = queues.contains(queue) ? List.of(queue) : List.of();
        }
        try (Connection c = connectionFactory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            List<DeadLetter> all = new ArrayList<>();
            for (String q : queues) {
                all.addAll(browse(s, q, null));
            }
            return all;
        }
    }

    /** The dead letter with this id, in whichever dead-letter queue it is. */
    public Optional<DeadLetter> find(String id) throws JMSException {
        if (!isId(id)) {
            return Optional.empty();
        }
        List<String> queues = queues();
        try (Connection c = connectionFactory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (String q : queues) {
                List<DeadLetter> found = browse(s, q, selector(id));
                if (!found.isEmpty()) {
                    return Optional.of(found.get(0));
                }
            }
            return Optional.empty();
        }
    }

    /**
     * How many later notices of the same person (a larger outbox id, or any when unknown) wait in
     * the dead letter's original queue — they will reach the national server before a replay of it.
     */
    public int laterOfSamePerson(DeadLetter d) throws JMSException {
        if (d.personKey() == null || !d.personKey().matches("[A-Za-z0-9+/=_-]{1,128}")) {
            return 0;
        }
        try (Connection c = connectionFactory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            int later = 0;
            // single notices by their group; pages (decision 35) hold several persons and are read
            try (QueueBrowser b = s.createBrowser(s.createQueue(d.original()), NoticePage.PERSON + " = '" + d.personKey()
                    + "' OR " + NoticePage.NOTICES + " IS NOT NULL")) {
                for (Enumeration<?> e = b.getEnumeration(); e.hasMoreElements(); ) {
                    List<NoticePage.Notice> notices;
                    try {
                        notices = NoticePage.read((Message) e.nextElement());
                    } catch (IOException unreadable) {
                        continue; // the delivery dead-letters it; it is no notice of this person
                    }
                    for (NoticePage.Notice n : notices) {
                        if (d.personKey().equals(n.person()) && (d.outboxId() < 0 || n.outboxId() > d.outboxId())) {
                            later++;
                        }
                    }
                }
            }
            return later;
        }
    }

    /**
     * Moves the dead letter back to the end of its original queue: consumed from the dead-letter
     * queue and sent there in one transaction, its dead-letter marks dropped and
     * {@link #REPLAYED_BY} set.
     *
     * @return false when it is no longer there (replayed or discarded meanwhile): nothing done
     */
    public boolean replay(DeadLetter d, String operator) throws JMSException {
        return take(d, (s, m) -> {
            MessageProducer p = s.createProducer(s.createQueue(d.original()));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            p.send(copy(s, m, operator));
        });
    }

    /** Removes the dead letter. @return false when it is no longer there */
    public boolean discard(DeadLetter d) throws JMSException {
        return take(d, (s, m) -> { });
    }

    private interface Move {
        void with(Session s, Message m) throws JMSException;
    }

    private boolean take(DeadLetter d, Move move) throws JMSException {
        try (Connection c = connectionFactory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            try (MessageConsumer consumer = s.createConsumer(s.createQueue(d.queue()), selector(d.id()))) {
                Message m = consumer.receive(MOVE_WAIT_MS);
                if (m == null) {
                    s.rollback();
                    return false;
                }
                move.with(s, m);
                s.commit();
                return true;
            }
            // closing the connection without a commit rolls back whatever was done
        }
    }

    private static Message copy(Session s, Message m, String operator) throws JMSException {
        Message copy;
        if (m instanceof TextMessage text) {
            copy = s.createTextMessage(text.getText());
        } else if (m instanceof BytesMessage bytes) {
            // the audit's messages (UTF-8 JSON of events)
            BytesMessage b = s.createBytesMessage();
            b.writeBytes(Jms.bytes(bytes));
            copy = b;
        } else {
            throw new JMSException("neither a text nor a bytes message: " + m.getClass().getSimpleName());
        }
        for (Enumeration<?> e = m.getPropertyNames(); e.hasMoreElements(); ) {
            String name = (String) e.nextElement();
            if (name.startsWith("_AMQ") || name.startsWith("JMSX") || name.startsWith("jukiDeadLetter")
                    || name.equals(REPLAYED_BY)) {
                continue;
            }
            copy.setObjectProperty(name, m.getObjectProperty(name));
        }
        String group = m.getStringProperty(NoticePage.PERSON);
        if (group != null) {
            copy.setStringProperty(NoticePage.PERSON, group);
        }
        copy.setStringProperty(REPLAYED_BY, operator);
        return copy;
    }

    private static String utf8(BytesMessage m) throws JMSException {
        return new String(Jms.bytes(m), StandardCharsets.UTF_8);
    }

    private static String selector(String id) {
        return "JMSMessageID = 'ID:" + id + "'";
    }

    private static List<DeadLetter> browse(Session s, String queue, String selector) throws JMSException {
        List<DeadLetter> out = new ArrayList<>();
        try (QueueBrowser b = s.createBrowser(s.createQueue(queue), selector)) {
            for (Enumeration<?> e = b.getEnumeration(); e.hasMoreElements(); ) {
                out.add(read(queue, (Message) e.nextElement()));
            }
        }
        return out;
    }

    private static DeadLetter read(String queue, Message m) throws JMSException {
        String id = m.getJMSMessageID();
        id = id != null && id.startsWith("ID:") ? id.substring(3) : id;
        String origAddress = m.getStringProperty("_AMQ_ORIG_ADDRESS");
        String original = origAddress != null ? origAddress
                : queue.startsWith(PREFIX) ? queue.substring(PREFIX.length()) : queue;
        String error = m.getStringProperty(ERROR);
        String code;
        int attempts;
        Instant at;
        if (error != null) {
            attempts = m.propertyExists(ATTEMPTS) ? m.getIntProperty(ATTEMPTS) : 0;
            at = m.propertyExists(AT) ? Instant.ofEpochMilli(m.getLongProperty(AT)) : Instant.ofEpochMilli(m.getJMSTimestamp());
            // the national server's refusal, or it was not reachable or did not answer
            Matcher nack = NACK.matcher(error);
            code = nack.find() ? nack.group(1) : "E503";
        } else {
            // moved by the broker after its own delivery limit
            attempts = m.propertyExists("JMSXDeliveryCount") ? m.getIntProperty("JMSXDeliveryCount") : 0;
            at = Instant.ofEpochMilli(m.getJMSTimestamp());
            error = "moved by the broker after its delivery limit";
            code = "-";
        }
        long outboxId = outboxId(m);
        String body = m instanceof TextMessage t ? t.getText() : m instanceof BytesMessage b ? utf8(b) : null;
        return new DeadLetter(queue, id, original, TYPES.getOrDefault(original, original),
                m.getStringProperty(NoticePage.ORIGIN_SENDER), m.getStringProperty(NoticePage.ORIGIN_ID), outboxId,
                m.getStringProperty(NoticePage.PERSON), attempts, code, error, at, body);
    }

    /** The notice's outbox id, or -1 when it has none or one that is not a number (a message written by hand). */
    private static long outboxId(Message m) throws JMSException {
        try {
            return m.propertyExists(NoticePage.OUTBOX_ID) ? m.getLongProperty(NoticePage.OUTBOX_ID) : -1;
        } catch (MessageFormatException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Asks the broker's management address for an attribute or an operation's result; null when
     * the broker does not answer (an external broker may not let this login manage it).
     */
    private static Object manage(Session s, String resource, String attribute, String operation) throws JMSException {
        Queue management = s.createQueue(MANAGEMENT);
        TemporaryQueue replies = s.createTemporaryQueue();
        try (MessageProducer p = s.createProducer(management); MessageConsumer r = s.createConsumer(replies)) {
            Message request = s.createMessage();
            if (attribute != null) {
                JMSManagementHelper.putAttribute(request, resource, attribute);
            } else {
                JMSManagementHelper.putOperationInvocation(request, resource, operation);
            }
            request.setJMSReplyTo(replies);
            p.send(request);
            Message reply = r.receive(MOVE_WAIT_MS);
            if (reply == null || !JMSManagementHelper.hasOperationSucceeded(reply)) {
                return null;
            }
            return JMSManagementHelper.getResult(reply);
        } catch (JMSException e) {
            throw e;
        } catch (Exception e) {
            return null;
        } finally {
            replies.delete();
        }
    }
}
