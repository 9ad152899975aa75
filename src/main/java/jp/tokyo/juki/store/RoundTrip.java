package jp.tokyo.juki.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Statements sent to PostgreSQL together and answered together: one network round trip for all of
 * them instead of one each (decision 37). They are joined into one multi-statement
 * {@link PreparedStatement}, which pgjdbc sends as one Parse/Bind/Execute per statement followed by
 * a single Sync. They run in the order they were added, in the connection's transaction; should one
 * fail, the server skips the rest and {@link #run} throws that statement's {@link SQLException}.
 *
 * <p>An update transaction was nine round trips (the idempotency lookup, the persons' locks, their
 * rows, the sequence, history, the current rows, the outbox, the accepted requests, the COMMIT); with
 * its reads in one round trip and its writes in another it is three. At 1,000 updates/s on two busy
 * cores each round trip is a wake-up of the writer and of its PostgreSQL backend.
 */
public final class RoundTrip {
    /** The most rows one multi-row {@code INSERT} of {@link #insert} takes (a statement binds at most 65,535 values). */
    static final int ROWS_PER_STATEMENT = 64;

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

    private record Part(String sql, int params, Params bind, Rows rows) {
    }

    private final List<Part> parts = new ArrayList<>();

    /** A statement whose rows are read, once the round trip has run, by {@code rows}. */
    public RoundTrip query(String sql, int params, Params bind, Rows rows) {
        parts.add(new Part(sql, params, bind, rows));
        return this;
    }

    /** A statement whose result (rows or a count) is not read. */
    public RoundTrip execute(String sql, int params, Params bind) {
        parts.add(new Part(sql, params, bind, null));
        return this;
    }

    /**
     * Inserts {@code rows} as multi-row {@code VALUES} statements of at most {@value #ROWS_PER_STATEMENT}
     * rows each, in the list's order (a {@code bigserial} column numbers them in that order).
     *
     * @param head    {@code INSERT INTO t (a, b) VALUES }
     * @param columns the values of one row
     * @param tail    what follows the values, e.g. an {@code ON CONFLICT} clause, or {@code ""}
     */
    public <T> RoundTrip insert(String head, int columns, List<T> rows, RowBinder<T> bind, String tail) {
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            List<T> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT));
            execute(head + values(chunk.size(), columns) + tail, chunk.size() * columns, (ps, first) -> {
                int i = first;
                for (T row : chunk) {
                    bind.bind(ps, i, row);
                    i += columns;
                }
            });
        }
        return this;
    }

    /** Sends the statements and reads their answers: one round trip. Nothing to send, nothing sent. */
    public void run(Connection c) throws SQLException {
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
