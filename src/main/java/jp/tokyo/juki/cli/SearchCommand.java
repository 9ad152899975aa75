package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway search}: an operator's search of the stores (R-SRCH), and {@code ./gateway search
 * report}: the auditor's 検索件数 report — one command with one login (picocli would ask a parent command's login
 * options before a subcommand's), both through the operator API ({@code /api/search/*}).
 */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Searches the honnin and fuhyo stores by 住民票コード, My Number (honnin only) or the 4 items, and "
                + "prints how many persons match and the list (at most juki.search.max-results; current and deleted "
                + "persons told apart; never a My Number).",
                "Searches through the operator API (/api/search/persons, a searcher's) as the operator of --cert; the "
                        + "terms travel in the request body only. The gateway audits each search with operator, terminal, "
                        + "--purpose and the persons shown (keyed hashes)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {" 0:searched (the count and the list are printed, none or more)",
                " 1:refused by the operator API (code and reason on stderr: K400 no purpose, no key or a bad key; P403 "
                        + "not a searcher; A503 not audited)",
                " 2:invalid options, or the operator API cannot be reached"})
public final class SearchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", arity = "0..1", paramLabel = "report",
            description = "report: the 検索件数 report of the days --from to --to (JST; an auditor's, /api/search/report): "
                    + "searches per operator and day, those outside working hours (juki.search.working-hours, weekdays; "
                    + "weekends are outside) and the refused ones, then each search outside working hours. Audited.")
    String action;
    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "report: the first day (JST).")
    String from;
    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "report: the last day (JST; default: --from).")
    String to;
    @Option(names = "--purpose", paramLabel = "TEXT",
            description = "The purpose of the search (利用目的; required by the gateway; one line, at most 200 characters).")
    String purpose;
    @Option(names = "--store", paramLabel = "honnin|fuhyo", description = "Search only this store (default: both).")
    String store;
    @Option(names = "--code", paramLabel = "CODE", description = "住民票コード (11 digits).")
    String code;
    @Option(names = "--my-number", paramLabel = "NUMBER", description = "個人番号 (12 digits; the honnin store only).")
    String myNumber;
    @Option(names = "--kana", paramLabel = "KANA", description = "4 items: name in katakana (matched on its 清音化 form).")
    String kana;
    @Option(names = "--kanji", paramLabel = "NAME", description = "4 items: name in kanji, by prefix (spaces ignored).")
    String kanji;
    @Option(names = "--birth", paramLabel = "YYYY-MM-DD", description = "4 items: date of birth, or the first day of a range.")
    String birth;
    @Option(names = "--birth-to", paramLabel = "YYYY-MM-DD", description = "4 items: the last day of a birth date range.")
    String birthTo;
    @Option(names = "--sex", paramLabel = "1|2", description = "4 items: 1 male, 2 female (narrows only).")
    String sex;
    @Option(names = "--address", paramLabel = "TEXT", description = "4 items: the address starts with this.")
    String address;
    @Mixin
    OperatorLogin login;

    @Override
    public Integer call() {
        if ("report".equals(action)) {
            return report();
        }
        if (action != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown action " + action + " (only: report)");
        }
        ObjectNode body = ApiClient.body();
        put(body, "reason", purpose);
        if (store != null) {
            body.putArray("stores").add(store);
        }
        put(body, "juminhyoCode", code);
        put(body, "myNumber", myNumber);
        put(body, "nameKana", kana);
        put(body, "nameKanji", kanji);
        put(body, "birthDate", birth);
        put(body, "birthTo", birthTo);
        put(body, "sex", sex);
        put(body, "addressPrefix", address);
        return ApiClient.run(spec, login, (api, out) -> {
            JsonNode a = api.post("/api/search/persons", body);
            long total = a.path("total").asLong();
            out.printf("%s%d person(s) match, %d shown (key %s)%n", a.path("exact").asBoolean() ? "" : "more than ", total,
                    a.path("shown").asInt(), a.path("kind").asText());
            if (a.has("note")) {
                out.println("note: " + a.path("note").asText());
            }
            for (JsonNode p : a.path("persons")) {
                out.printf("%-6s %s %-8s %s（%s） %s %s %s [%s] %s %s%n", p.path("store").asText(), p.path("juminhyoCode").asText(),
                        p.path("status").asText() + (p.path("abroad").asBoolean() ? "/ABROAD" : ""), p.path("nameKanji").asText(),
                        p.path("nameKana").asText(), p.path("birthDate").asText(), p.path("sex").asText(),
                        p.path("address").asText(), p.path("municipality").asText(), p.path("reason").asText(),
                        p.path("changeDate").asText());
            }
            return 0;
        });
    }

    private static void put(ObjectNode body, String name, String value) {
        if (value != null) {
            body.put(name, value);
        }
    }

    private int report() {
        if (from == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "search report needs --from");
        }
        ObjectNode body = ApiClient.body().put("from", from);
        if (to != null) {
            body.put("to", to);
        }
        return ApiClient.run(spec, login, (api, out) -> {
            JsonNode a = api.post("/api/search/report", body);
            out.printf("searches %s to %s (working hours %s JST, weekdays)%n", a.path("from").asText(), a.path("to").asText(),
                    a.path("workingHours").asText());
            out.printf("%-20s %-10s %8s %8s %8s%n", "operator", "date", "searches", "outside", "refused");
            for (JsonNode d : a.path("days")) {
                out.printf("%-20s %-10s %8d %8d %8d%n", d.path("operator").asText(), d.path("date").asText(),
                        d.path("searches").asLong(), d.path("outsideHours").asLong(), d.path("refused").asLong());
            }
            out.printf("outside working hours: %d%n", a.path("outsideHoursTotal").asLong());
            for (JsonNode o : a.path("outsideHours")) {
                out.printf("  %s %s %s %s%n", o.path("at").asText(), o.path("operator").asText(), o.path("terminal").asText(),
                        o.path("purpose").asText());
            }
            return 0;
        });
    }
}
