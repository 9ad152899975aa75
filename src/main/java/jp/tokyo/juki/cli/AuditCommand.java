package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.Callable;
import jp.tokyo.juki.audit.AuditArchive;
import jp.tokyo.juki.audit.AuditDesk;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.RevocationList;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway audit verify|query|export|trim}: an auditor's tools for the audit record
 * (R-AUD-VERIFY, R-AUD-PERSON), as a client of the operator API ({@code /api/audit/*}): the
 * gateway's audit desk acts and records each action and refusal with the operator and terminal.
 * Exports are written by the gateway into its export directory ({@code juki.audit.export-dir});
 * {@code trim} names one of them. {@code verify --archive FILE} checks an export file offline and
 * stays host-local: it reads only the file and the CA ({@code keystores/ca.pem}), no database.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "The tamper-evident audit record: verify it, query it per person, export and trim it.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Query.class, AuditCommand.Export.class,
                AuditCommand.Trim.class})
public final class AuditCommand {
    static final int OK = 0;
    static final int BROKEN = 1;
    static final int NO_GATEWAY = 2;
    static final int REFUSED = 3;

    /** What every audit tool shares: its output, and the API's refusals mapped to the exit codes. */
    abstract static class Tool {
        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        /**
         * A refusal of the audit desk: a malformed option ({@code V400}) exits 3 with the reason; one
         * that could not be audited exits 2; any other ({@code prefix}: what was not done) exits 1.
         */
        int refused(ApiClient.Refused r, String prefix) {
            PrintWriter err = err();
            if (AuditDesk.INVALID.equals(r.code())) {
                err.println(r.getMessage());
            } else {
                err.println((prefix != null && r.code().startsWith("V") ? prefix : r.code()) + ": " + r.getMessage());
            }
            err.flush();
            return AuditDesk.INVALID.equals(r.code()) ? REFUSED : AuditDesk.NOT_AUDITED.equals(r.code()) ? NO_GATEWAY : BROKEN;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Checks the audit chain: each record's hash, each link, no gap, every signed checkpoint, "
                    + "and that the chain passes through each signed hash. Names the first record that was changed, "
                    + "removed or inserted. Through the operator API (--cert …).",
                    "With --archive, verifies an export file by itself, offline, on this host (and, with --previous, that "
                            + "it continues that one): no login, no database."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:intact", "1:changed, removed or inserted records (or an untrusted checkpoint/archive; or refused)",
                    "2:the operator API could not be reached", "3:invalid options"})
    static final class Verify extends Tool implements Callable<Integer> {
        @Option(names = "--from", paramLabel = "TIME", description = "Records from this time (ISO date-time, or a date in JST).")
        String from;
        @Option(names = "--to", paramLabel = "TIME", description = "Records up to this time (as --from; a date means its end).")
        String to;
        @Option(names = "--archive", paramLabel = "FILE", description = "Verify this export file instead of the table (offline).")
        Path archive;
        @Option(names = "--previous", paramLabel = "FILE", description = "With --archive: the export it must continue.")
        Path previous;
        /** The login for the table's verification; with --archive only its --config/--set are read (for the CA). */
        @ArgGroup(exclusive = false, validate = false, heading = "%nLogin (not with --archive):%n")
        OperatorLogin login;

        @Override
        public Integer call() throws Exception {
            if (archive != null) {
                return verifyArchive();
            }
            if (login == null || login.cert == null) {
                err().println("give --cert (and your password) to verify the gateway's table, or --archive FILE for an export");
                return REFUSED;
            }
            return ApiClient.run(spec, login, (api, out) -> {
                ObjectNode body = ApiClient.body();
                if (from != null) {
                    body.put("from", from);
                }
                if (to != null) {
                    body.put("to", to);
                }
                JsonNode v;
                try {
                    v = api.post("/api/audit/verify", body);
                } catch (ApiClient.Refused r) {
                    return refused(r, null);
                }
                double seconds = v.path("seconds").asDouble();
                long records = v.path("records").asLong();
                if (!v.path("intact").asBoolean()) {
                    out.printf("AUDIT CHAIN BROKEN: %s%n(checked %,d records from seq %d before finding it, %.1f s)%n",
                            v.path("problem").asText(), records, v.path("firstSeq").asLong(), seconds);
                    out.flush();
                    return BROKEN;
                }
                long lastSeq = v.path("lastSeq").asLong();
                long lastSigned = v.path("lastSignedSeq").asLong();
                out.printf("audit chain intact: %,d records (seq %d to %d), %d signed checkpoint(s), last signed at seq %d%s; "
                                + "%.1f s (%,.0f records/s)%n", records, records == 0 ? 0 : v.path("firstSeq").asLong(), lastSeq,
                        v.path("checkpoints").asInt(), lastSigned, lastSeq > lastSigned
                                ? "; the " + (lastSeq - lastSigned) + " record(s) after it are chained and signed at the next checkpoint"
                                : "", seconds, records / Math.max(seconds, 1e-3));
                out.flush();
                return OK;
            });
        }

        private int verifyArchive() throws IOException {
            GatewayConfig cfg = GatewayConfig.load(login == null || login.config == null
                    ? Path.of("config/application.properties") : login.config, login == null || login.set == null
                    ? new HashMap<>() : login.set);
            try {
                AuditArchive.Manifest m = AuditArchive.verify(archive, RevocationList.of(cfg.keystoresDir()), previous);
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
                    "The query itself is recorded with the operator, terminal and reason before anything is shown."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed (possibly nothing)", "1:refused", "2:the operator API could not be reached",
                    "3:invalid options (code or reason)"})
    static final class Query extends Tool implements Callable<Integer> {
        @Option(names = "--juminhyo-code", required = true, paramLabel = "CODE", description = "住民票コード (11 digits).")
        String juminhyoCode;
        @Option(names = "--reason", required = true, paramLabel = "TEXT",
                description = "Why, e.g. the disclosure request's number (recorded).")
        String reason;
        @Mixin
        OperatorLogin login;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode h;
                try {
                    h = api.post("/api/audit/person", ApiClient.body().put("juminhyoCode", juminhyoCode).put("reason", reason));
                } catch (ApiClient.Refused r) {
                    return refused(r, null);
                }
                JsonNode exchanges = h.path("exchanges");
                JsonNode provisions = h.path("provisions");
                out.printf("person %s (keyed hash; the code is not stored): %d exchange(s), %d provision record(s)%n",
                        h.path("person").asText(), exchanges.size(), provisions.size());
                out.println("exchanges (time, line, direction, peer, message, sender, outcome; operator and terminal where named):");
                for (JsonNode e : exchanges) {
                    boolean named = e.path("operator").isTextual() || e.path("terminal").isTextual();
                    out.printf("  %s  %-8s %-3s %-18s %-16s %-24s %-8s %s/%s%s%n", e.path("at").asText(), nz(e, "line"),
                            nz(e, "direction"), nz(e, "peer"), nz(e, "type"), nz(e, "messageId"), nz(e, "sender"), nz(e, "status"),
                            nz(e, "code"), named ? "  operator " + nz(e, "operator") + " terminal " + nz(e, "terminal") : "");
                }
                out.println("provisions and transfers (time, agency, kind, business, legal basis, key, items, outcome):");
                for (JsonNode p : provisions) {
                    StringBuilder items = new StringBuilder();
                    p.path("items").forEach(i -> items.append(items.length() == 0 ? "" : ",").append(i.asText()));
                    out.printf("  %s  agency-%s %s %s %s by %s: %s -> %s%n", p.path("at").asText(), nz(p, "agency"), nz(p, "kind"),
                            nz(p, "business"), nz(p, "legalBasis"), nz(p, "keyType"), items.length() == 0 ? "(none)" : items,
                            nz(p, "outcome"));
                }
                out.flush();
                return OK;
            });
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"The gateway writes the records after the previous export, up to the last signed checkpoint "
                    + "(at or before --until), into a signed, self-verifying archive linked to the previous one, in its "
                    + "export directory (juki.audit.export-dir) on its host; printed: the archive's name and SHA-256. "
                    + "The range is verified first; a broken chain is not exported. Then 'audit trim --archive NAME' "
                    + "may remove them."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:exported", "1:refused (nothing to export, or the chain is broken)",
                    "2:the operator API could not be reached", "3:invalid options"})
    static final class Export extends Tool implements Callable<Integer> {
        @Option(names = "--until", paramLabel = "TIME", description = "Up to the last checkpoint at or before this time.")
        String until;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded).")
        String reason;
        @Mixin
        OperatorLogin login;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                ObjectNode body = ApiClient.body();
                if (until != null) {
                    body.put("until", until);
                }
                if (reason != null) {
                    body.put("reason", reason);
                }
                JsonNode x;
                try {
                    x = api.post("/api/audit/export", body);
                } catch (ApiClient.Refused r) {
                    return refused(r, "not exported");
                }
                out.println(x.path("text").asText());
                out.printf("archive %s, SHA-256 %s, on the gateway's host at %s%n", x.path("name").asText(),
                        x.path("sha256").asText(), x.path("path").asText());
                out.flush();
                return OK;
            });
        }
    }

    @Command(name = "trim", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Removes from the table the records an export holds, after verifying the archive (in the "
                    + "gateway's export directory) and that it is the registered export of that range. Exports are "
                    + "trimmed in order; the chain left in the table starts at the archive's last signed checkpoint, "
                    + "so 'audit verify' still anchors it."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:trimmed", "1:refused (archive broken, not registered, or out of order)",
                    "2:the operator API could not be reached", "3:invalid options"})
    static final class Trim extends Tool implements Callable<Integer> {
        @Option(names = "--archive", required = true, paramLabel = "NAME",
                description = "The export whose records to remove, by the name 'audit export' printed.")
        String archive;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded).")
        String reason;
        @Mixin
        OperatorLogin login;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                ObjectNode body = ApiClient.body().put("archive", archive);
                if (reason != null) {
                    body.put("reason", reason);
                }
                try {
                    out.println(api.post("/api/audit/trim", body).path("text").asText());
                } catch (ApiClient.Refused r) {
                    return refused(r, "not trimmed");
                }
                out.flush();
                return OK;
            });
        }
    }

    private static String nz(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.asText() : "-";
    }
}
