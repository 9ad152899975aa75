package jp.tokyo.juki.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.security.RevocationList;

/**
 * An auditor's actions on the audit record (R-AUD-VERIFY, R-AUD-PERSON): a person's history,
 * verifying the chain, exporting it into the gateway's export directory and trimming what an
 * export holds. Each is recorded in the chain with the operator and terminal (the query with its
 * reason and the person's keyed hash before anything is shown); each refusal too, naming the
 * field at fault and never its value. Who may take them is the operator API's role check
 * ({@code AUDIT_*}, an auditor's); the operator API and the console are the desk's clients.
 *
 * <p>Archives stay on the gateway's host: {@code export} writes them into the export directory
 * ({@code juki.audit.export-dir}) under a name made of their range, and {@code trim} takes such a
 * name, so the archive it removes records for is the one the gateway wrote and registered.
 */
public final class AuditDesk {
    /** The chain is broken (a verification's finding, recorded with the problem). */
    public static final String BROKEN = "V100";
    public static final String NOT_EXPORTED = "V200";
    public static final String NOT_TRIMMED = "V300";
    /** A field of the request is malformed or missing (named, never quoted). */
    public static final String INVALID = "V400";
    /** The action's audit record could not be written: nothing was shown or done. */
    public static final String NOT_AUDITED = "A503";

    private static final ZoneId JST = ZoneId.of("Asia/Tokyo");
    private static final Pattern ARCHIVE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String TIME = "must be an ISO date-time (2026-11-27T09:00:00+09:00) or a date (2026-11-27)";

    /** A request the desk refuses: a code and a reason (no personal data); audited, nothing done. */
    public static final class Refused extends Exception {
        private final String code;

        Refused(String code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** The gateway's signing key and certificate, read when an export needs them. */
    @FunctionalInterface
    public interface SigningKey {
        KeyMaterial.Signer get() throws IOException, GeneralSecurityException;
    }

    /** A person's history: the keyed hash it was found by, the exchanges and the provisions. */
    public record History(String person, List<PersonHistory.Exchange> exchanges, List<PersonHistory.Provision> provisions) {
    }

    /** A verification's verdict and how long it took. */
    public record Verification(ChainVerifier.Verdict verdict, double seconds) {
    }

    /** What an export wrote and how it is described (as recorded). */
    public record Exported(AuditArchive.Written archive, String text) {
    }

    /** What a trim removed and how it is described (as recorded). */
    public record Trimmed(String archive, long removed, String text) {
    }

    private final DataSource db;
    private final PersonHasher hasher;
    private final Supplier<RevocationList> ca;
    private final Path exportDir;
    private final SigningKey signer;

    /**
     * @param db        the gateway's database as its owner (reads the audit and the provisions, writes and trims the chain)
     * @param ca        the network CAs with their CRLs in force, for checkpoint and archive signatures
     * @param exportDir where exports are written and trims find them
     */
    public AuditDesk(DataSource db, PersonHasher hasher, Supplier<RevocationList> ca, Path exportDir, SigningKey signer) {
        this.db = db;
        this.hasher = hasher;
        this.ca = ca;
        this.exportDir = exportDir;
        this.signer = signer;
    }

    /** The export directory. */
    public Path exportDir() {
        return exportDir;
    }

    /**
     * Everything that happened to one person (提供状況の開示), for a reason: the query is recorded
     * with the person's keyed hash before anything is read.
     */
    public History person(Actor who, String juminhyoCode, String reason) throws Refused, SQLException {
        if (juminhyoCode == null || !CheckDigits.isValidJuminhyoCode(juminhyoCode)) {
            throw refused(who, GatewayEvent.AUDIT_QUERY, INVALID, "the 住民票コード must be 11 digits with a valid check digit");
        }
        if (reason == null || reason.isBlank() || reason.length() > 200 || reason.chars().anyMatch(Character::isISOControl)) {
            throw refused(who, GatewayEvent.AUDIT_QUERY, INVALID, "the reason must be one line of 1-200 characters");
        }
        String person = hasher.hash(juminhyoCode);
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(true);
            record(c, who, GatewayEvent.AUDIT_QUERY, AuditStatus.ASKED, null, reason, reason, List.of(juminhyoCode));
            return new History(person, PersonHistory.exchanges(c, person), PersonHistory.provisions(c, person));
        }
    }

    /** Verifies the chain of the records written from {@code from} to {@code to} (texts; null: open). */
    public Verification verify(Actor who, String from, String to) throws Refused, SQLException {
        Instant fromTime;
        Instant toTime;
        try {
            fromTime = time(from, false);
            toTime = time(to, true);
        } catch (DateTimeParseException e) {
            throw refused(who, GatewayEvent.AUDIT_VERIFY, INVALID, "from/to " + TIME);
        }
        long started = System.nanoTime();
        try (Connection c = db.getConnection()) {
            ChainVerifier.Verdict v = new ChainVerifier(c, ca.get()).verify(fromTime, toTime);
            double seconds = (System.nanoTime() - started) / 1e9;
            c.setAutoCommit(true);
            record(c, who, GatewayEvent.AUDIT_VERIFY, v.intact() ? AuditStatus.INTACT : AuditStatus.BROKEN,
                    v.intact() ? null : BROKEN, v.intact() ? v.records() + " records" : v.problem(), null, List.of());
            return new Verification(v, seconds);
        }
    }

