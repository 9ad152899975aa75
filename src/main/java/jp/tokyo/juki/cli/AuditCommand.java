package jp.tokyo.juki.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import jp.tokyo.juki.audit.AuditArchive;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.ChainVerifier;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.audit.PersonHistory;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.security.RevocationList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway audit verify|query|export|trim}: the administrator's tools for the audit record
 * (R-AUD-VERIFY, R-AUD-PERSON) of the running gateway's database. What they do to the record is
 * itself recorded in it, with the operator.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "The tamper-evident audit record: verify it, query it per person, export and trim it.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Query.class, AuditCommand.Export.class,
                AuditCommand.Trim.class})
public final class AuditCommand {
    static final int OK = 0;
    static final int BROKEN = 1;
    static final int REFUSED = 3;
    static final int NO_DATABASE = 2;
    private static final Pattern OPERATOR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final ZoneId JST = ZoneId.of("Asia/Tokyo");

    /** The running gateway's database and keys, and the operator's audit records. */
    abstract static class Tool {
        @Spec
        CommandSpec spec;
        @Mixin
        RunningGatewayOptions gateway;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /** Every network CA of {@code ca.pem} (several during a rollover). */
        /** The CAs of ca.pem with their CRLs in force (a signature is checked against both). */
        RevocationList ca(GatewayConfig cfg) throws IOException {
            return RevocationList.of(cfg.keystoresDir());
        }

        /** Records what the operator did, on its own connection so it stays whatever happens next. */
        void audit(Connection c, String operator, GatewayEvent type, AuditStatus status, String code, String detail,
                   List<String> juminhyoCodes, PersonHasher hasher) throws SQLException {
            audit(c, operator, type, status, code, detail, null, juminhyoCodes, hasher);
        }

        /** As above, with the reason the operator gave (null: none). */
        void audit(Connection c, String operator, GatewayEvent type, AuditStatus status, String code, String detail,
                   String reason, List<String> juminhyoCodes, PersonHasher hasher) throws SQLException {
            AuditWriter.insert(c, List.of(AuditEvent.of(hasher, AuditEvent.in(AuditLine.OPERATOR, "operator:" + operator,
                    type).status(status).code(code).detail(detail).persons(juminhyoCodes).operator(operator)
                    .reason(reason))));
        }

        /** One step on the archives: its outcome (or refusal) recorded with the operator, then printed. */
        interface ArchiveStep {
            String run(Connection c) throws SQLException, IOException, AuditArchive.Refused;
        }

        int archiveAction(GatewayConfig cfg, String operator, GatewayEvent type, AuditStatus doneStatus, String refusedCode,
                          String refusedText, ArchiveStep step) {
            try (Connection c = RunningGatewayOptions.connect(cfg)) {
                try {
                    String done = step.run(c);
                    c.setAutoCommit(true);
                    audit(c, operator, type, doneStatus, null, done, List.of(), null);
                    out().println(done);
                    out().flush();
                    return OK;
                } catch (AuditArchive.Refused e) {
                    c.setAutoCommit(true);
                    audit(c, operator, type, AuditStatus.REFUSED, refusedCode, e.getMessage(), List.of(), null);
                    err().println(refusedText + ": " + e.getMessage());
                    return BROKEN;
                }
            } catch (IOException | SQLException e) {
                err().println("no running gateway database: " + e.getMessage());
                return NO_DATABASE;
            }
        }

        static final String BAD_OPERATOR = "--operator must be 1-64 of A-Z a-z 0-9 . _ @ - (starting with a letter or digit)";

        static boolean validOperator(String operator) {
            return operator != null && OPERATOR.matcher(operator).matches();
        }

