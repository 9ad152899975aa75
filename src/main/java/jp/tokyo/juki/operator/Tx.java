package jp.tokyo.juki.operator;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** One transaction of the operator capability: committed when the work returns, rolled back when it throws. */
final class Tx {
    private Tx() {
    }

    /** Work on a connection in a transaction. */
    @FunctionalInterface
    interface Work<T, E extends Exception> {
        T run(Connection c) throws SQLException, E;
    }

    /**
     * Runs {@code work} in one READ COMMITTED transaction (the audit chain's head is locked under it)
     * of a connection of {@code ds}; an SQLException becomes {@link StoreUnavailable}.
     */
    static <T, E extends Exception> T run(DataSource ds, Work<T, E> work) throws E {
        try (Connection c = ds.getConnection()) {
            return run(c, work);
        } catch (SQLException e) {
            throw new StoreUnavailable(e);
        }
    }

    /** As {@link #run(DataSource, Work)} on {@code c}, which is left with auto-commit on. */
    static <T, E extends Exception> T run(Connection c, Work<T, E> work) throws E {
        try {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Throwable e) {
                // precise rethrow: only what the work throws (SQLException, E) or unchecked
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreUnavailable(e);
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException lost) {
            cause.addSuppressed(lost);
        }
    }
}
