package jp.tokyo.juki.consistency;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's connections for the session transactions: opened on demand, kept for the next
 * request, at most {@code idle} of them kept, all closed when the gateway stops. A connection
 * that failed is closed, not kept. A session no longer owns a connection (its state is in the
 * database), so any free one serves any session.
 */
final class Connections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

    private final Sessions.Opener opener;
    private final int idle;
    private final ArrayDeque<Connection> free = new ArrayDeque<>();
    private boolean closed;

    Connections(Sessions.Opener opener, int idle) {
        this.opener = opener;
        this.idle = idle;
    }

    /** A connection in a fresh transaction (autocommit off). */
    Connection take() throws SQLException {
        Connection c;
        synchronized (this) {
            c = free.pollFirst();
        }
        if (c == null) {
            c = opener.open();
        }
        c.setAutoCommit(false);
        return c;
    }

    /** Gives back a connection whose transaction has ended; {@code healthy} false closes it. */
    void give(Connection c, boolean healthy) {
        if (healthy) {
            synchronized (this) {
                if (!closed && free.size() < idle) {
                    free.addFirst(c);
                    return;
                }
            }
        }
        quietly(c);
    }

    private static void quietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("consistency connection did not close cleanly: {}", e.getSQLState());
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            free.forEach(Connections::quietly);
            free.clear();
        }
    }
}
