package jp.tokyo.juki.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A store's table of persons — one current row per 住民票コード, deleted persons kept with their
 * flag — and its history table of superseded versions ({@code <table>_history}: the same
 * columns plus when and by which update each was superseded). The store says how its rows map
 * to columns; the SQL is the same for both stores.
 *
 * @param <R> the store's row
 */
public final class PersonTable<R> {

    /** Reads one row as selected with the table's columns. */
    @FunctionalInterface
    public interface Reader<R> {
        R read(ResultSet rs) throws SQLException;
    }

    /** Binds one row to parameters 1…n, in the order of the table's columns. */
    @FunctionalInterface
    public interface Binder<R> {
        void bind(PreparedStatement ps, R row) throws SQLException;
    }

    private final String table;
    private final String columns;
    private final int columnCount;
    private final Reader<R> reader;
    private final Binder<R> binder;
    private final Function<R, String> codeOf;
    private final String upsert;

    /**
     * @param table   e.g. {@code honnin.resident}; its history is {@code honnin.resident_history}
     * @param columns the columns the reader reads and the binder binds, {@code juminhyo_code} first
     */
    public PersonTable(String table, String columns, Reader<R> reader, Binder<R> binder,
                       Function<R, String> codeOf) {
        this.table = table;
        this.columns = columns;
        this.columnCount = columns.split(",").length;
        this.reader = reader;
        this.binder = binder;
        this.codeOf = codeOf;
        this.upsert = "INSERT INTO " + table + " (" + columns + ") VALUES (" + placeholders()
                + ") ON CONFLICT (juminhyo_code) DO UPDATE SET " + String.join(", ",
                Arrays.stream(columns.split(",\\s*")).filter(c -> !c.equals("juminhyo_code"))
                        .map(c -> c + " = EXCLUDED." + c).toList());
    }

    private String placeholders() {
        return "?,".repeat(columnCount - 1) + "?";
    }

    /**
     * The current rows of these persons, locked for this transaction (in code order, so batches never deadlock).
     * The persons are locked first by code — an advisory lock per person and table, held until the transaction
     * ends — because a row lock holds only a person already in the table: with several gateway nodes, two
     * transactions could otherwise both find no current row of a new person and both apply their update as
     * the first, and their notices would leave in either order.
     */
    public Map<String, R> lockCurrent(Connection c, Collection<String> codes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(? || x, 0)) "
                + "FROM unnest(?::text[]) AS x")) {
            ps.setString(1, table + ":");
            // in code order (the array's order: a function scan keeps it), as the row locks below
            ps.setArray(2, c.createArrayOf("text", new TreeSet<>(codes).toArray()));
            ps.execute();
        }
        Map<String, R> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM " + table
                + " WHERE juminhyo_code = ANY(?) ORDER BY juminhyo_code FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("bpchar", codes.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    R row = reader.read(rs);
                    rows.put(codeOf.apply(row), row);
                }
            }
        }
        return rows;
    }

    /** The locked persons as one group's updates change them, version by version. */
    public Versions versions(Map<String, R> locked) {
        return new Versions(locked);
    }

    /** The state a group of updates works on, and what it writes at the end. */
    public final class Versions {
        private final Map<String, R> state;
        private final Map<String, R> finalRows = new LinkedHashMap<>();
        private final List<R> history = new ArrayList<>();
        private final List<Long> supersededBy = new ArrayList<>();

        private Versions(Map<String, R> locked) {
            this.state = new HashMap<>(locked);
        }

        /** The person as the store and the earlier updates of this group leave them, or {@code null}. */
        public R current(String juminhyoCode) {
            return juminhyoCode == null ? null : state.get(juminhyoCode);
        }

        /** A new version of the person; the one it replaces becomes history, superseded by update {@code seq}. */
        public void put(R next, long seq) {
            R previous = state.put(codeOf.apply(next), next);
            if (previous != null) {
                history.add(previous);
                supersededBy.add(seq);
            }
            finalRows.put(codeOf.apply(next), next);
        }

        /** Writes the superseded versions to the history table and the last version of each person. */
        public void write(Connection c, Instant at) throws SQLException {
            if (!history.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + "_history (" + columns
                        + ", superseded_at, superseded_by_seq) VALUES (" + placeholders() + ",?,?)")) {
                    for (int i = 0; i < history.size(); i++) {
                        binder.bind(ps, history.get(i));
                        ps.setTimestamp(columnCount + 1, Timestamp.from(at));
                        ps.setLong(columnCount + 2, supersededBy.get(i));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (!finalRows.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(upsert)) {
                    for (R row : finalRows.values()) {
                        binder.bind(ps, row);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
        }
    }
}
