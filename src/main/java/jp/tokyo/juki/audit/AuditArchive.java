package jp.tokyo.juki.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import jp.tokyo.juki.security.CloseShield;
import jp.tokyo.juki.security.CmsSignatures;
import jp.tokyo.juki.security.RevocationList;

/**
 * An export of the audit chain ({@code ./gateway audit export}): a ZIP holding
 * {@code records.jsonl} (every column of every record of the period, seq and hashes, operator,
 * terminal and reason included; each record in its chain format, {@link AuditChain#format}),
 * {@code checkpoints.jsonl} (the signed checkpoints of the period and the one it starts after),
 * {@code manifest.json} (range, first predecessor hash, last hash, SHA-256 of both files, and the
 * SHA-256 and range of the previous export) and {@code manifest.p7s}, the gateway's detached CMS
 * signature of the manifest. An archive verifies by itself ({@link #verify}); consecutive archives
 * link like the records do, as X-Road's message-log archives do. Each ends at a signed checkpoint,
 * so the table can be trimmed up to it and the chain left in the table still starts at a
 * signature.
 */
public final class AuditArchive {
    /**
     * The archive format written: 2, whose records carry operator, terminal and reason (V14). A
     * format-1 archive (written before) holds records without them and verifies all the same.
     */
    public static final String FORMAT = "juki-audit-export/2";
    /** The formats {@link #verify} reads. */
    static final List<String> READABLE = List.of("juki-audit-export/1", FORMAT);
    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditArchive() {
    }

    /** What an archive holds, from its manifest. */
    public record Manifest(long firstSeq, long lastSeq, long records, byte[] prevHash, byte[] lastHash,
                           String previousSha256, Long previousLastSeq, Instant exportedAt) {
    }

    /** Why an export or an archive was refused. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Writes the records after the previous export up to the last signed checkpoint at or before
     * {@code until} (null: the last checkpoint) into {@code file} (via a {@code .part} file, synced,
     * then renamed), and registers the export in {@code audit.export}. The range is verified first;
     * a broken chain is not exported.
     */
    public static Manifest export(Connection c, RevocationList ca, Path file, Instant until, PrivateKey key,
                                  X509Certificate certificate) throws SQLException, IOException, Refused {
        return export(c, ca, (first, last) -> file, until, key, certificate);
    }

    /** An archive written into a directory: its file, the file's SHA-256 (hex) and what it holds. */
    public record Written(Path file, String sha256, Manifest manifest) {
    }

    /**
     * As {@link #export(Connection, RevocationList, Path, Instant, PrivateKey, X509Certificate)}, into
     * {@code dir} under a name made of its range ({@code audit-<first seq>-<last seq>.zip}, ten digits
     * each, so the names sort in chain order); an unregistered file of that name (left by an export
     * whose registration did not commit) is replaced.
     */
    public static Written exportInto(Connection c, RevocationList ca, Path dir, Instant until, PrivateKey key,
                                     X509Certificate certificate) throws SQLException, IOException, Refused {
        Path[] written = new Path[1];
        Manifest m = export(c, ca, (first, last) -> written[0] = dir.resolve(String.format("audit-%010d-%010d.zip", first, last)),
                until, key, certificate);
        return new Written(written[0], HEX.formatHex(sha256(written[0])), m);
    }

    /** Where an archive of seq {@code first} to {@code last} is written. */
    private interface Target {
        Path file(long first, long last);
    }

    private static Manifest export(Connection c, RevocationList ca, Target target, Instant until, PrivateKey key,
                                   X509Certificate certificate) throws SQLException, IOException, Refused {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            Manifest m = exportIn(c, ca, target, until, key, certificate);
            c.commit();
            return m;
        } catch (SQLException | IOException | Refused | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            // appends on this connection afterwards need READ COMMITTED (the chain head's lock)
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
    }

