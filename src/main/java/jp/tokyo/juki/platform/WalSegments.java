package jp.tokyo.juki.platform;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the embedded PostgreSQL's WAL files ready before the gateway serves anyone (decision 41).
 *
 * <p>PostgreSQL writes its WAL into 16 MiB files. A file it has used before is renamed for reuse after a checkpoint;
 * one it has never had is created when the previous one is full, zero-filled and flushed, while every commit waits for
 * it. On a new database there is no file to reuse until the first checkpoint (up to five minutes), and at 1,000 updates
 * a second (~4 MiB of WAL a second) that is a new file every ~4 s, each a stall of every commit of 20–30 ms or more on
 * the machine of docs/benchmarks.md. So at start, when {@code pg_wal} holds fewer files than {@code min_wal_size}, this
 * writes that many (one tiny WAL record and a switch to the next file each) and checkpoints: the checkpoint keeps them,
 * renamed, for the WAL to come. Nothing of any store is touched; the records are logical-decoding messages no reader
 * asks for. At a later start the files are there and nothing is done.
 */
final class WalSegments {
    private static final Logger LOG = LoggerFactory.getLogger(WalSegments.class);

    private WalSegments() {
    }

    /** @return how many WAL files were made (0 when {@code pg_wal} already held enough) */
    static int makeReady(DataSource owner) throws IOException {
        try (Connection c = owner.getConnection(); Statement st = c.createStatement()) {
            long wanted = wanted(st);
            long have = count(st);
            if (have >= wanted) {
                return 0;
            }
            long started = System.nanoTime();
            int made = 0;
            for (long n = have; n < wanted; n++) {
                st.execute("SELECT pg_logical_emit_message(false, 'juki-wal-ready', '')");
                st.execute("SELECT pg_switch_wal()");
                made++;
            }
            st.execute("CHECKPOINT");
            LOG.info("embedded PostgreSQL: {} WAL files made ready in {} ms ({} kept for reuse, min_wal_size; "
                    + "{} were there)", made, (System.nanoTime() - started) / 1_000_000, count(st), have);
            return made;
        } catch (SQLException e) {
            throw new IOException("embedded PostgreSQL: the WAL files could not be made ready (SQLState "
                    + e.getSQLState() + ")", e);
        }
    }

    /** min_wal_size in WAL files */
    private static long wanted(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT (SELECT setting::bigint FROM pg_settings WHERE name = 'min_wal_size')"
                + " * 1024 * 1024 / (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long count(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
