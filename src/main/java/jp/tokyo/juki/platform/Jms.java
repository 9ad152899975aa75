package jp.tokyo.juki.platform;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

/** Small JMS helpers shared by the beans that manage their own sessions. */
public final class Jms {
    /**
     * Artemis's duplicate detection property ({@code _AMQ_DUPL_ID}): a message sent again with the id of one the
     * address already took (within its id cache, 20,000 by default, persisted and replicated) is dropped — what
     * makes the redo of a transaction whose commit outcome was unknown after a failover (AMQ219031) safe.
     */
    public static final String DUPLICATE_ID = Message.HDR_DUPLICATE_DETECTION_ID.toString();

    /**
     * Bytes per message that bundles records (the audit's batches, a page of notices; UTF-8 JSON in a
     * BytesMessage): well under Artemis' large-message threshold (100 KiB), above which every message becomes a
     * file of its own, written, synced and deleted — several times slower than the journal. (A TextMessage would
     * count two bytes per character.)
     */
    public static final int MESSAGE_BYTES = 48 * 1024;

    private Jms() {
    }

    /**
     * The whole body of a BytesMessage, read from its start whatever was read of it before, and reset after, so it
     * can be read again. A body longer than a Java array can hold is a {@link MessageFormatException} (its length, no
     * content).
     */
    public static byte[] bytes(BytesMessage m) throws JMSException {
        m.reset();
        long length = m.getBodyLength();
        if (length > Integer.MAX_VALUE - 8) {
            throw new MessageFormatException("a body of " + length + " bytes");
        }
        byte[] body = new byte[(int) length];
        m.readBytes(body);
        m.reset();
        return body;
    }

    /**
     * Whether the broker refused a send (or the commit of one) as a duplicate of a message it already took
     * ({@link #DUPLICATE_ID}); in a transaction it then rolls the whole transaction back.
     */
    public static boolean isDuplicateRejected(JMSException e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 10; depth++) {
            if (t instanceof ActiveMQException a && a.getType() == ActiveMQExceptionType.DUPLICATE_ID_REJECTED) {
                return true;
            }
            Throwable next = t.getCause();
            if (next == null && t instanceof JMSException j) {
                next = j.getLinkedException();
            }
            t = next;
        }
        return false;
    }

    /**
     * Consumers on a queue now, asked of the broker by a management message (its {@code activemq.management}
     * address; an external broker's user needs the {@code manage} permission); 0 when the queue does not exist yet.
     */
    public static long consumers(ConnectionFactory connectionFactory, String queue) throws JMSException {
        try (Connection c = connectionFactory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replies = s.createTemporaryQueue();
            jakarta.jms.Message ask = s.createMessage();
            ask.setJMSReplyTo(replies);
            JMSManagementHelper.putAttribute(ask, ResourceNames.QUEUE + queue, "consumerCount");
            s.createProducer(s.createQueue("activemq.management")).send(ask);
            jakarta.jms.Message reply = s.createConsumer(replies).receive(5000);
            if (reply == null) {
                throw new JMSException("no management reply within 5000 ms");
            }
            if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
                return 0; // no such queue yet: nobody consumes it
            }
            try {
                return ((Number) JMSManagementHelper.getResult(reply)).longValue();
            } catch (Exception e) {
                throw new JMSException("management reply not readable: " + e.getClass().getSimpleName());
            }
        }
    }

    /** Closes a connection that may already be broken; closing rolls back an open transaction. */
    public static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (JMSException ignored) {
            // the connection is being discarded anyway
        }
    }
}
