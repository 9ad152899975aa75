package jp.tokyo.juki.store;

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

    /** Binds one row to parameters {@code first}…{@code first + n - 1}, in the order of the table's columns. */
    @FunctionalInterface
    public interface Binder<R> {
        void bind(PreparedStatement ps, int first, R row) throws SQLException;
    }

    private final String table;
    private final String columns;
    private final int columnCount;
    private final Reader<R> reader;
    private final Binder<R> binder;
    private final Function<R, String> codeOf;
    private final String onConflict;

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
        this.onConflict = " ON CONFLICT (juminhyo_code) DO UPDATE SET " + String.join(", ",
                Arrays.stream(columns.split(",\\s*")).filter(c -> !c.equals("juminhyo_code"))
                        .map(c -> c + " = EXCLUDED." + c).toList());
    }

    /**
     * The current rows of these persons, locked for this transaction (in code order, so batches never deadlock):
     * the statements are added to {@code reads}, and the map returned holds the rows once it has run.
     * The persons are locked first by code — an advisory lock per person and table, held until the transaction
     * ends — because a row lock holds only a person already in the table: with several gateway nodes, two
     * transactions could otherwise both find no current row of a new person and both apply their update as
     * the first, and their notices would leave in either order.
     */
    public Map<String, R> lockCurrent(RoundTrip reads, Collection<String> codes) {
        // in code order (the array's order: a function scan keeps it), as the row locks below
        Object[] ordered = new TreeSet<>(codes).toArray();
        reads.execute("SELECT pg_advisory_xact_lock(hashtextextended(? || x, 0)) FROM unnest(?::text[]) AS x", 2,
                (ps, i) -> {
                    ps.setString(i, table + ":");
                    ps.setArray(i + 1, ps.getConnection().createArrayOf("text", ordered));
                });
        Map<String, R> rows = new HashMap<>();
        reads.query("SELECT " + columns + " FROM " + table + " WHERE juminhyo_code = ANY(?) ORDER BY juminhyo_code "
                        + "FOR UPDATE", 1, (ps, i) -> ps.setArray(i, ps.getConnection().createArrayOf("bpchar", ordered)),
                rs -> {
                    while (rs.next()) {
                        R row = reader.read(rs);
                        rows.put(codeOf.apply(row), row);
                    }
                });
        return rows;
    }

    /** The locked persons as one group's updates change them, version by version (the map becomes the state). */
    public Versions versions(Map<String, R> locked) {
        return new Versions(locked);
    }

    /** A version of a person superseded by update {@code bySeq}, for the history table. */
    private record Superseded<R>(R row, long bySeq) {
    }

    /** The state a group of updates works on, and what it writes at the end. */
    public final class Versions {
        private final Map<String, R> state;
        private final Map<String, R> finalRows = new LinkedHashMap<>();
        private final List<Superseded<R>> history = new ArrayList<>();

        private Versions(Map<String, R> locked) {
            this.state = locked;
        }

        /** The person as the store and the earlier updates of this group leave them, or {@code null}. */
        public R current(String juminhyoCode) {
            return juminhyoCode == null ? null : state.get(juminhyoCode);
        }

        /** A new version of the person; the one it replaces becomes history, superseded by update {@code seq}. */
        public void put(R next, long seq) {
            R previous = state.put(codeOf.apply(next), next);
            if (previous != null) {
                history.add(new Superseded<>(previous, seq));
            }
            finalRows.put(codeOf.apply(next), next);
        }

        /** Adds the writes of the superseded versions to the history table and of each person's last version. */
        public void write(RoundTrip writes, Instant at) {
            Timestamp supersededAt = Timestamp.from(at);
            writes.insert("INSERT INTO " + table + "_history (" + columns + ", superseded_at, superseded_by_seq) VALUES ",
                    columnCount + 2, history, (ps, first, h) -> {
                        binder.bind(ps, first, h.row());
                        ps.setTimestamp(first + columnCount, supersededAt);
                        ps.setLong(first + columnCount + 1, h.bySeq());
                    }, "");
            writes.insert("INSERT INTO " + table + " (" + columns + ") VALUES ", columnCount,
                    finalRows.values(), binder::bind, onConflict);
        }
    }
}
