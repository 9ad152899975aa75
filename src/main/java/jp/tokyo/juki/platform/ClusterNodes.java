package jp.tokyo.juki.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of one gateway ({@code cluster.node}, issue 14): each running node upserts its row every
 * {@link #EVERY} (id, host, version, ports, when it started, when it was last seen), so {@code status --all}
 * lists every node and which are alive (seen within {@link #ALIVE}, not stopped). A node that stopped or died
 * keeps its row: a stop is recorded ({@code stopped_at}), a death shows as a beat missed for longer than {@link #ALIVE}.
 */
public final class ClusterNodes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNodes.class);
    /** How often a running node says it is alive. */
    public static final Duration EVERY = Duration.ofSeconds(5);
    /** A node not seen for this long is counted as down (three missed beats). */
    public static final Duration ALIVE = EVERY.multipliedBy(3);

    /** One node's row, and whether it counts as alive at the time it was read. */
    public record Node(String id, String host, String version, int csPort, int apiPort, int managementPort,
                       Instant startedAt, Instant seenAt, boolean alive) {
    }

    private final DataSource database;
    private final Node self;
    private final ScheduledExecutorService beat;
    private volatile boolean warned;

    private ClusterNodes(DataSource database, Node self) {
        this.database = database;
        this.self = self;
        this.beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-node-" + self.id());
            t.setDaemon(true);
            return t;
        });
    }

    /** Records this node now and every {@link #EVERY} until closed. */
    public static ClusterNodes start(DataSource database, String id, String host, String version, int csPort, int apiPort,
                                     int managementPort) throws SQLException {
        ClusterNodes nodes = new ClusterNodes(database, new Node(id, host, version, csPort, apiPort, managementPort,
                Instant.now(), null, true));
        nodes.upsert();
        nodes.beat.scheduleWithFixedDelay(nodes::beatQuietly, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return nodes;
    }

    private void beatQuietly() {
        try {
            upsert();
            warned = false;
        } catch (SQLException | RuntimeException e) {
            if (!warned) {
                LOG.warn("cluster.node: this node's row cannot be written ({}); status --all shows it down until it can",
                        e.getClass().getSimpleName());
                warned = true;
            }
        }
    }

    private void upsert() throws SQLException {
        try (Connection c = database.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     INSERT INTO cluster.node (node_id, host, version, cs_port, api_port, mgmt_port, started_at, seen_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, now())
                     ON CONFLICT (node_id) DO UPDATE SET host = EXCLUDED.host, version = EXCLUDED.version,
                         cs_port = EXCLUDED.cs_port, api_port = EXCLUDED.api_port, mgmt_port = EXCLUDED.mgmt_port,
                         started_at = EXCLUDED.started_at, seen_at = now(), stopped_at = NULL""")) {
            c.setAutoCommit(true);
            ps.setString(1, self.id());
            ps.setString(2, self.host());
            ps.setString(3, self.version());
            ps.setInt(4, self.csPort());
            ps.setInt(5, self.apiPort());
            ps.setInt(6, self.managementPort());
            ps.setTimestamp(7, Timestamp.from(self.startedAt()));
            ps.executeUpdate();
        }
    }

    /** Every node recorded, by id; alive when seen within {@link #ALIVE} by the database's clock. */
    public static List<Node> list(Connection c) throws SQLException {
        List<Node> nodes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT node_id, host, version, cs_port, api_port, mgmt_port, "
                + "started_at, seen_at, stopped_at IS NULL AND seen_at > now() - make_interval(secs => ?) "
                + "FROM cluster.node ORDER BY node_id")) {
            ps.setLong(1, ALIVE.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    nodes.add(new Node(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
                            rs.getInt(6), rs.getTimestamp(7).toInstant(), rs.getTimestamp(8).toInstant(), rs.getBoolean(9)));
                }
            }
        }
        return nodes;
    }

    /** Stops the beat and records that this node stopped (it counts as down at once). */
    @Override
    public void close() {
        beat.shutdownNow();
        try (Connection c = database.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE cluster.node SET stopped_at = now() "
                     + "WHERE node_id = ? AND started_at = ?")) {
            c.setAutoCommit(true);
            ps.setString(1, self.id());
            ps.setTimestamp(2, Timestamp.from(self.startedAt()));
            ps.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("cluster.node: stop not recorded ({})", e.getClass().getSimpleName());
        }
    }
}