    /**
     * Exports the records after the previous export, up to the last signed checkpoint at or before
     * {@code until} (null: the last), into the export directory ({@link AuditArchive#exportInto}).
     */
    public Exported export(Actor who, String until, String reason) throws Refused, SQLException, IOException {
        Instant untilTime;
        try {
            untilTime = time(until, true);
        } catch (DateTimeParseException e) {
            throw refused(who, GatewayEvent.AUDIT_EXPORT, INVALID, "until " + TIME);
        }
        KeyMaterial.Signer gateway;
        try {
            gateway = signer.get();
        } catch (GeneralSecurityException e) {
            throw refused(who, GatewayEvent.AUDIT_EXPORT, NOT_EXPORTED, "the gateway's signing key could not be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (!Files.isDirectory(exportDir)) {
            Files.createDirectories(exportDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        try (Connection c = db.getConnection()) {
            try {
                AuditArchive.Written w = AuditArchive.exportInto(c, ca.get(), exportDir, untilTime, gateway.key(),
                        gateway.certificate());
                AuditArchive.Manifest m = w.manifest();
                String text = String.format("exported %,d records (seq %d to %d) to %s%s", m.records(), m.firstSeq(),
                        m.lastSeq(), w.file().getFileName(), m.previousSha256() == null ? ""
                                : ", linked to the export ending at seq " + m.previousLastSeq());
                c.setAutoCommit(true);
                record(c, who, GatewayEvent.AUDIT_EXPORT, AuditStatus.EXPORTED, null, text, reason, List.of());
                return new Exported(w, text);
            } catch (AuditArchive.Refused e) {
                c.setAutoCommit(true);
                record(c, who, GatewayEvent.AUDIT_EXPORT, AuditStatus.REFUSED, NOT_EXPORTED, e.getMessage(), reason, List.of());
                throw new Refused(NOT_EXPORTED, e.getMessage());
            }
        }
    }

    /**
     * Removes from the table the records the export {@code archive} (a name in the export
     * directory) holds, after verifying it and that it is the registered export of its range.
     */
    public Trimmed trim(Actor who, String archive, String reason) throws Refused, SQLException, IOException {
        if (archive == null || !ARCHIVE.matcher(archive).matches()) {
            throw refused(who, GatewayEvent.AUDIT_TRIM, INVALID,
                    "archive must be the name of an export in the gateway's export directory, as the export answered it");
        }
        Path file = exportDir.resolve(archive);
        try (Connection c = db.getConnection()) {
            try {
                if (!Files.isRegularFile(file)) {
                    throw new AuditArchive.Refused("no export " + archive + " in the gateway's export directory");
                }
                long removed = AuditArchive.trim(c, file, ca.get());
                String text = String.format("removed %,d records held by %s", removed, archive);
                c.setAutoCommit(true);
                record(c, who, GatewayEvent.AUDIT_TRIM, AuditStatus.TRIMMED, null, text, reason, List.of());
                return new Trimmed(archive, removed, text);
            } catch (AuditArchive.Refused e) {
                c.setAutoCommit(true);
                record(c, who, GatewayEvent.AUDIT_TRIM, AuditStatus.REFUSED, NOT_TRIMMED, e.getMessage(), reason, List.of());
                throw new Refused(NOT_TRIMMED, e.getMessage());
            }
        }
    }

    /** An ISO date-time, or a date in JST (its start, or with {@code end} its last instant); null or blank: null. */
    public static Instant time(String text, boolean end) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeParseException e) {
            LocalDate d = LocalDate.parse(text.strip());
            return end ? d.plusDays(1).atStartOfDay(JST).toInstant().minusNanos(1000) : d.atStartOfDay(JST).toInstant();
        }
    }

    /** A refusal, recorded (the operator, the code, what is wrong — never the value); returned to be thrown. */
    private Refused refused(Actor who, GatewayEvent type, String code, String why) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(true);
            record(c, who, type, AuditStatus.REFUSED, code, why, null, List.of());
            return new Refused(code, why);
        } catch (SQLException | Refused e) {
            return notAudited();
        }
    }

    private void record(Connection c, Actor who, GatewayEvent type, AuditStatus status, String code, String detail,
                        String reason, List<String> juminhyoCodes) throws Refused {
        try {
            AuditWriter.insert(c, List.of(AuditEvent.of(hasher, AuditEvent.in(AuditLine.OPERATOR, who.peer(), type)
                    .status(status).code(code).detail(detail).persons(juminhyoCodes).operator(who.operatorId())
                    .terminal(who.terminal()).reason(reason))));
        } catch (SQLException e) {
            throw notAudited();
        }
    }

    private static Refused notAudited() {
        return new Refused(NOT_AUDITED, "the action could not be audited; nothing more was done");
    }
}
