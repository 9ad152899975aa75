package jp.tokyo.juki.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import jp.tokyo.juki.agency.Approvals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway approvals list|approve|reject}: a manager's decision on agency requests with more
 * rows than {@code juki.agency.approval-rows} (R-SEC-AUTHZ), in the running gateway's database.
 */
@Command(name = "approvals", mixinStandardHelpOptions = true,
        description = "Bulk agency requests waiting for a manager's approval (R-SEC-AUTHZ).",
        subcommands = {ApprovalsCommand.ListWaiting.class, ApprovalsCommand.Approve.class, ApprovalsCommand.Reject.class})
public final class ApprovalsCommand {

    /** Where the running gateway's database is. */
    static class Target {
        @Mixin
        RunningGatewayOptions gateway;

        Connection connect() throws IOException, SQLException {
            return RunningGatewayOptions.connect(gateway.config());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The requests waiting for a decision.")
    static final class ListWaiting extends Target implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<Approvals.Pending> waiting;
            try (Connection c = connect()) {
                waiting = Approvals.waiting(c);
            } catch (IOException | SQLException e) {
                spec.commandLine().getErr().println("no running gateway database: " + e.getMessage());
                return 2;
            }
            out.printf("%d request(s) waiting for approval%n", waiting.size());
            for (Approvals.Pending p : waiting) {
                out.printf("  AR-%d  agency-%s  %d rows  received %s  file %s%n", p.id(), p.agency(), p.rows(),
                        p.receivedAt(), p.fileName());
            }
            out.flush();
            return 0;
        }
    }

    /** approve and reject: one decision. */
    abstract static class Decision extends Target implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ID", description = "The request, as listed (AR-12 or 12).")
        String id;
        @Option(names = "--operator", required = true, paramLabel = "OPERATOR", description = "The deciding manager's ID (audited).")
        String operator;

        abstract boolean approve();

        abstract String reason();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String digits = id.startsWith("AR-") ? id.substring(3) : id;
            if (!digits.matches("\\d{1,18}")) {
                err.println("ID must be a request id as listed, e.g. AR-12");
                return 1;
            }
            try (Connection c = connect()) {
                Approvals.Pending p = Approvals.decide(c, Long.parseLong(digits), operator, approve(), reason());
                out.printf("AR-%d %s by %s: %d rows of agency-%s%s%n", p.id(), approve() ? "approved" : "rejected", operator,
                        p.rows(), p.agency(), approve() ? "; answered at the agency's next poll"
                                : "; the agency gets an .err.p7m with the reason");
                out.flush();
                return 0;
            } catch (Approvals.Refused e) {
                err.println(e.getMessage());
                return 1;
            } catch (IOException | SQLException e) {
                err.println("no running gateway database: " + e.getMessage());
                return 2;
            }
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a waiting request.")
    static final class Approve extends Decision {
        @Override
        boolean approve() {
            return true;
        }

        @Override
        String reason() {
            return null;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject a waiting request; the agency is told why.")
    static final class Reject extends Decision {
        @Option(names = "--reason", required = true, description = "Why (one line, sent to the agency, audited).")
        String reason;

        @Override
        boolean approve() {
            return false;
        }

        @Override
        String reason() {
            return reason;
        }
    }
}
