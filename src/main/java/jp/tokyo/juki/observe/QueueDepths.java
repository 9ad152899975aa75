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
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

/**
 * Message counts of the broker's queues, asked through Artemis management messages (the
 * {@code activemq.management} address), so it works alike for the embedded broker and an
 * external one (whose user then needs the {@code manage} permission).
 */
public final class QueueDepths {
    private static final String MANAGEMENT = "activemq.management";
    private static final long REPLY_MS = 2000;

    private final ConnectionFactory connectionFactory;

    public QueueDepths(ConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
    }

    /** Every queue's message count (delivering included), by queue name; internal queues left out. */
    public Map<String, Long> read() throws Exception {
        Map<String, Long> depths = new LinkedHashMap<>();
        try (Connection c = connectionFactory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = s.createTemporaryQueue();
            MessageProducer producer = s.createProducer(s.createQueue(MANAGEMENT));
            MessageConsumer consumer = s.createConsumer(replies);
            Object names = ask(s, producer, consumer, replies, ResourceNames.BROKER, "queueNames");
            if (names instanceof Object[] list) {
                for (Object name : list) {
                    String q = String.valueOf(name);
                    if (q.startsWith("activemq.") || q.startsWith("$") || isTemporary(q)) {
                        continue;
                    }
                    Object count = ask(s, producer, consumer, replies, ResourceNames.QUEUE + q, "messageCount");
                    if (count instanceof Number n) {
                        depths.put(q, n.longValue());
                    }
                }
            }
        }
        return depths;
    }

    private static boolean isTemporary(String q) {
        // JMS temporary queues (ours included) are named by a UUID
        return q.matches("[0-9a-f]{8}-[0-9a-f]{4}-.*");
    }

    private static Object ask(Session s, MessageProducer producer, MessageConsumer consumer, TemporaryQueue replies,
                              String resource, String attribute) throws Exception {
        Message m = s.createMessage();
        m.setJMSReplyTo(replies);
        JMSManagementHelper.putAttribute(m, resource, attribute);
        producer.send(m);
        Message reply = consumer.receive(REPLY_MS);
        if (reply == null) {
            throw new JMSException("no management reply within " + REPLY_MS + " ms");
        }
        return JMSManagementHelper.hasOperationSucceeded(reply) ? JMSManagementHelper.getResult(reply) : null;
    }
}
