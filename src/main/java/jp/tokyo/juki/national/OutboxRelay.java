package jp.tokyo.juki.national;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import jp.tokyo.juki.platform.Jms;
import jp.tokyo.juki.platform.NoticePage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves committed notices from a store's outbox table to its persistent queue: read a page in
 * id order, send it in one JMS transaction, then delete it. The notices travel as pages
 * ({@link NoticePage}: one message holds up to {@code perMessage} notices, decision 35). A crash after
 * the send and before the delete sends the notices again; the receiver drops repeats by their origin
 * (sender, id). One relay per outbox runs at a time across gateway nodes (a PostgreSQL advisory lock),
 * so notices enter the queue in commit order; one node at a time delivers them (lease
 * {@code national-<store>}), so a person's notices reach the national server in that order.
 */
public final class OutboxRelay {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final DataSource dataSource;
    private final ConnectionFactory connectionFactory;
    private final String table;
    private final String queue;
    private final long lockKey;
    private final int page;
    private final int perMessage;
    private final int networkTimeoutMs;
    private Connection jms;
    private Session session;
    private MessageProducer producer;

    /**
     * @param table   the outbox table, e.g. {@code honnin.national_outbox}
     * @param lockKey the advisory lock that makes this relay the only one for that table
     * @param page    outbox rows read, sent and deleted per transaction
     * @param perMessage the most notices one message carries (the delivery's page: it takes whole messages)
     * @param networkTimeout the longest one answer of the database may take ({@code juki.db.network-timeout-ms})
     */
    public OutboxRelay(DataSource dataSource, ConnectionFactory connectionFactory, String table, String queue,
                       long lockKey, int page, int perMessage, Duration networkTimeout) {
        this.dataSource = dataSource;
        this.connectionFactory = connectionFactory;
        this.table = table;
        this.queue = queue;
        this.lockKey = lockKey;
        this.page = page;
        this.perMessage = perMessage;
        this.networkTimeoutMs = Math.toIntExact(networkTimeout.toMillis());
    }

    /** Relays until the outbox is empty; returns how many notices were moved. */
    public synchronized int drain() {
        int moved = 0;
        try {
            int n;
            do {
                n = relayPage();
                moved += n;
            } while (n == page);
        } catch (SQLException e) {
            LOG.warn("outbox {} not readable, will retry: SQLState {}", table, e.getSQLState());
        } catch (JMSException e) {
            LOG.warn("queue {} not reachable, notices stay in the outbox: {}", queue, e.getMessage());
            closeJms();
        }
        return moved;
    }

    /** Notices waiting in the outbox (for health and the bench report). */
    public long backlog() throws SQLException {
        try (java.sql.Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private int relayPage() throws SQLException, JMSException {
        try (java.sql.Connection c = dataSource.getConnection()) {
            c.setNetworkTimeout(Runnable::run, networkTimeoutMs);
            c.setAutoCommit(false);
            try {
                if (!tryLock(c)) {
                    c.rollback();
                    return 0;
                }
                List<Long> ids = new ArrayList<>();
                List<NoticePage.Notice> notices = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id, person_key, origin_sender, origin_id, notice FROM "
                        + table + " ORDER BY id LIMIT ?")) {
                    ps.setInt(1, page);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                            notices.add(new NoticePage.Notice(rs.getLong(1), rs.getString(2), rs.getString(3),
                                    rs.getString(4), rs.getString(5)));
                        }
                    }
                }
                if (ids.isEmpty()) {
                    c.commit();
                    return 0;
                }
                ensureJms();
                List<NoticePage.Page> pages = NoticePage.pages(notices, perMessage);
                for (NoticePage.Page p : pages) {
                    producer.send(message(p));
                }
                try {
                    session.commit();
                } catch (JMSException e) {
                    if (!Jms.isDuplicateRejected(e)) {
                        throw e;
                    }
                    // part of this page was queued by a commit whose outcome was unknown (broker failover) or
                    // whose rows the database then lost: the broker refused the whole transaction, so the page
                    // goes again one message per transaction, in id order, the ones it has being refused again
                    // (a message cut differently from the first time is not refused: its repeats are dropped
                    // by origin at the national server)
                    resendOneByOne(pages);
                }
                try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE id = ANY(?)")) {
                    del.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                    del.executeUpdate();
                }
                c.commit();
                return ids.size();
            } catch (SQLException | JMSException | RuntimeException e) {
                c.rollback();
                if (session != null) {
                    try {
                        session.rollback();
                    } catch (JMSException ignored) {
                        // the session is discarded below
                    }
                }
                throw e;
            }
        }
    }

    private void resendOneByOne(List<NoticePage.Page> pages) throws JMSException {
        for (NoticePage.Page p : pages) {
            try {
                producer.send(message(p));
                session.commit();
            } catch (JMSException e) {
                if (!Jms.isDuplicateRejected(e)) {
                    throw e;
                }
                session.rollback();
            }
        }
    }

    private BytesMessage message(NoticePage.Page p) throws JMSException {
        BytesMessage m = session.createBytesMessage();
        m.writeBytes(p.body());
        m.setIntProperty(NoticePage.NOTICES, p.count());
        // sent again after a commit whose outcome was unknown (broker failover, AMQ219031, or the database commit
        // lost after the broker's), the same page is dropped by the broker
        m.setStringProperty(Jms.DUPLICATE_ID, NoticePage.duplicateId(table, p));
        return m;
    }

    private boolean tryLock(java.sql.Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, lockKey);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private void ensureJms() throws JMSException {
        if (session == null) {
            jms = connectionFactory.createConnection();
            session = jms.createSession(true, Session.SESSION_TRANSACTED);
            producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        }
    }

    public synchronized void close() {
        closeJms();
    }

    private void closeJms() {
        Jms.closeQuietly(jms);
        jms = null;
        session = null;
        producer = null;
    }
}
