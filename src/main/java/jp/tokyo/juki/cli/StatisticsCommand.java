package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway statistics --fiscal-year 2026 | --month 2026-04 | --day 2026-04-01 [--csv FILE]
 * [--chart FILE.png]}: the statistics report (R-STAT) through the operator API
 * ({@code /api/statistics/report}) as the operator of the certificate and password given — updates
 * per municipality × 異動事由, provisions per agency × business × outcome, notices per national line,
 * searches per operator, consistency checks (overdue ones marked). Counts only. Each report (and each
 * file) is audited under that operator.
 */
@Command(name = "statistics", mixinStandardHelpOptions = true,
        description = "Statistics of a day, a month or a fiscal year (年度, April to March), through the operator API.")
public final class StatisticsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    OperatorLogin login;
    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;
    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the report as CSV (UTF-8 with BOM, long format).")
    Path csv;
    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also write the report's chart (PNG).")
    Path chart;
    @Option(names = "--reason", description = "Why the report is made (recorded in the audit).")
    String reason;

    /** Exactly one period. */
    static final class Which {
        @Option(names = "--fiscal-year", paramLabel = "YEAR", description = "年度: 1 April YEAR to 31 March YEAR+1.")
        String fiscalYear;
        @Option(names = "--month", paramLabel = "YYYY-MM", description = "A calendar month.")
        String month;
        @Option(names = "--day", paramLabel = "YYYY-MM-DD", description = "A day (JST).")
        String day;
    }

    @Override
    public Integer call() {
        return ApiClient.run(spec, login, (api, out) -> {
            ObjectNode body = ApiClient.body();
            if (which.fiscalYear != null) {
                body.put("period", "fiscal-year").put("fiscalYear", which.fiscalYear);
            } else if (which.month != null) {
                body.put("period", "month").put("month", which.month);
            } else {
                body.put("period", "day").put("date", which.day);
            }
            if (reason != null) {
                body.put("reason", reason);
            }
            print(out, api.post("/api/statistics/report", body));
            if (csv != null) {
                Files.write(csv, api.download("/api/statistics/report", body.deepCopy().put("format", "csv")));
                out.printf("CSV written to %s%n", csv);
            }
            if (chart != null) {
                Files.write(chart, api.download("/api/statistics/report", body.deepCopy().put("format", "png")));
                out.printf("chart written to %s%n", chart);
            }
            return 0;
        });
    }

    private static void print(PrintWriter out, JsonNode r) {
        out.printf("統計 %s — counted up to %s%n", r.path("period").path("label").asText(),
                r.path("countedTo").isNull() ? "(not yet rolled up)" : r.path("countedTo").asText());
        out.printf("%n更新 (updates): %d%n", r.path("totalUpdates").asLong());
        for (JsonNode u : r.path("updates")) {
            out.printf("  %s %-8s %-6s %-16s %,10d%n", u.path("municipality").asText(), u.path("municipalityName").asText(),
                    u.path("store").asText(), u.path("reasonName").asText(), u.path("count").asLong());
        }
        out.printf("%n提供 (provisions): %d%n", r.path("totalProvisions").asLong());
        for (JsonNode p : r.path("provisions")) {
            out.printf("  agency-%-10s %-9s %-16s %-10s %,10d%n", p.path("agency").asText(), p.path("kind").asText(),
                    p.path("business").asText().isEmpty() ? "-" : p.path("business").asText(), p.path("outcome").asText(),
                    p.path("count").asLong());
        }
        out.printf("%n全国通知 (national notices): sent / accepted / duplicate / refused / unanswered / dead-lettered%n");
        for (JsonNode n : r.path("national")) {
            out.printf("  %-6s %,d / %,d / %,d / %,d / %,d / %,d%n", n.path("line").asText(), n.path("sent").asLong(),
                    n.path("accepted").asLong(), n.path("duplicate").asLong(), n.path("refused").asLong(),
                    n.path("unanswered").asLong(), n.path("deadLettered").asLong());
        }
        out.printf("%n検索 (searches per operator):%s%n", r.path("searches").isEmpty() ? " none" : "");
        for (JsonNode s : r.path("searches")) {
            out.printf("  %-32s %,10d%n", s.path("operator").asText(), s.path("count").asLong());
        }
        int overdue = 0;
        for (JsonNode k : r.path("consistency")) {
            overdue += k.path("overdue").asBoolean() ? 1 : 0;
        }
        out.printf("%n整合 (consistency checks; overdue after %d days): %d of %d overdue%n",
                r.path("consistencyOverdueDays").asInt(), overdue, r.path("consistency").size());
        for (JsonNode k : r.path("consistency")) {
            out.printf("  %s %-8s %-6s %-24s %s%n", k.path("municipality").asText(), k.path("municipalityName").asText(),
                    k.path("store").asText(), k.path("checkedAt").isNull() ? "never" : k.path("checkedAt").asText(),
                    (k.path("overdue").asBoolean() ? "OVERDUE " : "") + (k.path("checkedAt").isNull() ? ""
                            : k.path("consistent").asBoolean() ? "consistent" : k.path("differing").asLong() + " differing, "
                            + k.path("missingInStore").asLong() + " missing in store, " + k.path("missingAtCs").asLong()
                            + " missing at CS"));
        }
    }
}
