package jp.tokyo.juki.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.testkit.TestDatabase;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One node at a time (issue 14): two lease services — two nodes — on one real PostgreSQL (the embedded one, its
 * migrations and roles). One holds a lease, never both; a holder whose connection the server ends, or that stops,
 * is replaced within seconds; a holder that stops hearing from the database gives the lease up while the server
 * still keeps its lock, so the two never overlap; a lease that was lost refuses the commit it guarded.
 */
class LeaseIT {
    private static TestDatabase database;
    private static EmbeddedDatabase db;
    private final List<Node> nodes = new ArrayList<>();

    /** One node's lease service, wanting one lease, and what it saw (taken / lost, with the time). */
    private final class Node implements AutoCloseable {
        final String id;
        final PgLockClusterService service;
        final Lease lease;
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile long takenNanos;
        volatile long lostNanos;

        Node(String id, String leaseName) throws Exception {
            this.id = id;
            service = new PgLockClusterService(() -> db.connectAs("juki_lease", "juki-lease " + id), id,
                    Duration.ofSeconds(1), Duration.ofSeconds(3), new PgLockClusterService.Events() {
                @Override
                public void taken(String lease) {
                    events.add("taken " + lease);
                }

                @Override
                public void lost(String lease, String why) {
                    events.add("lost " + lease + ": " + why);
                }
            });
            service.start();
            service.getView(leaseName).addEventListener((CamelClusterEventListener.Leadership) (view, leader) -> {
                if (view.getLocalMember().isLeader()) {
                    takenNanos = System.nanoTime();
                } else {
                    lostNanos = System.nanoTime();
                }
            });
            lease = service.lease(leaseName);
            nodes.add(this);
        }

        @Override
        public void close() {
            service.stop();
        }
    }

    @BeforeAll
    static void startDatabase() throws Exception {
        database = TestDatabase.start("juki-lease-it");
        db = database.db();
    }

    @AfterAll
    static void stopDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(Node::close);
        nodes.clear();
    }

    @Test
    void aNodeAloneHoldsItsLeaseWhenItsFirstTryIsDone() throws Exception {
        Node alone = new Node("alone", "lease-it-alone");
        alone.service.awaitTried(Duration.ofSeconds(10));
        assertThat(alone.lease.held()).isTrue();
        assertThat(alone.events).containsExactly("taken lease-it-alone");
        try (Connection c = db.dataSource().getConnection()) {
            alone.lease.check(c); // the database agrees
        }
    }

    @Test
    void oneHolderAtATimeAndAHolderWhoseConnectionIsEndedIsReplacedWithinSeconds() throws Exception {
        Node a = new Node("node-a", "lease-it-1");
        Node b = new Node("node-b", "lease-it-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.lease.held() || b.lease.held());
        Thread.sleep(2500); // two more tries each: still one holder
        assertThat(a.lease.held() ^ b.lease.held()).as("exactly one holder").isTrue();
        Node holder = a.lease.held() ? a : b;
        Node other = holder == a ? b : a;
        try (Connection c = db.dataSource().getConnection()) {
            holder.lease.check(c);
            assertThatThrownBy(() -> other.lease.check(c)).isInstanceOf(Lease.Lost.class);
        }

        long t0 = System.nanoTime();
        try (Connection c = db.dataSource().getConnection()) {
            assertThat(terminate(c, holder.id)).isEqualTo(1);
            // the commit the old holder guarded is refused as soon as its server process has ended, whether or not
            // the node has noticed yet
            await().atMost(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(5)).untilAsserted(() ->
                    assertThatThrownBy(() -> holder.lease.check(c)).isInstanceOf(Lease.Lost.class));
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> other.lease.held());
        double takeover = (System.nanoTime() - t0) / 1e9;
        await().atMost(Duration.ofSeconds(5)).until(() -> !holder.lease.held());
        System.out.printf("LeaseIT: holder's connection ended (pg_terminate_backend) -> %s holds after %.2f s;"
                + " %s gave up after %.2f s%n", other.id, takeover, holder.id, (holder.lostNanos - t0) / 1e9);
        assertThat(takeover).as("takeover seconds").isLessThan(5);
        assertThat(holder.events).anyMatch(e -> e.startsWith("lost lease-it-1: "));
        // the old holder reconnects and waits: one holder still
        Thread.sleep(2500);
        assertThat(holder.lease.held()).isFalse();
        assertThat(other.lease.held()).isTrue();
    }

    @Test
    void aHolderThatStopsIsReplacedWithinSeconds() throws Exception {
        Node a = new Node("node-c", "lease-it-2");
        a.service.awaitTried(Duration.ofSeconds(10));
        Node b = new Node("node-d", "lease-it-2");
        b.service.awaitTried(Duration.ofSeconds(10));
        assertThat(a.lease.held()).isTrue();
        assertThat(b.lease.held()).isFalse();
        long t0 = System.nanoTime();
        a.close();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> b.lease.held());
        double takeover = (System.nanoTime() - t0) / 1e9;
        System.out.printf("LeaseIT: holder stopped -> the other holds after %.2f s%n", takeover);
        assertThat(takeover).as("takeover seconds").isLessThan(5);
        assertThat(a.events).containsExactly("taken lease-it-2", "lost lease-it-2: released by node node-c");
    }

    @Test
    void aHolderThatNoLongerHearsFromTheDatabaseGivesTheLeaseUpBeforeTheServerFreesIt() throws Exception {
        Node a = new Node("node-e", "lease-it-3");
        a.service.awaitTried(Duration.ofSeconds(10));
        Node b = new Node("node-f", "lease-it-3");
        b.service.awaitTried(Duration.ofSeconds(10));
        assertThat(a.lease.held()).isTrue();
        int backend;
        try (Connection c = db.dataSource().getConnection()) {
            backend = pid(c, a.id);
        }
        // the holder's server process stops answering (as behind a cut network): its lock stays granted
        long t0 = System.nanoTime();
        signal("STOP", backend);
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> !a.lease.held());
            double fenced = (System.nanoTime() - t0) / 1e9;
            assertThat(b.lease.held()).as("the silent holder's lock is still granted: nobody else holds").isFalse();
            Thread.sleep(1500);
            assertThat(b.lease.held()).isFalse();
            System.out.printf("LeaseIT: holder's database went silent -> it gave the lease up after %.2f s "
                    + "(juki.lease.fence-ms 3000) while its lock was still granted%n", fenced);
            assertThat(fenced).as("seconds to give up").isBetween(2.0, 5.0);
        } finally {
            signal("CONT", backend); // it finds its client gone and ends: the lock is free
        }
        // either node may win now (the first has reconnected and tries too), one only
        await().atMost(Duration.ofSeconds(15)).until(() -> a.lease.held() || b.lease.held());
        Node next = a.lease.held() ? a : b;
        assertThat(a.lease.held() && b.lease.held()).isFalse();
        assertThat(a.lostNanos).as("given up before the next holding began").isLessThan(next.takenNanos);
        System.out.printf("LeaseIT: %s took it %.2f s after the silent holder gave it up%n", next.id,
                (next.takenNanos - a.lostNanos) / 1e9);
    }

    private static int terminate(Connection c, String node) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, "juki-lease " + node);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int pid(Connection c, String node) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, "juki-lease " + node);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("lease connection of " + node).isTrue();
                return rs.getInt(1);
            }
        }
    }

    private static void signal(String signal, int pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, Integer.toString(pid)).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kill -" + signal).isZero();
    }
}
