package jp.tokyo.juki.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One lease of {@link PgLockClusterService} as the work it guards sees it: whether this node holds it now
 * ({@link #held}, between two steps of that work) and the database's own word inside a transaction with side
 * effects ({@link #check}: the lock is still granted to this node's lease connection), so that a node that lost
 * the lease (paused, cut off) cannot commit what the new holder is doing too.
 */
public final class Lease {
    private final String name;
    private volatile int id;
    private volatile boolean wanted;
    private volatile boolean held;
    private volatile int pid;

    Lease(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Whether this node holds the lease now (as far as it knows: its lease connection answered lately). */
    public boolean held() {
        return held;
    }

    /**
     * Refuses (throws {@link Lost}) unless this node's lease connection still holds the lock; run it inside the
     * transaction whose commit must not happen on a node that lost the lease.
     */
    public void check(Connection c) throws SQLException {
        if (!held) {
            throw new Lost(name);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                + "AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 2 AND pid = ? AND granted")) {
            ps.setLong(1, PgLockClusterService.KEY_SPACE);
            ps.setLong(2, id);
            ps.setInt(3, pid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new Lost(name);
                }
            }
        }
    }

    int id() {
        return id;
    }

    void id(int id) {
        this.id = id;
    }

    boolean wanted() {
        return wanted;
    }

    void wanted(boolean wanted) {
        this.wanted = wanted;
    }

    void held(boolean held, int pid) {
        this.pid = pid;
        this.held = held;
    }

    /** This node no longer holds the lease: what it was about to commit is not committed. */
    public static final class Lost extends SQLException {
        public Lost(String lease) {
            super("this node no longer holds lease " + lease, "55P03");
        }
    }
}
