package jp.tokyo.juki.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Statements sent to PostgreSQL together and answered together: one network round trip for all of
 * them instead of one each (decision 37). They are joined into one multi-statement
 * {@link PreparedStatement}, which pgjdbc sends as one Parse/Bind/Execute per statement followed by
 * a single Sync. They run in the order they were added, in the connection's transaction; should one
 * fail, the server skips the rest and {@link #run} throws that statement's {@link SQLException}.
 * An insert of more than a few rows goes as a JDBC batch of its own instead ({@link #insert}).
 *
 * <p>An update transaction was nine round trips (the idempotency lookup, the persons' locks, their
 * rows, the sequence, history, the current rows, the outbox, the accepted requests, the COMMIT); with
 * its reads in one round trip and its writes in another it is three while its group is small (at
 * 1,000 updates/s, ~5 updates); a large group's inserts are batches, where the round trips are few
 * per update anyway. At 1,000 updates/s on two busy
 * cores each round trip is a wake-up of the writer and of its PostgreSQL backend.
 */
public final class RoundTrip {
    /**
     * The most rows {@link #insert} sends as a multi-row {@code INSERT} in the round trip. More go as a JDBC batch
     * in a round trip of its own: pgjdbc rewrites a batch into multi-row statements of power-of-two sizes, which the
     * server prepares once, where a round trip's text (and so its parse and plan) would change with every count.
     * Measured (docs/benchmarks.md): with groups of ~250 updates, 64-row statements in the round trip cost
     * PostgreSQL 192 µs per update against 129–136 µs with batches; at 1,000 updates/s a group is ~5.
     */
    static final int ROWS_IN_ROUND_TRIP = 8;

    /** Binds a statement's parameters, the first of them at index {@code first}. */
    @FunctionalInterface
    public interface Params {
        void bind(PreparedStatement ps, int first) throws SQLException;
    }

    /** Reads the rows a statement selected. */
    @FunctionalInterface
    public interface Rows {
        void read(ResultSet rs) throws SQLException;
    }

    /** Binds one row of a multi-row {@code INSERT}, its first value at index {@code first}. */
    @FunctionalInterface
    public interface RowBinder<T> {
        void bind(PreparedStatement ps, int first, T row) throws SQLException;
    }

    /** Binds each row of a batch and adds it ({@link PreparedStatement#addBatch}). */
    @FunctionalInterface
    private interface Batch {
        void add(PreparedStatement ps) throws SQLException;
    }

    /** A statement of the round trip; or, with {@code batch}, a JDBC batch sent in a round trip of its own. */
    private record Part(String sql, int params, Params bind, Rows rows, Batch batch) {
    }

    private final List<Part> parts = new ArrayList<>();

    /** A statement whose rows are read, once the round trip has run, by {@code rows}. */
    public RoundTrip query(String sql, int params, Params bind, Rows rows) {
        parts.add(new Part(sql, params, bind, rows, null));
        return this;
    }

    /** A statement whose result (rows or a count) is not read. */
    public RoundTrip execute(String sql, int params, Params bind) {
        parts.add(new Part(sql, params, bind, null, null));
        return this;
    }

    /**
     * Inserts {@code rows} in their iteration order (a {@code bigserial} column numbers them in that order): up to
     * {@value #ROWS_IN_ROUND_TRIP} as one multi-row {@code VALUES} statement of this round trip, more as a JDBC
     * batch, sent after the statements added before it in a round trip of its own.
     *
     * @param head    {@code INSERT INTO t (a, b) VALUES }
     * @param columns the values of one row
     * @param tail    what follows the values, e.g. an {@code ON CONFLICT} clause, or {@code ""}
     */
    public <T> RoundTrip insert(String head, int columns, Collection<T> rows, RowBinder<T> bind, String tail) {
        if (rows.isEmpty()) {
            return this;
        }
        List<T> all = List.copyOf(rows);
        if (all.size() > ROWS_IN_ROUND_TRIP) {
            parts.add(new Part(head + values(1, columns) + tail, 0, null, null, ps -> {
                for (T row : all) {
                    bind.bind(ps, 1, row);
                    ps.addBatch();
                }
            }));
            return this;
        }
        return execute(head + values(all.size(), columns) + tail, all.size() * columns, (ps, first) -> {
            int i = first;
            for (T row : all) {
                bind.bind(ps, i, row);
                i += columns;
            }
        });
    }

    /**
     * Sends the statements in the order added and reads their answers: one round trip, and one more for each
     * batch of {@link #insert}. Nothing to send, nothing sent.
     */
    public void run(Connection c) throws SQLException {
        List<Part> together = new ArrayList<>();
        for (Part p : parts) {
            if (p.batch() == null) {
                together.add(p);
                continue;
            }
            send(c, together);
            together.clear();
            try (PreparedStatement ps = c.prepareStatement(p.sql())) {
                p.batch().add(ps);
                ps.executeBatch();
            }
        }
        send(c, together);
    }

    /** The statements as one multi-statement PreparedStatement: one round trip. */
    private static void send(Connection c, List<Part> parts) throws SQLException {
        if (parts.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder();
        for (Part p : parts) {
            if (!sql.isEmpty()) {
                sql.append(";\n");
            }
            sql.append(p.sql());
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int first = 1;
            for (Part p : parts) {
                p.bind().bind(ps, first);
                first += p.params();
            }
            boolean rows = ps.execute();
            for (Part p : parts) {
                if (p.rows() != null) {
                    if (!rows) {
                        throw new SQLException("a statement of the round trip returned no rows where rows were expected");
                    }
                    try (ResultSet rs = ps.getResultSet()) {
                        p.rows().read(rs);
                    }
                }
                rows = ps.getMoreResults();
            }
        }
    }

    /** {@code (?,?),(?,?)} for two rows of two values. */
    static String values(int rows, int columns) {
        String row = "(" + "?,".repeat(columns - 1) + "?)";
        StringBuilder s = new StringBuilder(rows * (row.length() + 1));
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(row);
        }
        return s.toString();
    }
}
