package jp.tokyo.juki.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditSink;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.national.NationalQuery;
import jp.tokyo.juki.national.QueryKey;
import jp.tokyo.juki.platform.FileSettings;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.wire.MessageType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./gateway query national}: an operator's query to the national servers (R-NQ). */
@Command(name = "query", mixinStandardHelpOptions = true, description = "Queries to other servers.",
        subcommands = {QueryCommand.National.class})
public final class QueryCommand {

    static final int FOUND = 0;
    static final int NOT_FOUND = 10;
    static final int SEVERAL = 11;
    static final int UNAVAILABLE = 12;
    static final int REFUSED = 13;
    static final int NOT_AUDITED = 14;

    @Command(name = "national", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Asks the national server (or with --fuhyo the fuhyo national server) for a person by "
                    + "住民票コード, My Number or the 4 items, and prints the outcome and the records.",
                    "Audited with the operator in the running gateway's audit record (the embedded database under "
                            + "--data, or juki.db.url): the query is recorded before it is sent, the answer before "
                            + "anything is shown. Without that database nothing is asked."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {" 0:FOUND - one person; the record is printed",
                    "10:NOT_FOUND - nobody matched",
                    "11:SEVERAL - more than one person matched (all are printed); give more of the 4 items",
                    "12:UNAVAILABLE - no connection, no answer within juki.national.query-timeout-ms, or E503: ask later",
                    "13:REFUSED - the key or operator was refused (before sending, or by the server): correct it",
                    "14:not audited - no running gateway database (or its audit key) to record the query in; "
                            + "nothing was asked, or the answer is not shown",
                    " 2:invalid options",
                    " 1:unexpected error"})
    static final class National implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--juminhyo-code", paramLabel = "CODE", description = "住民票コード (11 digits).")
        String juminhyoCode;
        @Option(names = "--my-number", paramLabel = "NUMBER", description = "個人番号 (12 digits); not with --fuhyo.")
        String myNumber;
        @Option(names = "--name-kana", paramLabel = "KANA", description = "4 items: name in katakana (matched on its 清音化 form).")
        String nameKana;
        @Option(names = "--name-kanji", paramLabel = "NAME", description = "4 items: name in kanji (prefix).")
        String nameKanji;
        @Option(names = "--birth-date", paramLabel = "YYYY-MM-DD", description = "4 items: date of birth.")
        String birthDate;
        @Option(names = "--sex", paramLabel = "1|2", description = "4 items: 1 male, 2 female.")
        String sex;
        @Option(names = "--address-prefix", paramLabel = "TEXT", description = "4 items: the address starts with this.")
        String addressPrefix;
        @Option(names = "--fuhyo", description = "Ask the fuhyo national server (附票) instead of the national server.")
        boolean fuhyo;
        @Option(names = "--operator", required = true, paramLabel = "ID",
                description = "Who asks (1-64 of A-Z a-z 0-9 . _ : -); sent to the server and kept in the audit.")
        String operator;
        @picocli.CommandLine.Mixin
        RunningGatewayOptions gateway;

        @Override
        public Integer call() throws Exception {
            QueryKey key = key();
            GatewayConfig cfg = gateway.config();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path auditKey = cfg.keystoresDir().resolve("audit-hmac.key");
            if (!Files.exists(auditKey)) {
                // a fresh key would make these records unfindable per person (R-AUD-PERSON)
                err.println("not queried: no audit key at " + auditKey + " (has the gateway run with these keystores?)");
                return NOT_AUDITED;
            }
            PersonHasher hasher = PersonHasher.fromKeyFile(auditKey);
            KeyMaterial keys = new KeyMaterial(cfg.keystoresDir(), cfg.keystorePassword(),
                    cfg.get(FileSettings.CRL_CHECK));
            Connection db;
            try {
                db = RunningGatewayOptions.connect(cfg);
            } catch (IOException | SQLException e) {
                err.println("not queried: no running gateway database to audit in (" + e.getMessage() + ")");
                return NOT_AUDITED;
            }
            try (db; NationalQuery query = NationalQuery.create(keys, NationalQuery.Settings.from(cfg), direct(db, hasher))) {
                if (fuhyo) {
                    NationalQuery.Outcome<FuhyoRecord> o = query.query(NationalQuery.Store.FUHYO, key, operator);
                    printHead(out, MessageType.FUHYO_QUERY.name(), o);
                    o.records().forEach(r -> printFuhyo(out, r));
                    return exitCode(out, o);
                }
                NationalQuery.Outcome<HonninRecord> o = query.query(NationalQuery.Store.HONNIN, key, operator);
                printHead(out, MessageType.HONNIN_QUERY.name(), o);
                o.records().forEach(r -> printHonnin(out, r));
                return exitCode(out, o);
            } catch (NotAudited e) {
                err.println("the audit record could not be written (SQLState " + e.getMessage() + "); nothing is shown");
                return NOT_AUDITED;
            }
        }

