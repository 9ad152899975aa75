package jp.tokyo.juki.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;
import jp.tokyo.juki.consistency.ConsistencySource;
import jp.tokyo.juki.consistency.ItemDigest;
import jp.tokyo.juki.record.Violation;

/**
 * A store's person table in the consistency check (整合), the same for both stores: a CS record
 * is read with the update's item rules, its items digested by the store's {@link Digest}; the
 * store side is the table's current (not deleted) persons for whom the municipality is
 * responsible, in code order along the index {@code (<municipality column>, juminhyo_code)}.
 *
 * @param store   the {@code store} member of {@code CONSISTENCY_BEGIN} ({@code HONNIN}, {@code FUHYO})
 * @param items   the compared items, in the order of {@code digest}'s output
 * @param code    the record's 住民票コード
 * @param digest  the digest of each compared item
 * @param <R>     the store's record
 */
public record StoreConsistency<R>(String store, List<String> items, RecordReader<R> reader, Function<R, String> code,
                                  Digest<R> digest, Table<R> table) implements ConsistencySource<R> {
    private static final int FETCH = 2000;

    /** Reads and checks one CS record with the update's item rules. */
    @FunctionalInterface
    public interface RecordReader<R> {
        R read(JsonNode record, String sender, String path) throws Violation;
    }

    /** Digests each compared item of a record ({@link ConsistencySource#digest}). */
    @FunctionalInterface
    public interface Digest<R> {
        void digest(R record, ItemDigest digest, long[] out);
    }

    /**
     * Where the store's current persons are.
     *
     * @param table              e.g. {@code honnin.resident}
     * @param columns            the columns {@code rows} reads: what is compared is what the store holds
     * @param municipalityColumn the municipality responsible for the person
     */
    public record Table<R>(String table, String columns, String municipalityColumn, RowReader<R> rows) {
    }

    public StoreConsistency {
        items = List.copyOf(items);
    }

    @Override
    public R read(JsonNode record, String sender, String path) throws Violation {
        return reader.read(record, sender, path);
    }

    @Override
    public String juminhyoCode(R record) {
        return code.apply(record);
    }

    @Override
    public void digest(R record, ItemDigest d, long[] out) {
        digest.digest(record, d, out);
    }

    @Override
    public Cursor<R> current(Connection c, String municipality) throws SQLException {
        return Cursor.of(c, "SELECT " + table.columns() + " FROM " + table.table() + " WHERE " + table.municipalityColumn()
                + " = ? AND NOT deleted ORDER BY juminhyo_code", municipality, FETCH, table.rows());
    }
}