    private static Manifest exportIn(Connection c, RevocationList ca, Target target, Instant until, PrivateKey key,
                                     X509Certificate certificate) throws SQLException, IOException, Refused {
        // one export at a time: two would both continue the same previous one
        try (PreparedStatement lock = c.prepareStatement("LOCK TABLE audit.export IN EXCLUSIVE MODE")) {
            lock.execute();
        }
        long previousLast = 0;
        String previousSha = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT last_seq, sha256 FROM audit.export ORDER BY last_seq DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                previousLast = rs.getLong(1);
                previousSha = HEX.formatHex(rs.getBytes(2));
            }
        }
        long firstSeq = previousLast + 1;
        long lastSeq;
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM audit.checkpoint"
                + (until == null ? "" : " WHERE at <= ?"))) {
            if (until != null) {
                ps.setObject(1, OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                lastSeq = rs.getLong(1);
            }
        }
        if (lastSeq < firstSeq) {
            throw new Refused("nothing to export: no signed checkpoint after seq " + previousLast
                    + (until == null ? "" : " up to " + until) + " (checkpoints are written every juki.audit.checkpoint-seconds)");
        }
        ChainVerifier.Verdict v = new ChainVerifier(c, ca).walkWithin(firstSeq, lastSeq);
        if (!v.intact()) {
            throw new Refused("the chain is not intact, nothing exported: " + v.problem());
        }
        Path file = target.file(firstSeq, lastSeq);
        Path part = file.resolveSibling(file.getFileName() + ".part");
        Manifest manifest;
        try (OutputStream fileOut = Files.newOutputStream(part);
             ZipOutputStream zip = new ZipOutputStream(fileOut)) {
            zip.putNextEntry(new ZipEntry("records.jsonl"));
            MessageDigest recordsDigest = AuditChain.sha256();
            byte[][] ends = writeRecords(c, firstSeq, lastSeq, new DigestOutputStream(new CloseShield(zip), recordsDigest));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("checkpoints.jsonl"));
            MessageDigest checkpointsDigest = AuditChain.sha256();
            writeCheckpoints(c, firstSeq - 1, lastSeq, new DigestOutputStream(new CloseShield(zip), checkpointsDigest));
            zip.closeEntry();
            Instant now = AuditChain.stored(Instant.now());
            manifest = new Manifest(firstSeq, lastSeq, lastSeq - firstSeq + 1, ends[0], ends[1], previousSha,
                    previousSha == null ? null : previousLast, now);
            ObjectNode m = JSON.createObjectNode();
            m.put("format", FORMAT);
            m.put("firstSeq", firstSeq);
            m.put("lastSeq", lastSeq);
            m.put("records", manifest.records());
            m.put("prevHash", HEX.formatHex(ends[0]));
            m.put("lastHash", HEX.formatHex(ends[1]));
            m.put("recordsSha256", HEX.formatHex(recordsDigest.digest()));
            m.put("checkpointsSha256", HEX.formatHex(checkpointsDigest.digest()));
            if (previousSha != null) {
                m.putObject("previous").put("lastSeq", previousLast).put("sha256", previousSha);
            } else {
                m.putNull("previous");
            }
            m.put("exportedAt", now.toString());
            byte[] manifestBytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
            zip.putNextEntry(new ZipEntry("manifest.json"));
            zip.write(manifestBytes);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("manifest.p7s"));
            zip.write(CmsSignatures.sign(manifestBytes, key, certificate, false));
            zip.closeEntry();
        }
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        byte[] sha = sha256(part);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit.export (last_seq, first_seq, file_name, sha256) VALUES (?,?,?,?)")) {
            ps.setLong(1, lastSeq);
            ps.setLong(2, firstSeq);
            ps.setString(3, file.getFileName().toString());
            ps.setBytes(4, sha);
            ps.executeUpdate();
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true); // the rename survives a crash before the registration commits
        }
        return manifest;
    }

    /**
     * Removes from the table the records an export holds, after checking that the archive verifies
     * and is the one registered for that range; the chain left in the table then starts after the
     * archive's last record, anchored by its signed checkpoint. Returns the number removed.
     */
    public static long trim(Connection c, Path file, RevocationList ca) throws SQLException, IOException, Refused {
        Manifest m = verify(file, ca, null);
        c.setAutoCommit(false);
        try {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT sha256, trimmed_at FROM audit.export WHERE first_seq = ? AND last_seq = ? FOR UPDATE")) {
                ps.setLong(1, m.firstSeq());
                ps.setLong(2, m.lastSeq());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !Arrays.equals(rs.getBytes(1), sha256(file))) {
                        throw new Refused(file.getFileName() + " is not a registered export of seq " + m.firstSeq()
                                + " to " + m.lastSeq() + " (audit.export): nothing removed");
                    }
                    if (rs.getObject(2) != null) {
                        throw new Refused("seq " + m.firstSeq() + " to " + m.lastSeq() + " were trimmed already");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM audit.record WHERE seq < ?")) {
                ps.setLong(1, m.firstSeq());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        throw new Refused("records before seq " + m.firstSeq() + " are still in the table: trim the "
                                + "earlier exports first, in order, so the table's chain stays whole");
                    }
                }
            }
            long removed;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit.record WHERE seq BETWEEN ? AND ?")) {
                ps.setLong(1, m.firstSeq());
                ps.setLong(2, m.lastSeq());
                removed = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE audit.export SET trimmed_at = now() WHERE last_seq = ?")) {
                ps.setLong(1, m.lastSeq());
                ps.executeUpdate();
            }
            c.commit();
            return removed;
        } catch (SQLException | RuntimeException | Refused e) {
            c.rollback();
            throw e;
        }
    }

    /** Writes the records as JSON lines; returns the hash before the first and the last record's hash. */
    private static byte[][] writeRecords(Connection c, long first, long last, OutputStream out) throws SQLException, IOException {
        byte[] prevOfFirst = null;
        byte[] lastHash = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, prev_hash, hash, event_id, at, written_at, line, "
                + "direction, peer, msg_type, msg_id, sender, status, code, detail, persons, operator_id, terminal_id, "
                + "reason FROM audit.record WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
            ps.setFetchSize(10_000);
            ps.setLong(1, first);
            ps.setLong(2, last);
            try (ResultSet rs = ps.executeQuery()) {
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
                while (rs.next()) {
                    AuditEvent e = AuditChain.event(rs);
                    byte[] prev = rs.getBytes("prev_hash");
                    byte[] hash = rs.getBytes("hash");
                    if (prevOfFirst == null) {
                        prevOfFirst = prev;
                    }
                    lastHash = hash;
                    ObjectNode n = JSON.createObjectNode();
                    n.put("seq", rs.getLong("seq"));
                    n.put("prevHash", HEX.formatHex(prev));
                    n.put("hash", HEX.formatHex(hash));
                    n.put("eventId", e.eventId().toString());
                    n.put("at", e.at().toString());
                    n.put("writtenAt", rs.getObject("written_at", OffsetDateTime.class).toInstant().toString());
                    n.put("line", e.line());
                    n.put("direction", e.direction());
                    n.put("peer", e.peer());
                    n.put("type", e.type());
                    n.put("messageId", e.messageId());
                    n.put("sender", e.sender());
                    n.put("status", e.status());
                    n.put("code", e.code());
                    n.put("detail", e.detail());
                    ArrayNode persons = n.putArray("persons");
                    e.persons().forEach(persons::add);
                    n.put("operator", e.operator());
                    n.put("terminal", e.terminal());
                    n.put("reason", e.reason());
                    w.write(JSON.writeValueAsString(n));
                    w.write('\n');
                }
                w.flush();
            }
        }
        return new byte[][]{prevOfFirst, lastHash};
    }

    private static void writeCheckpoints(Connection c, long first, long last, OutputStream out) throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, hash, at, signature FROM audit.checkpoint WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
            ps.setLong(1, first);
            ps.setLong(2, last);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ObjectNode n = JSON.createObjectNode();
                    n.put("seq", rs.getLong(1));
                    n.put("hash", HEX.formatHex(rs.getBytes(2)));
                    n.put("at", rs.getObject(3, OffsetDateTime.class).toInstant().toString());
                    n.put("signature", Base64.getEncoder().encodeToString(rs.getBytes(4)));
                    out.write(JSON.writeValueAsBytes(n));
                    out.write('\n');
                }
            }
        }
        out.flush();
    }

    /**
     * Verifies an archive by itself: the manifest's signature (the gateway's certificate, issued by
     * {@code ca}), both files' digests, every record's hash and link from the manifest's first
     * predecessor hash to its last hash, the places, every checkpoint's signature and that the chain
     * passes through each signed hash and ends at one; with {@code previous}, that this archive
     * continues that one (its range, last hash and file digest). See {@link AuditArchiveVerifier}.
     */
    public static Manifest verify(Path file, RevocationList ca, Path previous) throws IOException, Refused {
        return AuditArchiveVerifier.verify(file, ca, previous);
    }

    public static byte[] sha256(Path file) throws IOException {
        MessageDigest d = AuditChain.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return d.digest();
    }
}
