package jp.tokyo.juki.audit;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the end of the audit chain at a fixed interval ({@code juki.audit.checkpoint-seconds})
 * and once more when the gateway stops, whenever records were appended since the last
 * checkpoint. Several nodes may do so; a checkpoint of a seq already signed is skipped.
 */
public final class AuditCheckpoints extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(AuditCheckpoints.class);

    private final DataSource dataSource;
    private final PrivateKey key;
    private final X509Certificate certificate;
    private final Duration interval;
    private ScheduledExecutorService timer;

    public AuditCheckpoints(DataSource dataSource, PrivateKey key, X509Certificate certificate, Duration interval) {
        this.dataSource = dataSource;
        this.key = key;
        this.certificate = certificate;
        this.interval = interval;
    }

    @Override
    protected void doStart() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "audit-checkpoint");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::quietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws InterruptedException {
        if (timer != null) {
            timer.shutdown();
            timer.awaitTermination(10, TimeUnit.SECONDS);
        }
        quietly();
    }

    private void quietly() {
        try {
            checkpoint();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("audit checkpoint not written ({}); the next one covers these records",
                    e instanceof SQLException s ? "SQLState " + s.getSQLState() : e.getClass().getSimpleName());
        }
    }

    /** Signs the chain's head unless it is signed already; returns the seq signed, or -1. */
    public long checkpoint() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            AuditChain.Head head = AuditChain.head(c);
            if (head.seq() == 0 || head.seq() <= lastSigned(c)) {
                return -1;
            }
            AuditCheckpoint cp = AuditCheckpoint.sign(head, key, certificate);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit.checkpoint (seq, hash, at, signature) "
                    + "VALUES (?,?,?,?) ON CONFLICT (seq) DO NOTHING")) {
                ps.setLong(1, cp.seq());
                ps.setBytes(2, cp.hash());
                ps.setObject(3, OffsetDateTime.ofInstant(cp.at(), ZoneOffset.UTC));
                ps.setBytes(4, cp.signature());
                ps.executeUpdate();
            }
            // also in the log, which is shipped elsewhere: a checkpoint removed from the table is still on record
            LOG.info("audit checkpoint signed: seq {} hash {}", cp.seq(), AuditChain.hex(cp.hash()));
            return cp.seq();
        }
    }

    private static long lastSigned(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM audit.checkpoint");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
