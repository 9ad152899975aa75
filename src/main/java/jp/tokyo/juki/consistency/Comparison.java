package jp.tokyo.juki.consistency;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;

/**
 * The comparison at {@code CONSISTENCY_END}: a merge join in 住民票コード order of the staged CS
 * digests and the store's current persons, digested on the fly with the session's key. Two
 * cursors, a few batches between them and a bounded buffer of result entries: memory does not
 * grow with the municipality.
 * The entries go to the session's result table with their byte offset within their kind, from
 * which {@link ResultLayout} cuts the parts. Runs in the END request's transaction.
 */
final class Comparison<R> {
    /** result entries gathered before they are copied to the result table */
    private static final int FLUSH_ENTRIES = 8192;
    private static final int FETCH = 5000;

    /** The staging table holds fewer rows than the chunks taken: an UNLOGGED one after a database crash or failover. */
    static final class StagingLost extends Exception {
        StagingLost() {
            super("staged records lost", null, false, false);
        }
    }

    /** The same 住民票コード came twice in the CS's set: where, as (chunk, index) pairs. */
    static final class DuplicateCode extends Exception {
        final long first;
        final long second;

        DuplicateCode(long first, long second) {
            super("duplicate 住民票コード in the staged records", null, false, false);
            this.first = first;
            this.second = second;
        }
    }

    private final Connection db;
    private final SessionTable.Row session;
    private final ConsistencySource<R> source;
    private final ItemDigest digest;
    private final List<String> items;
    private final long[] count = new long[ResultLayout.KINDS];
    private final long[] bytes = new long[ResultLayout.KINDS];
    private final int[] entrySize;
    private long matched;
    private BinaryCopy pending;

    Comparison(Connection db, SessionTable.Row session, ConsistencySource<R> source, ItemDigest digest) {
        this.db = db;
        this.session = session;
        this.source = source;
        this.digest = digest;
        this.items = source.items();
        this.entrySize = new int[1 << items.size()];
        for (int mask = 1; mask < entrySize.length; mask++) {
            entrySize[mask] = ResultLayout.differingEntryBytes(mask, items);
        }
    }

    /**
     * Runs the merge — the staged side on the request's connection, in its transaction, the store
     * side from a {@link StoreReader} — and returns the result's layout.
     */
    ResultLayout run(Sessions.Opener opener, String municipality, long budget)
            throws SQLException, DuplicateCode, StagingLost {
        int n = items.size();
        long stagedRows = 0;
        pending = new BinaryCopy(64 * 1024);
        try (StoreReader<R> store = new StoreReader<>(source, opener, municipality, digest);
             PreparedStatement staged = db.prepareStatement("SELECT code, pos, digests FROM " + session.staged()
                     + " ORDER BY code")) {
            staged.setFetchSize(FETCH);
            // binary rows: the digests arrive as bytes, not as hex text to decode
            staged.unwrap(PGStatement.class).setPrepareThreshold(-1);
            try (ResultSet cs = staged.executeQuery()) {
                boolean csHas = cs.next();
                boolean stHas = store.next();
                long lastCs = -1;
                long lastCsPos = -1;
                long lastStore = -1;
                while (csHas || stHas) {
                    long a = csHas ? cs.getLong(1) : Long.MAX_VALUE;
                    long b = stHas ? store.code() : Long.MAX_VALUE;
                    if (csHas && a == lastCs) {
                        throw new DuplicateCode(lastCsPos, cs.getLong(2));
                    }
                    if (stHas && b <= lastStore) {
                        // both sides must come in the same order; a collation that sorted digits differently would break the merge
                        throw new IllegalStateException("store cursor not in 住民票コード order");
                    }
                    if (a < b) {
                        add(ResultLayout.MISSING_IN_STORE, a, 0, ResultLayout.MISSING_ENTRY_BYTES);
                    } else if (b < a) {
                        add(ResultLayout.MISSING_AT_CS, b, 0, ResultLayout.MISSING_ENTRY_BYTES);
                    } else {
                        ByteBuffer d = ByteBuffer.wrap(cs.getBytes(3));
                        int mask = 0;
                        for (int i = 0; i < n; i++) {
                            if (d.getLong() != store.digest(i, n)) {
                                mask |= 1 << i;
                            }
                        }
                        if (mask == 0) {
                            matched++;
                        } else {
                            add(ResultLayout.DIFFERING, a, mask, entrySize[mask]);
                        }
                    }
                    if (a <= b) {
                        lastCs = a;
                        lastCsPos = cs.getLong(2);
                        csHas = cs.next();
                        stagedRows++;
                    }
                    if (b <= a) {
                        lastStore = b;
                        stHas = store.next();
                    }
                }
            }
            if (stagedRows != session.received()) {
                throw new StagingLost();
            }
            flush();
        } finally {
            pending = null;
        }
        return new ResultLayout(matched, count, bytes, budget);
    }

    private void add(int kind, long code, int mask, int size) throws SQLException {
        pending.row(4).int2((short) kind).int8(bytes[kind]).int8(code).int4(mask);
        count[kind]++;
        bytes[kind] += size;
        if (pending.rows() >= FLUSH_ENTRIES) {
            flush();
        }
    }

    private void flush() throws SQLException {
        if (pending.rows() == 0) {
            return;
        }
        byte[] data = pending.finish();
        pending = new BinaryCopy(64 * 1024);
        try {
            db.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + session.result()
                    + " (kind, off, code, items) FROM STDIN (FORMAT binary)", new ByteArrayInputStream(data));
        } catch (IOException e) {
            throw new SQLException("result entries not written", e);
        }
    }
}
