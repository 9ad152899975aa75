package jp.tokyo.juki.consistency;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import jp.tokyo.juki.record.Violation;

/**
 * What the consistency check needs from one store (honnin, fuhyo): how a CS record is read and
 * checked, which items are compared, how each item is digested, and the store's current persons
 * of a municipality in 住民票コード order. The same {@link #digest} is applied to the CS's record
 * and to the store's, so "equal digests" means "equal items".
 *
 * @param <R> the store's record type
 */
public interface ConsistencySource<R> {

    /** The {@code store} member of {@code CONSISTENCY_BEGIN} this source answers ({@code HONNIN}, {@code FUHYO}). */
    String store();

    /** The compared items: the record's top-level member names, in a fixed order (at most 31). */
    List<String> items();

    /**
     * Reads and checks one record of a {@code CONSISTENCY_RECORDS} chunk with the same item rules
     * as an update; the record must be of {@code sender}.
     *
     * @param path how violations name the record, e.g. {@code body.records[3]}
     */
    R read(JsonNode record, String sender, String path) throws Violation;

    /** The record's 住民票コード (11 digits). */
    String juminhyoCode(R record);

    /** Writes the digest of item {@code i} of {@link #items()} into {@code out[i]}. */
    void digest(R record, ItemDigest digest, long[] out);

    /**
     * The persons currently in the store (not deleted) for whom {@code municipality} is
     * responsible, ascending by 住民票コード, streamed (the caller's connection is not in
     * auto-commit, so a fetch size makes this a cursor).
     */
    Cursor<R> current(Connection connection, String municipality) throws SQLException;

    /** A forward-only stream of store records. */
    interface Cursor<R> extends AutoCloseable {
        /** The next record, or {@code null} at the end. */
        R next() throws SQLException;

        @Override
        void close() throws SQLException;

        /**
         * Streams what {@code sql} (one parameter: the municipality) selects, {@code fetchSize} rows
         * at a time, each mapped by {@code reader}.
         */
        static <R> Cursor<R> of(Connection c, String sql, String municipality, int fetchSize, RowReader<R> reader)
                throws SQLException {
            PreparedStatement ps = c.prepareStatement(sql);
            try {
                ps.setFetchSize(fetchSize);
                ps.setString(1, municipality);
                ResultSet rs = ps.executeQuery();
                return new Cursor<>() {
                    @Override
                    public R next() throws SQLException {
                        return rs.next() ? reader.read(rs) : null;
                    }

                    @Override
                    public void close() throws SQLException {
                        try {
                            rs.close();
                        } finally {
                            ps.close();
                        }
                    }
                };
            } catch (SQLException | RuntimeException e) {
                ps.close();
                throw e;
            }
        }
    }

    /** Maps the current row of a result set to a record. */
    @FunctionalInterface
    interface RowReader<R> {
        R read(ResultSet rs) throws SQLException;
    }
}
