package jp.tokyo.juki.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node at a time (issue 14): each lease is a PostgreSQL session advisory lock
 * ({@code pg_try_advisory_lock(KEY_SPACE, id)}, the id from {@code lease.lock_name}) held on one connection of this
 * node's own, outside the pools. As a Camel cluster service, a route that reads {@code master:<lease>:<endpoint>}
 * runs its consumer only while this node holds the lease; a Java part listens to {@link #getView} itself.
 *
 * <p>A node that dies frees its locks at once (the server closes its session); another node wanting the lease takes
 * it at its next try ({@code juki.lease.try-ms}). A node that stops hearing from the database (each try is also a
 * heartbeat) gives up every lease after {@code juki.lease.fence-ms} — it stops the routes first, while the server
 * still keeps the locks of the silent connection (keepalive and {@code tcp_user_timeout} set to twice that) — then
 * reconnects and tries again. The same code runs for one node, which simply always wins.
 */
public final class PgLockClusterService extends AbstractCamelClusterService<PgLockClusterView> {
    private static final Logger LOG = LoggerFactory.getLogger(PgLockClusterService.class);
    /** the first key of the two-int advisory lock form, 'JUKI': apart from the one-bigint locks of other flows */
    public static final int KEY_SPACE = 0x4A554B49;

    /** A new connection to the primary, of this node's lease role. */
    public interface Connector {
        Connection open() throws SQLException;
    }

    /** What the node does when it takes or loses a lease (audit). */
    public interface Events {
        void taken(String lease);

        void lost(String lease, String why);
    }

    private final Connector connector;
    private final String nodeId;
    private final Duration tryEvery;
    private final Duration fenceAfter;
    private final Events events;
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    private final Map<String, PgLockClusterView> views = new ConcurrentHashMap<>();
    private ScheduledExecutorService worker;
    private ScheduledExecutorService watchdog;
    /** used on the worker thread only; the watchdog may abort it */
    private volatile Connection connection;
    private volatile int pid;
    private volatile long heardNanos;
    private final Object ticked = new Object();
    /** rounds of tries completed (guarded by {@code ticked}) */
    private long ticks;
    /** set when the leases were given up on this connection: the worker replaces it */
    private volatile boolean fenced;

    public PgLockClusterService(Connector connector, String nodeId, Duration tryEvery, Duration fenceAfter,
                                Events events) {
        super("juki-leases");
        this.connector = connector;
        this.nodeId = nodeId;
        this.tryEvery = tryEvery;
        this.fenceAfter = fenceAfter;
        this.events = events;
    }

    public String nodeId() {
        return nodeId;
    }

    /** The lease of this name, for the work it guards ({@link Lease#held}, {@link Lease#check}). */
    public Lease lease(String name) {
        return leases.computeIfAbsent(name, Lease::new);
    }

    /** The leases this node wants now (held or waiting for). */
    public List<Lease> wanted() {
        return leases.values().stream().filter(Lease::wanted).toList();
    }

    /**
     * Waits (at most {@code limit}) until every lease wanted now has been tried at least once, so that a node
     * starting alone holds its leases when its start returns.
     */
    public void awaitTried(Duration limit) throws InterruptedException {
        long target;
        synchronized (ticked) {
            target = ticks + 1;
        }
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (ticked) {
            while (ticks < target && System.nanoTime() < deadline) {
                ticked.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
        }
    }

    @Override
    protected PgLockClusterView createView(String namespace) {
        return views.computeIfAbsent(namespace, n -> new PgLockClusterView(this, lease(n)));
    }

    @Override
    protected void doStart() throws Exception {
        worker = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "juki-lease"));
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "juki-lease-fence"));
        heardNanos = System.nanoTime();
        worker.scheduleWithFixedDelay(this::tick, 0, tryEvery.toMillis(), TimeUnit.MILLISECONDS);
        long every = Math.max(50, fenceAfter.toMillis() / 10);
        watchdog.scheduleWithFixedDelay(this::watch, every, every, TimeUnit.MILLISECONDS);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop(); // stops the views: each gives up its lease
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        if (worker != null) {
            onWorker(() -> {
                Connection c = connection;
                connection = null;
                close(c); // the session's end frees every lock it still has
            });
            worker.shutdownNow();
        }
    }

    /** A view started: its lease is wanted, and tried now rather than at the next tick. */
    void want(Lease lease) {
        lease.wanted(true);
        if (worker != null && !worker.isShutdown()) {
            worker.execute(this::tick);
        }
    }

    /** A view stopped: its lease is given up (the consumer is already stopped) and its lock released. */
    void release(Lease lease) {
        lease.wanted(false);
        boolean was;
        synchronized (this) {
            was = lease.held();
            lease.held(false, 0);
        }
        if (was) {
            PgLockClusterView view = views.get(lease.name());
            if (view != null) {
                view.changed(); // what still listens (the SFTP server) stops before the lock is free
            }
            events.lost(lease.name(), "released by node " + nodeId);
            onWorker(() -> {
                Connection c = connection;
                if (c != null && lease.id() > 0) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
                        ps.setInt(1, KEY_SPACE);
                        ps.setInt(2, lease.id());
                        ps.execute();
                    } catch (SQLException e) {
                        fence("unlock failed (SQLState " + e.getSQLState() + ")");
                    }
                }
            });
        }
    }

    /** On the worker: connect if needed, try every wanted lease not held; one round trip at least (heartbeat). */
    private void tick() {
        try {
            Connection c = connection;
            if (c == null || fenced) {
                close(c);
                connection = null;
                c = connect();
            }
            boolean spoke = false;
            for (Lease lease : leases.values()) {
                if (lease.wanted() && !lease.held()) {
                    tryTake(c, lease);
                    spoke = true;
                }
            }
            if (!spoke) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
            }
            heardNanos = System.nanoTime();
            synchronized (ticked) {
                ticks++;
                ticked.notifyAll();
            }
        } catch (SQLException e) {
            fence("the lease connection failed (SQLState " + e.getSQLState() + ")");
        } catch (RuntimeException e) {
            fence("the lease connection failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private Connection connect() throws SQLException {
        Connection c = connector.open();
        try {
            c.setAutoCommit(true);
            // a reply later than this is a silent server: the heartbeat fails and the leases are given up in time
            c.setNetworkTimeout(Runnable::run,
                    (int) Math.max(500, fenceAfter.toMillis() - tryEvery.toMillis()));
            long serverSide = Math.max(1, fenceAfter.toSeconds());
            try (Statement s = c.createStatement()) {
                // the server frees a silent holder's locks after ~2 x fence, when that node has already given them up
                s.execute("SET application_name = '" + ("juki-lease " + nodeId).replace("'", "") + "'");
                s.execute("SET tcp_keepalives_idle = " + serverSide);
                s.execute("SET tcp_keepalives_interval = 1");
                s.execute("SET tcp_keepalives_count = " + serverSide);
                s.execute("SET tcp_user_timeout = " + 2 * fenceAfter.toMillis());
                try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    pid = rs.getInt(1);
                }
            }
            fenced = false;
            connection = c;
            return c;
        } catch (SQLException | RuntimeException e) {
            close(c);
            throw e;
        }
    }

    private void tryTake(Connection c, Lease lease) throws SQLException {
        if (lease.id() == 0) {
            lease.id(lockId(c, lease.name()));
        }
        boolean got;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, KEY_SPACE);
            ps.setInt(2, lease.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                got = rs.getBoolean(1);
            }
        }
        if (!got) {
            return;
        }
        synchronized (this) {
            if (fenced || !lease.wanted()) {
                // given up meanwhile: the lock goes with the connection, or is released here
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
                    ps.setInt(1, KEY_SPACE);
                    ps.setInt(2, lease.id());
                    ps.execute();
                }
                return;
            }
            lease.held(true, pid);
            heardNanos = System.nanoTime();
        }
        LOG.info("lease {} taken by node {}", lease.name(), nodeId);
        events.taken(lease.name());
        PgLockClusterView view = views.get(lease.name());
        if (view != null) {
            view.changed();
        }
    }

    /** The lease's number: one per name, never reused, so two names never share a lock. */
    private static int lockId(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO lease.lock_name (name) VALUES (?) ON CONFLICT (name) DO NOTHING")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM lease.lock_name WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** On the watchdog: a holder that has not heard from the database within the fence time gives everything up. */
    private void watch() {
        long silent = System.nanoTime() - heardNanos;
        if (silent > fenceAfter.toNanos() && leases.values().stream().anyMatch(Lease::held)) {
            fence("no reply from the database for " + silent / 1_000_000 + " ms");
        }
    }

    /** Gives up every lease held (their consumers stop) and marks the connection to be replaced. */
    private void fence(String why) {
        List<Lease> given;
        synchronized (this) {
            fenced = true;
            given = leases.values().stream().filter(Lease::held).toList();
            given.forEach(l -> l.held(false, 0));
        }
        for (Lease lease : given) {
            LOG.warn("lease {} given up by node {}: {}", lease.name(), nodeId, why);
            PgLockClusterView view = views.get(lease.name());
            if (view != null) {
                view.changed();
            }
            events.lost(lease.name(), why);
        }
        Connection c = connection;
        if (c != null && !given.isEmpty()) {
            try {
                c.abort(Runnable::run); // a read blocked on a silent server ends now
            } catch (SQLException | RuntimeException e) {
                LOG.debug("lease connection abort: {}", e.getClass().getSimpleName());
            }
        }
    }

    private void onWorker(Runnable task) {
        if (worker == null || worker.isShutdown()) {
            return;
        }
        try {
            worker.submit(task).get(fenceAfter.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("lease connection: {} did not finish", task.getClass().getSimpleName());
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("lease connection close: SQLState {}", e.getSQLState());
            }
        }
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
