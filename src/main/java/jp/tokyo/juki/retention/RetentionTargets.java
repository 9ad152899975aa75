package jp.tokyo.juki.retention;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each retention job erases, and how:
 * <ul>
 * <li>{@code history}: {@code honnin.resident_history} and {@code fuhyo.person_history} rows
 * superseded before the cut-off, and deleted persons ({@code deleted}) whose deletion was recorded
 * before it. The honnin record's 保存期間フラグ {@code retention_flag} {@code 1} keeps it: a history
 * row so flagged, every history row of a person whose current row is so flagged, and a deleted
 * person so flagged ({@code 0}: the statutory period; the fuhyo record has no such flag).</li>
 * <li>{@code accepted-requests}: both stores' {@code accepted_request} rows accepted before the
 * cut-off (no personal data: a plain VACUUM).</li>
 * <li>{@code provisions}: {@code agency.provision} rows made before the cut-off.</li>
 * <li>{@code audit-archives}: the registered exports ({@code audit.export}) made before the
 * cut-off: the file is overwritten with zeros, synced and removed; the register keeps its row
 * (range and SHA-256) with {@code erased_at}.</li>
 * </ul>
 */
public final class RetentionTargets {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionTargets.class);
    private static final Pattern ARCHIVE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String HONNIN_FLAGGED = "EXISTS (SELECT 1 FROM honnin.resident r WHERE r.juminhyo_code = h.juminhyo_code "
            + "AND r.retention_flag = '1')";
    private static final TableErasure.Target HONNIN_HISTORY = new TableErasure.Target("honnin.resident_history", "h",
            "h.superseded_at < ? AND h.retention_flag <> '1' AND NOT " + HONNIN_FLAGGED, true);
    private static final TableErasure.Target FUHYO_HISTORY = new TableErasure.Target("fuhyo.person_history", "h",
            "h.superseded_at < ?", true);
    private static final TableErasure.Target HONNIN_DELETED = new TableErasure.Target("honnin.resident", "d",
            "d.deleted AND d.updated_at < ? AND d.retention_flag <> '1'", true);
    private static final TableErasure.Target FUHYO_DELETED = new TableErasure.Target("fuhyo.person", "d",
            "d.deleted AND d.updated_at < ?", true);
    private static final TableErasure.Target HONNIN_ACCEPTED = new TableErasure.Target("honnin.accepted_request", "a",
            "a.accepted_at < ?", false);
    private static final TableErasure.Target FUHYO_ACCEPTED = new TableErasure.Target("fuhyo.accepted_request", "a",
            "a.accepted_at < ?", false);
    private static final TableErasure.Target PROVISIONS = new TableErasure.Target("agency.provision", "p", "p.at < ?", true);
    private static final List<TableErasure.Target> ALL = List.of(HONNIN_HISTORY, FUHYO_HISTORY, HONNIN_DELETED, FUHYO_DELETED,
            HONNIN_ACCEPTED, FUHYO_ACCEPTED, PROVISIONS);
    /** the count of the audit-archives job */
    static final String ARCHIVES = "audit.export";

    /** What a job erased: rows (or files) per table, rows kept by the retention flag, the tables owed a VACUUM. */
    record Erased(Map<String, Long> counts, long kept, List<String> vacuum) {
    }

    private final Path exportDir;
    private final int batch;
    private final Duration eraseWait;

    /** @param exportDir the audit exports' directory ({@code juki.audit.export-dir}) */
    public RetentionTargets(Path exportDir, int batch, Duration eraseWait) {
        this.exportDir = exportDir;
        this.batch = batch;
        this.eraseWait = eraseWait;
    }

    Erased erase(Connection c, RetentionJob job, Instant cutoff, Instant now) throws SQLException {
        return switch (job) {
            case HISTORY -> {
                long kept = TableErasure.count(c, "honnin.resident_history h", "h.superseded_at < ? AND (h.retention_flag = '1' OR "
                        + HONNIN_FLAGGED + ")", cutoff)
                        + TableErasure.count(c, "honnin.resident d", "d.deleted AND d.updated_at < ? AND d.retention_flag = '1'", cutoff);
                yield tables(c, cutoff, kept, HONNIN_HISTORY, FUHYO_HISTORY, HONNIN_DELETED, FUHYO_DELETED);
            }
            case ACCEPTED_REQUESTS -> tables(c, cutoff, 0, HONNIN_ACCEPTED, FUHYO_ACCEPTED);
            case PROVISIONS -> tables(c, cutoff, 0, PROVISIONS);
            case AUDIT_ARCHIVES -> archives(c, cutoff, now);
        };
    }

    private Erased tables(Connection c, Instant cutoff, long kept, TableErasure.Target... targets) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        List<String> vacuum = new ArrayList<>();
        for (TableErasure.Target t : targets) {
            TableErasure.Deleted d = TableErasure.delete(c, t, cutoff, batch);
            counts.put(t.table(), d.rows());
            if (d.rows() > 0) {
                vacuum.add(t.table());
            }
        }
        return new Erased(counts, kept, vacuum);
    }

    /** VACUUMs {@code tables} (each one this class erases from); answers those still owed. */
    List<String> vacuum(Connection c, List<String> tables) {
        List<String> owed = new ArrayList<>();
        for (String table : tables) {
            TableErasure.Target t = ALL.stream().filter(x -> x.table().equals(table)).findFirst().orElse(null);
            if (t != null && !TableErasure.vacuum(c, t.table(), t.personal(), eraseWait)) {
                owed.add(table);
            }
        }
        return owed;
    }

    private Erased archives(Connection c, Instant cutoff, Instant now) throws SQLException {
        List<Long> seqs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT last_seq, file_name FROM audit.export WHERE at < ? AND erased_at IS NULL ORDER BY last_seq")) {
            ps.setTimestamp(1, Timestamp.from(cutoff));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                    names.add(rs.getString(2));
                }
            }
        }
        long erased = 0;
        for (int i = 0; i < seqs.size(); i++) {
            String name = names.get(i);
            if (!ARCHIVE.matcher(name).matches()) {
                continue; // not a name the gateway writes: never a path outside the export directory
            }
            try {
                shred(exportDir.resolve(name));
            } catch (IOException e) {
                LOG.warn("retention audit-archives: archive ending at seq {} not erased ({}); tried again at the next run",
                        seqs.get(i), e.getClass().getSimpleName());
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit.export SET erased_at = ? WHERE last_seq = ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setLong(2, seqs.get(i));
                ps.executeUpdate();
            }
            erased++;
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(ARCHIVES, erased);
        return new Erased(counts, 0, List.of());
    }

    /**
     * Overwrites the file with zeros, syncs it and removes it (a file already gone counts as
     * erased). On a copy-on-write or flash file system the overwrite may land elsewhere:
     * docs/operations/retention.md says what the host must do.
     */
    static void shred(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        long size = Files.size(file);
        byte[] zeros = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
            for (long done = 0; done < size; done += zeros.length) {
                out.write(zeros, 0, (int) Math.min(zeros.length, size - done));
            }
        }
        Files.delete(file);
    }
}