        /**
         * Refuses the command: says why, and records the refusal (V400, the operator only if well
         * formed; {@code why} names the option, never its value) when the gateway's database is there.
         */
        int refuse(GatewayConfig cfg, String operator, GatewayEvent type, String why) {
            err().println(why);
            try (Connection c = RunningGatewayOptions.connect(cfg)) {
                AuditWriter.insert(c, List.of(AuditEvent.of(null, AuditEvent.in(AuditLine.OPERATOR,
                        validOperator(operator) ? "operator:" + operator : null, type).status(AuditStatus.REFUSED)
                        .code("V400").detail(why).operator(validOperator(operator) ? operator : null))));
            } catch (IOException | SQLException e) {
                err().println("(the refusal is not audited: no running gateway database)");
            }
            return REFUSED;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Checks the audit chain: each record's hash, each link, no gap, every signed checkpoint, "
                    + "and that the chain passes through each signed hash. Names the first record that was changed, "
                    + "removed or inserted.",
                    "With --archive, verifies an export file by itself (and, with --previous, that it continues that one)."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:intact", "1:changed, removed or inserted records (or an untrusted checkpoint/archive)",
                    "2:no running gateway database", "3:invalid options"})
    static final class Verify extends Tool implements Callable<Integer> {
        @Option(names = "--from", paramLabel = "TIME", description = "Records from this time (ISO date-time, or a date in JST).")
        String from;
        @Option(names = "--to", paramLabel = "TIME", description = "Records up to this time (as --from; a date means its end).")
        String to;
        @Option(names = "--archive", paramLabel = "FILE", description = "Verify this export file instead of the table.")
        Path archive;
        @Option(names = "--previous", paramLabel = "FILE", description = "With --archive: the export it must continue.")
        Path previous;
        @Option(names = "--operator", paramLabel = "ID", description = "Who verifies (recorded in the audit).")
        String operator;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = gateway.config();
            if (operator != null && !validOperator(operator)) {
                return refuse(cfg, operator, GatewayEvent.AUDIT_VERIFY, BAD_OPERATOR);
            }
            if (archive != null) {
                return verifyArchive(cfg);
            }
            Instant fromTime;
            Instant toTime;
            try {
                fromTime = time(from, false);
                toTime = time(to, true);
            } catch (DateTimeParseException e) {
                return refuse(cfg, operator, GatewayEvent.AUDIT_VERIFY,
                        "--from/--to must be an ISO date-time (2026-11-27T09:00:00+09:00) or a date (2026-11-27)");
            }
            long started = System.nanoTime();
            ChainVerifier.Verdict v;
            try (Connection c = RunningGatewayOptions.connect(cfg)) {
                v = new ChainVerifier(c, ca(cfg)).verify(fromTime, toTime);
                c.setAutoCommit(true);
                if (operator != null) {
                    audit(c, operator, GatewayEvent.AUDIT_VERIFY, v.intact() ? AuditStatus.INTACT : AuditStatus.BROKEN, v.intact() ? null : "V100",
                            v.intact() ? v.records() + " records" : v.problem(), List.of(), null);
                }
            } catch (IOException | SQLException e) {
                err().println("no running gateway database: " + e.getMessage());
                return NO_DATABASE;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (!v.intact()) {
                out().printf("AUDIT CHAIN BROKEN: %s%n(checked %,d records from seq %d before finding it, %.1f s)%n",
                        v.problem(), v.records(), v.firstSeq(), seconds);
                out().flush();
                return BROKEN;
            }
            out().printf("audit chain intact: %,d records (seq %d to %d), %d signed checkpoint(s), last signed at seq %d%s; "
                            + "%.1f s (%,.0f records/s)%n", v.records(), v.records() == 0 ? 0 : v.firstSeq(), v.lastSeq(),
                    v.checkpoints(), v.lastSignedSeq(), v.lastSeq() > v.lastSignedSeq()
                            ? "; the " + (v.lastSeq() - v.lastSignedSeq()) + " record(s) after it are chained and signed at the next checkpoint"
                            : "", seconds, v.records() / Math.max(seconds, 1e-3));
            out().flush();
            return OK;
        }

