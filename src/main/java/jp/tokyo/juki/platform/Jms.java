package jp.tokyo.juki.platform;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;

/** Small JMS helpers shared by the beans that manage their own sessions. */
public final class Jms {
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
