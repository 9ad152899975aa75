package jp.tokyo.juki.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import jp.tokyo.juki.assembly.ConfigCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./gateway config check}: the configuration and route files, checked without starting anything. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "The gateway's configuration.",
        subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand {

    /**
     * The beans the gateway binds for the route files ({@code ref:} and {@code #name}); ObserveIT
     * checks each is in a running gateway's registry.
     */
    public static final Set<String> ROUTE_BEANS = Set.of("csTls", "csFlushes", "frameEncoder", "csFrameDecoder", "csLineGuard",
            "csLineErrors", "csConnections", "csTicket", "csOpen", "csInOrder", "csPing", "csFailure", "csAuditTap",
            "csReplyCounter", "csEncode", "csWrap", "honninUpdates", "fuhyoUpdates", "honninOutboxRelay",
            "fuhyoOutboxRelay", "nationalHonninDelivery", "nationalFuhyoDelivery", "consistency", "consistencySessions",
            "myNumberHold", "agencyRequests",
            "operatorTls", "operatorSessions", "apiHeaders", "apiGate", "apiFailure", "apiLogin", "apiLogout", "apiWhoami",
            "consoleLoginForm", "consoleLock", "consoleLanguage", "consoleResource", "consoleHome", "consoleLogin",
            "consoleLogout",
            "apiDisclosuresRegister", "apiDisclosuresCheck", "apiDisclosuresList", "apiDisclosuresForm", "apiFormsList",
            "apiFormsHandedOver", "apiFormsDestroyed", "apiCorrectionsRegister", "apiCorrectionsList", "apiCorrectionsDecide",
            "consoleDisclosures", "consoleDisclosuresRegister", "consoleDisclosuresCheck", "consoleDisclosuresForm",
            "consoleForms", "consoleFormsHandedOver", "consoleFormsDestroyed", "consoleCorrections",
            "consoleCorrectionsRegister", "consoleCorrectionsDecide",
            "apiApprovalsList", "apiApprovalsApprove", "apiApprovalsReject", "consoleApprovals", "consoleApprovalsApprove",
            "consoleApprovalsReject", "apiNationalQuery", "consoleNationalForm", "consoleNationalQuery", "apiLinkStatus",
            "apiStatus", "consoleStatus",
            "apiSearchPersons", "apiSearchReport", "consoleSearchForm", "consoleSearch", "consoleSearchReportForm", "consoleSearchReport",
            "apiOperatorsList", "apiOperatorsReviewReport", "apiOperatorsIssue", "apiOperatorsGrant", "apiOperatorsWithdraw",
            "apiOperatorsTerminals", "apiOperatorsResetPassword", "apiOperatorsUnlock", "apiOperatorsReview", "apiOperatorsRevoke",
            "apiSessionPassword", "consoleOperators", "consoleOperatorsReport", "consoleOperatorsIssue", "consoleOperatorsGrant",
            "consoleOperatorsWithdraw", "consoleOperatorsTerminals", "consoleOperatorsResetPassword", "consoleOperatorsUnlock",
            "consoleOperatorsReview", "consoleOperatorsRevoke", "consolePasswordForm", "consolePassword",
            "apiDlqList", "apiDlqShow", "apiDlqReveal", "apiDlqReplay", "apiDlqDiscard", "consoleDlqList", "consoleDlqShow",
            "consoleDlqReveal", "consoleDlqReplay", "consoleDlqDiscard",
            "statisticsRollup", "apiStatisticsReport", "consoleStatisticsForm", "consoleStatistics", "consoleStatisticsChart", "consoleStatisticsCsv",
            "apiAuditPerson", "apiAuditVerify", "apiAuditExport", "apiAuditTrim", "consoleHistoryForm", "consoleHistory",
            "retentionHistory", "retentionAcceptedRequests", "retentionProvisions", "retentionAuditArchives", "apiRetentionStatus", "apiRetentionRun", "consoleRetention", "consoleRetentionRun");

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Checks application.properties, JUKI_* environment variables and --set (known and "
                    + "retired keys, typed values and ranges, paths that must exist, {{env:…}} variables), "
                    + "agencies.yaml, municipalities.csv and the route files (YAML, route ids, bean references, "
                    + "{{placeholders}}); prints file:line: message per mistake. Exit 0 when all is well, 1 otherwise.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--config", defaultValue = "config/application.properties", description = "Configuration file.")
        Path config;
        @Option(names = "--base", defaultValue = ".", description = "Directory the gateway runs in (relative paths start here).")
        Path base;
        @Option(names = "--set", description = "A configuration key as './gateway run --set' would give it.")
        Map<String, String> set = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (!Files.isRegularFile(config)) {
                spec.commandLine().getErr().println(config + ": no such file");
                return 1;
            }
            ConfigCheck check = new ConfigCheck(ROUTE_BEANS).run(config, base, set, System.getenv());
            String format = System.getenv("JUKI_LOG_FORMAT");
            if (format != null && !format.isBlank() && !format.equals("text") && !format.equals("json")) {
                out.println("JUKI_LOG_FORMAT: must be text or json (with any other value the gateway logs nothing)");
                out.flush();
                return 1;
            }
            check.problems().forEach(out::println);
            ConfigCheck.Summary s = check.summary();
            if (check.problems().isEmpty()) {
                out.printf("config ok: %d keys, %d municipalities, %d agencies, %d routes in %d route files%n",
                        s.keys(), s.municipalities(), s.agencies(), s.routes(), s.routeFiles());
            } else {
                out.printf("%d problem(s)%n", check.problems().size());
            }
            out.flush();
            return check.problems().isEmpty() ? 0 : 1;
        }
    }
}
