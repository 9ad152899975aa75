package jp.tokyo.juki.honnin;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Iterator;
import jp.tokyo.juki.platform.CopyText;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.KanaNormalizer;
import jp.tokyo.juki.record.Name;
import jp.tokyo.juki.platform.CopyText;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Seeds the honnin store with current residents in one {@code COPY}, for the consistency
 * benchmark: a million residents sent as updates over the wire take about seven minutes, and
 * the benchmark measures the check, not the updates. Bypasses everything an update does
 * besides the row itself — no logical checks, history, outbox, national notice or idempotency
 * key — so it is for an empty (or benchmark) store only, never for production data. Each row
 * gets its own 更新順番号 from a range reserved on {@code honnin.update_seq}; run it while no
 * updates arrive.
 */
public final class HonninBulkLoad {
    private static final ZoneId JST = ZoneId.of("Asia/Tokyo");
    private static final int ROWS_PER_WRITE = 5000;

    private HonninBulkLoad() {
    }

    /**
     * Loads {@code count} records as residents that moved in today, in one transaction of
     * {@code c} (logged in as the honnin role), and returns how many were loaded.
     *
     * @param origin the origin sender recorded with each row (the municipality)
     */
    public static long load(Connection c, Iterator<HonninRecord> records, long count, String origin) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            long base;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT nextval('honnin.update_seq')")) {
                rs.next();
                base = rs.getLong(1);
            }
            String today = LocalDate.now(JST).toString();
            String now = Instant.now().toString();
            CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY honnin.resident (" + HonninStore.COLUMNS + ") FROM STDIN");
            long n = 0;
            try {
                StringBuilder sb = new StringBuilder(ROWS_PER_WRITE * 400);
                while (records.hasNext() && n < count) {
                    row(sb, records.next(), today, now, base + n, origin, n);
                    n++;
                    if (n % ROWS_PER_WRITE == 0) {
                        write(copy, sb);
                    }
                }
                write(copy, sb);
                copy.endCopy();
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("SELECT setval('honnin.update_seq', " + (base + n) + ")");
            }
            c.commit();
            return n;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static void write(CopyIn copy, StringBuilder sb) throws SQLException {
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        sb.setLength(0);
    }

    /** One line in COPY's text format, in the order of {@link HonninStore#COLUMNS}. */
    private static void row(StringBuilder sb, HonninRecord r, String today, String now, long seq, String origin, long n) {
        Name former = r.formerSurname();
        field(sb, r.juminhyoCode());
        field(sb, r.name().kanji());
        field(sb, Integer.toString(r.name().gaijiCount()));
        field(sb, r.name().kana());
        field(sb, r.birthDate());
        field(sb, r.sex());
        field(sb, r.address().text());
        field(sb, Integer.toString(r.address().gaijiCount()));
        field(sb, r.myNumber());
        field(sb, "MOVE_IN");
        field(sb, today);
        field(sb, r.retentionFlag());
        field(sb, KanaNormalizer.normalize(r.name().kana()));
        field(sb, r.address().municipalityCode());
        field(sb, r.address().azaCode());
        field(sb, null);
        field(sb, null);
        field(sb, now);
        field(sb, today);
        field(sb, r.gaijiFlag());
        field(sb, "f");
        field(sb, Long.toString(seq));
        field(sb, Integer.toString(r.name().gaijiChangeSeq()));
        field(sb, Integer.toString(r.address().gaijiChangeSeq()));
        field(sb, former == null ? null : former.kanji());
        field(sb, former == null ? null : Integer.toString(former.gaijiCount()));
        field(sb, former == null ? null : former.kana());
        field(sb, former == null ? null : Integer.toString(former.gaijiChangeSeq()));
        field(sb, origin);
        sb.append("bulk-load-").append(n).append('\n');
    }

    private static void field(StringBuilder sb, String value) {
        CopyText.append(sb, value);
        sb.append('\t');
    }
}
