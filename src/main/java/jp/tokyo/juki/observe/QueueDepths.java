package jp.tokyo.juki.observe;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import java.util.LinkedHashMap;
import java.util.Map;
import jp.tokyo.juki.platform.Jms;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

/**
 * Message counts of the broker's queues, asked through Artemis management messages (the
 * {@code activemq.management} address), so it works alike for the embedded broker and an
 * external one (whose user then needs the {@code manage} permission). One connection and reply
 * queue are kept between reads: Artemis logs two warnings for every temporary queue it creates.
 * Used by one thread (the sampler).
 */
public final class QueueDepths implements AutoCloseable {
    private static final String MANAGEMENT = "activemq.management";
    private static final long REPLY_MS = 2000;

    private final ConnectionFactory connectionFactory;
    private Connection connection;
    private Session session;
    private TemporaryQueue replies;
    private MessageProducer producer;
    private MessageConsumer consumer;

    public QueueDepths(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /** Every queue's message count (delivering included), by queue name; internal queues left out. */
    public synchronized Map<String, Long> read() throws Exception {
        try {
            open();
            Map<String, Long> depths = new LinkedHashMap<>();
            Object names = ask(ResourceNames.BROKER, "queueNames");
            if (names instanceof Object[] list) {
                for (Object name : list) {
                    String q = String.valueOf(name);
                    if (q.startsWith("activemq.") || q.startsWith("$") || isTemporary(q)) {
                        continue;
                    }
                    Object count = ask(ResourceNames.QUEUE + q, "messageCount");
                    if (count instanceof Number n) {
                        depths.put(q, n.longValue());
                    }
                }
            }
            return depths;
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private void open() throws JMSException {
        if (connection == null) {
            connection = connectionFactory.createConnection();
            connection.start();
            session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            replies = session.createTemporaryQueue();
            producer = session.createProducer(session.createQueue(MANAGEMENT));
            consumer = session.createConsumer(replies);
        }
    }

    private static boolean isTemporary(String q) {
        // JMS temporary queues (ours included) are named by a UUID
        return q.matches("[0-9a-f]{8}-[0-9a-f]{4}-.*");
    }

    private Object ask(String resource, String attribute) throws Exception {
        Message m = session.createMessage();
        m.setJMSReplyTo(replies);
        JMSManagementHelper.putAttribute(m, resource, attribute);
        producer.send(m);
        Message reply = consumer.receive(REPLY_MS);
        if (reply == null) {
            throw new JMSException("no management reply within " + REPLY_MS + " ms");
        }
        return JMSManagementHelper.hasOperationSucceeded(reply) ? JMSManagementHelper.getResult(reply) : null;
    }

    @Override
    public synchronized void close() {
        Jms.closeQuietly(connection);
        connection = null;
        session = null;
        replies = null;
        producer = null;
        consumer = null;
    }
}
