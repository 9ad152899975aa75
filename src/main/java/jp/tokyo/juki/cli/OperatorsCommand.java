package jp.tokyo.juki.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.Callable;
import jp.tokyo.juki.operator.Operator;
import jp.tokyo.juki.operator.OperatorBootstrap;
import jp.tokyo.juki.operator.OperatorRegister;
import jp.tokyo.juki.operator.OperatorSettings;
import jp.tokyo.juki.operator.PasswordHasher;
import jp.tokyo.juki.operator.PasswordPolicy;
import jp.tokyo.juki.operator.StoreUnavailable;
import jp.tokyo.juki.platform.DatabaseAccess;
import jp.tokyo.juki.platform.GatewayConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway operators}: the operator register (issue 12). {@code bootstrap} makes the first
 * administrator on the gateway's host (item 3). Host-local: it reaches the running gateway's
 * database as its owner ({@link DatabaseAccess}), which only the gateway's OS user can. Refused once
 * an active administrator exists; after that, operators are managed through the operator API by the
 * other sub-commands ({@link OperatorRegisterCommands}: list, issue, grant, withdraw, terminals,
 * reset-password, unlock, review, revoke, report, and password for one's own).
 */
@Command(name = "operators", mixinStandardHelpOptions = true, description = "The operator register (issue 12).",
        subcommands = {OperatorsCommand.Bootstrap.class, OperatorRegisterCommands.ListCommand.class,
                OperatorRegisterCommands.IssueCommand.class, OperatorRegisterCommands.GrantCommand.class,
                OperatorRegisterCommands.WithdrawCommand.class, OperatorRegisterCommands.TerminalsCommand.class,
                OperatorRegisterCommands.ResetPasswordCommand.class, OperatorRegisterCommands.UnlockCommand.class,
                OperatorRegisterCommands.ReviewCommand.class, OperatorRegisterCommands.RevokeCommand.class,
                OperatorRegisterCommands.ReportCommand.class, OperatorRegisterCommands.PasswordCommand.class})
public final class OperatorsCommand {

    @Command(name = "bootstrap", mixinStandardHelpOptions = true,
            description = "On the gateway's host: create the first administrator of the operator register (audited). "
                    + "Refused once an active administrator exists. The password is asked twice, or read from "
                    + "--password-file (owned by you, mode 0600). Issue the certificate with 'pki issue-operator ID'.")
    static final class Bootstrap implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        RunningGatewayOptions gateway;
        @Option(names = "--id", required = true, description = "Operator ID (3-32 of a-z, 0-9, '.', '-', '_').")
        String id;
        @Option(names = "--name", required = true, description = "Display name.")
        String name;
        @Option(names = "--terminal", required = true, description = "The terminal (host name) the administrator logs in from.")
        String terminal;
        @Option(names = "--password-file", description = "A file holding the password on its first line, readable by you only.")
        Path passwordFile;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            GatewayConfig cfg = gateway.config();
            OperatorSettings.Values settings = OperatorSettings.of(cfg);
            PasswordPolicy policy;
            try {
                policy = PasswordPolicy.load(settings.denylist());
            } catch (IOException e) {
                err.println("operators bootstrap: " + e.getMessage());
                return 2;
            }
            char[] password;
            try {
                password = passwordFile != null ? PasswordFile.read(passwordFile) : PasswordFile.prompt(id);
            } catch (PasswordFile.Refused e) {
                err.println("operators bootstrap: " + e.getMessage());
                return 1;
            }
            try (Connection c = DatabaseAccess.connect(cfg)) {
                Operator o = OperatorBootstrap.run(c, Clock.systemUTC(), PasswordHasher.of(settings), policy, id, name,
                        terminal, password, System.getProperty("user.name"));
                PrintWriter out = spec.commandLine().getOut();
                out.printf("administrator %s created (terminal %s); its certificate: ./gateway pki issue-operator %s%n",
                        o.id(), String.join(", ", o.terminals()), o.id());
                out.flush();
                return 0;
            } catch (OperatorRegister.Refused r) {
                err.println("operators bootstrap refused (" + r.code() + "): " + r.reason());
                return 1;
            } catch (IOException | SQLException | StoreUnavailable e) {
                err.println("operators bootstrap: no running gateway database: " + e.getMessage());
                return 2;
            } finally {
                Arrays.fill(password, '\0');
            }
        }
    }
}