        private int verifyArchive(GatewayConfig cfg) throws IOException {
            try {
                AuditArchive.Manifest m = AuditArchive.verify(archive, ca(cfg), previous);
                out().printf("archive intact: %,d records (seq %d to %d), exported %s, ends at a signed checkpoint%s%n",
                        m.records(), m.firstSeq(), m.lastSeq(), m.exportedAt(), previous == null
                                ? (m.previousSha256() == null ? "; the first export" : "; continues the export ending at seq "
                                + m.previousLastSeq() + " (give it with --previous to check the link)")
                                : "; continues " + previous.getFileName());
                out().flush();
                return OK;
            } catch (AuditArchive.Refused e) {
                out().println("ARCHIVE BROKEN: " + e.getMessage());
                out().flush();
                return BROKEN;
            }
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"What happened to one person (R-AUD-PERSON, for 提供状況の開示): every exchange that "
                    + "concerned them (who sent, which server was told, who asked) and every provision or transfer to "
                    + "an agency, with business and legal basis.",
                    "The query itself is recorded with the operator and reason before anything is shown."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed (possibly nothing)", "2:no running gateway database or audit key",
                    "3:invalid options (code, operator or reason)"})
    static final class Query extends Tool implements Callable<Integer> {
        @Option(names = "--juminhyo-code", required = true, paramLabel = "CODE", description = "住民票コード (11 digits).")
        String juminhyoCode;
        @Option(names = "--operator", required = true, paramLabel = "ID", description = "Who asks (recorded).")
        String operator;
        @Option(names = "--reason", required = true, paramLabel = "TEXT",
                description = "Why, e.g. the disclosure request's number (recorded).")
        String reason;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = gateway.config();
            if (!validOperator(operator)) {
                return refuse(cfg, operator, GatewayEvent.AUDIT_QUERY, BAD_OPERATOR);
            }
            if (juminhyoCode == null || !CheckDigits.isValidJuminhyoCode(juminhyoCode)) {
                return refuse(cfg, operator, GatewayEvent.AUDIT_QUERY, "--juminhyo-code must be an 11-digit 住民票コード with a valid check digit");
            }
            if (reason.isBlank() || reason.length() > 200 || reason.chars().anyMatch(Character::isISOControl)) {
                return refuse(cfg, operator, GatewayEvent.AUDIT_QUERY, "--reason must be one line of 1-200 characters");
            }
            Path auditKey = cfg.keystoresDir().resolve("audit-hmac.key");
            if (!Files.exists(auditKey)) {
                err().println("not queried: no audit key at " + auditKey + " (has the gateway run with these keystores?)");
                return NO_DATABASE;
            }
            PersonHasher hasher = PersonHasher.fromKeyFile(auditKey);
            String person = hasher.hash(juminhyoCode);
            List<PersonHistory.Exchange> exchanges;
            List<PersonHistory.Provision> provisions;
            try (Connection c = RunningGatewayOptions.connect(cfg)) {
                audit(c, operator, GatewayEvent.AUDIT_QUERY, AuditStatus.ASKED, null, reason, reason, List.of(juminhyoCode),
                        hasher);
                exchanges = PersonHistory.exchanges(c, person);
                provisions = PersonHistory.provisions(c, person);
            } catch (IOException | SQLException e) {
                err().println("no running gateway database: " + e.getMessage());
                return NO_DATABASE;
            }
            PrintWriter out = out();
            out.printf("person %s (keyed hash; the code is not stored): %d exchange(s), %d provision record(s)%n",
                    person, exchanges.size(), provisions.size());
            out.println("exchanges (time, line, direction, peer, message, sender, outcome; operator and terminal where named):");
            for (PersonHistory.Exchange e : exchanges) {
                out.printf("  %s  %-8s %-3s %-18s %-16s %-24s %-8s %s/%s%s%n", e.at(), e.line(), e.direction(),
                        nz(e.peer()), nz(e.type()), nz(e.messageId()), nz(e.sender()), nz(e.status()), nz(e.code()),
                        e.operator() == null && e.terminal() == null ? ""
                                : "  operator " + nz(e.operator()) + " terminal " + nz(e.terminal()));
            }
            out.println("provisions and transfers (time, agency, kind, business, legal basis, key, items, outcome):");
            for (PersonHistory.Provision p : provisions) {
                out.printf("  %s  agency-%s %s %s %s by %s: %s -> %s%n", p.at(), p.agency(), p.kind(), nz(p.business()),
                        nz(p.legalBasis()), nz(p.keyType()), p.items().isEmpty() ? "(none)" : String.join(",", p.items()),
                        p.outcome());
            }
            out.flush();
            return OK;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Writes the records after the previous export, up to the last signed checkpoint (at or "
                    + "before --until), into a signed, self-verifying archive linked to the previous one. The range is "
                    + "verified first; a broken chain is not exported. Then 'audit trim --archive FILE' may remove them."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:exported", "1:refused (nothing to export, or the chain is broken)",
                    "2:no running gateway database", "3:invalid options"})
    static final class Export extends Tool implements Callable<Integer> {
        @Option(names = "--to", required = true, paramLabel = "FILE", description = "The archive to write (must not exist).")
        Path file;
        @Option(names = "--until", paramLabel = "TIME", description = "Up to the last checkpoint at or before this time.")
        String until;
        @Option(names = "--operator", required = true, paramLabel = "ID", description = "Who exports (recorded).")
        String operator;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = gateway.config();
            if (!validOperator(operator)) {
                return refuse(cfg, operator, GatewayEvent.AUDIT_EXPORT, BAD_OPERATOR);
            }
            if (Files.exists(file)) {
                return refuse(cfg, operator, GatewayEvent.AUDIT_EXPORT, file + " exists; an export never overwrites an archive");
            }
            Instant untilTime;
            try {
                untilTime = time(until, true);
            } catch (DateTimeParseException e) {
                return refuse(cfg, operator, GatewayEvent.AUDIT_EXPORT, "--until must be an ISO date-time or a date");
            }
            KeyMaterial.Signer gateway = new KeyMaterial(cfg.keystoresDir(),
                    cfg.keystorePassword(), Duration.ofSeconds(60)).signer(Identities.GATEWAY);
            return archiveAction(cfg, operator, GatewayEvent.AUDIT_EXPORT, AuditStatus.EXPORTED, "V200", "not exported", c -> {
                AuditArchive.Manifest m = AuditArchive.export(c, ca(cfg), file, untilTime, gateway.key(), gateway.certificate());
                return String.format("exported %,d records (seq %d to %d) to %s%s", m.records(), m.firstSeq(), m.lastSeq(),
                        file.getFileName(), m.previousSha256() == null ? "" : ", linked to the export ending at seq "
                                + m.previousLastSeq());
            });
        }
    }

    @Command(name = "trim", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Removes from the table the records an export holds, after verifying the archive and that "
                    + "it is the registered export of that range. Exports are trimmed in order; the chain left in the "
                    + "table starts at the archive's last signed checkpoint, so 'audit verify' still anchors it."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:trimmed", "1:refused (archive broken, not registered, or out of order)",
                    "2:no running gateway database", "3:invalid options"})
    static final class Trim extends Tool implements Callable<Integer> {
        @Option(names = "--archive", required = true, paramLabel = "FILE", description = "The export whose records to remove.")
        Path archive;
        @Option(names = "--operator", required = true, paramLabel = "ID", description = "Who trims (recorded).")
        String operator;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = gateway.config();
            if (!validOperator(operator)) {
                return refuse(cfg, operator, GatewayEvent.AUDIT_TRIM, BAD_OPERATOR);
            }
            return archiveAction(cfg, operator, GatewayEvent.AUDIT_TRIM, AuditStatus.TRIMMED, "V300", "not trimmed", c ->
                    String.format("removed %,d records held by %s", AuditArchive.trim(c, archive, ca(cfg)), archive.getFileName()));
        }
    }

    /** An ISO date-time, or a date in JST (its start, or with {@code end} its last instant); null stays null. */
    static Instant time(String text, boolean end) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            LocalDate d = LocalDate.parse(text);
            return end ? d.plusDays(1).atStartOfDay(JST).toInstant().minusNanos(1000) : d.atStartOfDay(JST).toInstant();
        }
    }

    private static String nz(String s) {
        return s == null ? "-" : s;
    }
}
