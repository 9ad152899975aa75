package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway retention status|run JOB --reason …}: the retention jobs of the running gateway
 * (R-RET), through the operator API ({@code /api/retention/*}; an administrator's). Counts only,
 * never a value.
 */
@Command(name = "retention", mixinStandardHelpOptions = true,
        description = "Retention and erasure (R-RET): the scheduled jobs that erase what is past its period.",
        subcommands = {RetentionCommand.Status.class, RetentionCommand.Run.class})
public final class RetentionCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Each job: period, scheduled or not, today's cut-off, next scheduled run, last run with its "
                    + "counts. Asks the operator API (/api/retention/status; an administrator's).")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode answer = api.post("/api/retention/status", ApiClient.body());
                out.println("retention jobs (R-RET)");
                for (JsonNode j : answer.path("jobs")) {
                    out.printf("  %-18s %-3s period %-9s cut-off %s  next %s%n", j.path("job").asText(),
                            j.path("enabled").asBoolean() ? "on" : "off", j.path("period").asText(),
                            j.path("cutoff").asText(), j.path("nextRun").isTextual() ? j.path("nextRun").asText() : "-");
                    JsonNode last = j.path("lastRun");
                    if (last.isObject()) {
                        out.print("      last run ");
                        printRun(out, last);
                    } else {
                        out.println("      last run -");
                    }
                }
                return 0;
            });
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs one job now (history, accepted-requests, provisions, audit-archives), audited with the "
                    + "reason. Asks the operator API (/api/retention/run; an administrator's).")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;
        @Parameters(index = "0", paramLabel = "JOB", description = "history, accepted-requests, provisions or audit-archives")
        String job;
        @Option(names = "--reason", required = true, description = "Why it is run now (recorded in the audit).")
        String reason;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode run = api.post("/api/retention/run", ApiClient.body().put("job", job).put("reason", reason));
                out.print("retention " + run.path("job").asText() + ": ");
                printRun(out, run);
                return 0;
            });
        }
    }

    /** {@code 2026-… OPERATOR admin1 DONE cut-off …: honnin.resident_history 3, … (kept 2)}. */
    static void printRun(PrintWriter out, JsonNode run) {
        StringBuilder counts = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = run.path("erased").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            counts.append(counts.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue().asLong());
        }
        out.printf("%s %s%s %s, cut-off %s: erased %s%s%s%n", run.path("startedAt").asText(), run.path("trigger").asText(),
                run.path("operator").isTextual() ? " " + run.path("operator").asText() : "", run.path("outcome").asText(),
                run.path("cutoff").asText(), counts.isEmpty() ? "nothing" : counts,
                "history".equals(run.path("job").asText()) ? " (kept by retention flag " + run.path("kept").asLong() + ")" : "",
                run.path("vacuumOwed").isEmpty() ? "" : "; vacuum owed: " + run.path("vacuumOwed"));
    }
}
