package jp.tokyo.juki.cli;

import jp.tokyo.juki.harness.DemoCommand;
import jp.tokyo.juki.harness.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./gateway}: one entry point, one sub-command per job. */
@Command(name = "gateway", mixinStandardHelpOptions = true, version = "juki-gateway 0.1.0",
        description = "Integration gateway of the Tokyo prefectural server (住基ネット).",
        subcommands = {PkiCommand.class, RunCommand.class, SimCommand.class, DemoCommand.class, BenchCommand.class, LinkCommand.class, ApprovalsCommand.class, AuditCommand.class, DlqCommand.class, DbCommand.class,
                OperatorsCommand.class, StatusCommand.class, ConfigCommand.class,
                DisclosureCommand.class, FormsCommand.class, CorrectionsCommand.class,
                QueryCommand.class, CommandLine.HelpCommand.class,
                RetentionCommand.class,
                SearchCommand.class,
                StatisticsCommand.class,
                BackupCommand.class, RestoreCommand.class})
public final class GatewayCli {
    public static void main(String[] args) {
        int code = new CommandLine(new GatewayCli()).execute(args);
        System.exit(code);
    }
}
