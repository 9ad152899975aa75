package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import jp.tokyo.juki.national.QueryKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./gateway query national}: an operator's query to the national servers (R-NQ), through the operator API. */
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
                    "Asks through the operator API (/api/national/query, a searcher's) as the operator of --cert and "
                            + "the password; the terms travel in the request body only. The gateway audits the query with "
                            + "operator, terminal and --reason before it is sent, and the answer before anything is shown."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {" 0:FOUND - one person; the record is printed",
                    "10:NOT_FOUND - nobody matched",
                    "11:SEVERAL - more than one person matched (all are printed); give more of the 4 items",
                    "12:UNAVAILABLE - no connection, no answer within juki.national.query-timeout-ms, or E503: ask later",
                    "13:REFUSED - the key was refused (before sending, or by the server): correct it",
                    "14:not audited - the gateway could not record the query (A503): nothing was asked, or the "
                            + "answer is not shown",
                    " 1:refused by the operator API (code and reason on stderr, e.g. P403: not a searcher), or unexpected error",
                    " 2:invalid options, or the operator API cannot be reached"})
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
        @Option(names = "--reason", required = true, paramLabel = "TEXT",
                description = "The purpose of the query (one line, at most 200 characters); kept in the audit.")
        String reason;
        @Mixin
        OperatorLogin login;

        @Override
        public Integer call() {
            ObjectNode body = ApiClient.body().put("fuhyo", fuhyo).put("reason", reason);
            body.set("key", key().toJson());
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode answer;
                try {
                    answer = api.post("/api/national/query", body);
                } catch (ApiClient.Refused r) {
                    if (!"A503".equals(r.code())) {
                        throw r;
                    }
                    spec.commandLine().getErr().println(r.code() + ": " + r.getMessage());
                    spec.commandLine().getErr().flush();
                    return NOT_AUDITED;
                }
                printHead(out, answer);
                for (JsonNode r : answer.path("records")) {
                    if (fuhyo) {
                        printFuhyo(out, r);
                    } else {
                        printHonnin(out, r);
                    }
                }
                return exitCode(answer.path("result").asText());
            });
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

        private static void printHead(PrintWriter out, JsonNode a) {
            String result = a.path("result").asText();
            out.printf("%s %s: %s%n", a.path("type").asText(), a.path("queryId").asText(), switch (result) {
                case "FOUND" -> "FOUND (1 record)";
                case "NOT_FOUND" -> "NOT_FOUND";
                case "SEVERAL" -> "SEVERAL (" + a.path("records").size() + " records)";
                default -> result + " " + a.path("code").asText() + " " + a.path("detail").asText();
            });
        }

        private static int exitCode(String result) {
            return switch (result) {
                case "FOUND" -> FOUND;
                case "NOT_FOUND" -> NOT_FOUND;
                case "SEVERAL" -> SEVERAL;
                case "UNAVAILABLE" -> UNAVAILABLE;
                case "REFUSED" -> REFUSED;
                default -> 1;
            };
        }

        private static void printHonnin(PrintWriter out, JsonNode r) {
            out.println();
            out.printf("  住民票コード    %s%n", r.path("juminhyoCode").asText());
            out.printf("  氏名            %s%n", name(r.path("name")));
            if (r.has("formerSurname")) {
                out.printf("  旧氏            %s%n", name(r.path("formerSurname")));
            }
            out.printf("  生年月日        %s%n", r.path("birthDate").asText());
            out.printf("  性別            %s%n", sex(r.path("sex").asText()));
            JsonNode a = r.path("address");
            out.printf("  住所            %s [%s, 大字・字 %s]%n", a.path("text").asText(), a.path("municipalityCode").asText(),
                    a.path("azaCode").asText());
            out.printf("  個人番号        %s%n", r.path("myNumber").asText());
        }

        private static void printFuhyo(PrintWriter out, JsonNode r) {
            out.println();
            out.printf("  住民票コード    %s%n", r.path("juminhyoCode").asText());
            out.printf("  氏名            %s%n", name(r.path("name")));
            out.printf("  生年月日        %s%n", r.path("birthDate").asText());
            out.printf("  性別            %s%n", sex(r.path("sex").asText()));
            JsonNode a = r.path("address");
            out.printf("  住所            %s [%s]%s%n", a.path("text").asText(), a.path("municipalityCode").asText(),
                    "1".equals(r.path("status").asText()) ? " 国外転出者" : "");
            out.printf("  最終住所        %s%n", r.path("lastAddress").path("text").asText());
            out.printf("  附票管理市町村  %s%n", r.path("managingMunicipalityCode").asText());
            if (r.has("formerJuminhyoCode")) {
                out.printf("  旧住民票コード  %s%n", r.path("formerJuminhyoCode").asText());
            }
            out.printf("  通知区分        %s%n", r.path("noticeKind").asText());
        }

        private static String name(JsonNode n) {
            return n.path("kanji").asText() + " (" + n.path("kana").asText() + ")";
        }

        private static String sex(String code) {
            return "1".equals(code) ? "1 男" : "2 女";
        }
    }
}
