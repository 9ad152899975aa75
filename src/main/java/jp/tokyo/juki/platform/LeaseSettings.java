package jp.tokyo.juki.platform;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The leases that make a singleton run on one node at a time ({@link PgLockClusterService}; docs/operations/leases.md):
 * how often a node tries to take a lease it wants, and how long it may go without a word from the database before it
 * gives up what it holds (self-fencing, before the server frees the locks of a connection it no longer hears).
 */
public final class LeaseSettings {
    public static final Setting<Duration> TRY = Setting.duration("juki.lease.try-ms", 1000, ChronoUnit.MILLIS,
            "how often a lease this node wants is tried, and the lease connection is heard from (heartbeat)");
    public static final Setting<Duration> FENCE = Setting.duration("juki.lease.fence-ms", 3000, ChronoUnit.MILLIS,
            "a node that has not heard from the database for this long stops what its leases run (the server frees "
            + "the locks of a silent connection after twice this)");

    private LeaseSettings() {
    }
}