        /**
         * Audit records go straight into the gateway's audit table, each committed before the
         * query goes on: a query whose record cannot be written is not sent, an answer whose
         * record cannot be written is not shown (docs/decisions.md 8).
         */
        private static AuditSink direct(Connection db, PersonHasher hasher) {
            return event -> {
                try {
                    db.setAutoCommit(true);
                    AuditWriter.insert(db, List.of(AuditEvent.of(hasher, event)));
                } catch (SQLException e) {
                    throw new NotAudited(e.getSQLState());
                }
            };
        }

        /** The key the options describe; exactly one kind. */
        private QueryKey key() {
            boolean four = nameKana != null || nameKanji != null || birthDate != null || sex != null || addressPrefix != null;
            int kinds = (juminhyoCode != null ? 1 : 0) + (myNumber != null ? 1 : 0) + (four ? 1 : 0);
            if (kinds != 1) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "give exactly one of --juminhyo-code, --my-number, or the 4 items (--name-kana/--name-kanji with "
                                + "--birth-date, --sex or --address-prefix)");
            }
            if (juminhyoCode != null) {
                return QueryKey.juminhyoCode(juminhyoCode);
            }
            if (myNumber != null) {
                return QueryKey.myNumber(myNumber);
            }
            return QueryKey.fourInfo(nameKana, nameKanji, birthDate, sex, addressPrefix);
        }

        private static void printHead(PrintWriter out, String type, NationalQuery.Outcome<?> o) {
            out.printf("%s %s: %s%n", type, o.queryId(), switch (o.result()) {
                case FOUND -> "FOUND (1 record)";
                case NOT_FOUND -> "NOT_FOUND";
                case SEVERAL -> "SEVERAL (" + o.records().size() + " records)";
                case UNAVAILABLE, REFUSED -> o.result() + " " + o.code() + " " + o.detail();
            });
        }

        private static int exitCode(PrintWriter out, NationalQuery.Outcome<?> o) {
            out.flush();
            return switch (o.result()) {
                case FOUND -> FOUND;
                case NOT_FOUND -> NOT_FOUND;
                case SEVERAL -> SEVERAL;
                case UNAVAILABLE -> UNAVAILABLE;
                case REFUSED -> REFUSED;
            };
        }

        private static void printHonnin(PrintWriter out, HonninRecord r) {
            out.println();
            out.printf("  住民票コード    %s%n", r.juminhyoCode());
            out.printf("  氏名            %s (%s)%n", r.name().kanji(), r.name().kana());
            if (r.formerSurname() != null) {
                out.printf("  旧氏            %s (%s)%n", r.formerSurname().kanji(), r.formerSurname().kana());
            }
            out.printf("  生年月日        %s%n", r.birthDate());
            out.printf("  性別            %s%n", sex(r.sex()));
            out.printf("  住所            %s [%s, 大字・字 %s]%n", r.address().text(), r.address().municipalityCode(),
                    r.address().azaCode());
            out.printf("  個人番号        %s%n", r.myNumber());
        }

        private static void printFuhyo(PrintWriter out, FuhyoRecord r) {
            out.println();
            out.printf("  住民票コード    %s%n", r.juminhyoCode());
            out.printf("  氏名            %s (%s)%n", r.name().kanji(), r.name().kana());
            out.printf("  生年月日        %s%n", r.birthDate());
            out.printf("  性別            %s%n", sex(r.sex()));
            out.printf("  住所            %s [%s]%s%n", r.address().text(), r.address().municipalityCode(),
                    r.abroad() ? " 国外転出者" : "");
            out.printf("  最終住所        %s%n", r.lastAddress().text());
            out.printf("  附票管理市町村  %s%n", r.managingMunicipalityCode());
            if (r.formerJuminhyoCode() != null) {
                out.printf("  旧住民票コード  %s%n", r.formerJuminhyoCode());
            }
            out.printf("  通知区分        %s%n", r.noticeKind());
        }

        private static String sex(String code) {
            return "1".equals(code) ? "1 男" : "2 女";
        }
    }

    /** The audit table refused a record: carries the SQLState only. */
    static final class NotAudited extends RuntimeException {
        NotAudited(String sqlState) {
            super(sqlState, null, false, false);
        }
    }
}
