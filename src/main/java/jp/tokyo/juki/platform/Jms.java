package jp.tokyo.juki.platform;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import org.apache.activemq.artemis.api.core.Message;

/** Small JMS helpers shared by the beans that manage their own sessions. */
public final class Jms {
    /**
     * Artemis's duplicate detection property ({@code _AMQ_DUPL_ID}): a message sent again with the id of one the
     * address already took (within its id cache, 20,000 by default, persisted and replicated) is dropped — what
     * makes the redo of a transaction whose commit outcome was unknown after a failover (AMQ219031) safe.
     */
    public static final String DUPLICATE_ID = Message.HDR_DUPLICATE_DETECTION_ID.toString();

    private Jms() {
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
