package jp.tokyo.juki.platform;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The database ({@code juki.db.*}): embedded PostgreSQL unless {@link #URL} names an external one; each
 * store role's login and pool ({@code juki.db.<role>.*}, instances made with {@link Setting#named}).
 */
public final class DatabaseSettings {
    public static final Setting<String> URL = Setting.of("juki.db.url", Setting.Kind.JDBC_URL, null,
            "empty: an embedded PostgreSQL under <data>/pg; else an external one, e.g. jdbc:postgresql://db.example:5432/juki");
    public static final Setting<String> USER = Setting.text("juki.db.user", "postgres",
            "the external database's owner of the schemas (runs the migrations, writes the audit record)");
    public static final Setting<String> PASSWORD = Setting.text("juki.db.password", "", "the owner's password");
    public static final Setting<Integer> ADMIN_POOL_SIZE = Setting.positive("juki.db.admin.pool-size", 4, "connections",
            "the owner's pool (migrations, audit writer, operator tools)");
    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration("juki.db.connect-timeout-ms", 5000,
            ChronoUnit.MILLIS, "how long a connection may take to open");
    public static final Setting<Integer> EMBEDDED_PORT = Setting.port("juki.db.embedded.port", 0,
            "fixed port for the embedded PostgreSQL (0: any free port)");
    public static final Setting<String> EMBEDDED_SHARED_BUFFERS = Setting.size("juki.db.embedded.shared-buffers", "256MB",
            "shared_buffers of the embedded PostgreSQL");
    public static final Setting<String> EMBEDDED_MIN_WAL_SIZE = Setting.size("juki.db.embedded.min-wal-size", "1GB",
            "min_wal_size of the embedded PostgreSQL: that much WAL is kept for reuse after each checkpoint, and made "
                    + "ready at start when its directory holds less (decision 41)");
    public static final Setting<String> ROLE_USER = Setting.text("juki.db.<role>.user", "<role>",
            "the login of a store role (by default the role's own name)");
    public static final Setting<String> ROLE_PASSWORD = Setting.text("juki.db.<role>.password", null,
            "a store role's password (embedded: the one the gateway made; external: set it)");
    public static final Setting<Integer> ROLE_POOL_SIZE = Setting.positive("juki.db.<role>.pool-size", 4, "connections",
            "a store role's pool");
    /**
     * A node cut off the network with a statement or COMMIT on the wire waits for TCP's retransmissions, which back
     * off to minutes: the database server drops such a connection within ~8 s, but the client's socket learns of it
     * only when a retransmission reaches the server, and Java cannot set TCP_USER_TIMEOUT. After a 60 s cut the
     * update writer, the outbox relays and the consistency sweep of the node waited on for over a minute more, and
     * its stop hung (FailoverIT). The gateway's short transactions set this as their network timeout; long work
     * (consistency comparisons, retention's VACUUM, statistics, agency files) does not.
     */
    public static final Setting<Duration> NETWORK_TIMEOUT = Setting.duration("juki.db.network-timeout-ms", 30_000,
            ChronoUnit.MILLIS, "the longest a short transaction (an update, the outbox relay, the consistency sweep, the "
                    + "database health check) waits for one answer of the database before it gives the connection up "
                    + "(an update's COMMIT is then in doubt)")
            .range(1000, 600_000, "a busy or fsync-stalled database must not be taken for a dead one");

    private DatabaseSettings() {
    }
}
