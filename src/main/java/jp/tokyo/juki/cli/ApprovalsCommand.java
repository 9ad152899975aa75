package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway approvals list|approve|reject}: a manager's decision on agency requests with more
 * rows than {@code juki.agency.approval-rows} (R-SEC-AUTHZ), through the operator API
 * ({@code /api/approvals/*}) as the operator of the certificate and password given: the decision is
 * recorded and audited under that operator, from that terminal.
 */
@Command(name = "approvals", mixinStandardHelpOptions = true,
        description = "Bulk agency requests waiting for a manager's approval (R-SEC-AUTHZ), through the operator API.",
        subcommands = {ApprovalsCommand.ListWaiting.class, ApprovalsCommand.Approve.class, ApprovalsCommand.Reject.class})
public final class ApprovalsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The requests waiting for a decision.")
    static final class ListWaiting implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode waiting = api.post("/api/approvals/list", ApiClient.body()).path("waiting");
                out.printf("%d request(s) waiting for approval%n", waiting.size());
                for (JsonNode p : waiting) {
                    out.printf("  %s  agency-%s  %d rows  received %s  file %s%n", p.path("id").asText(), p.path("agency").asText(),
                            p.path("rows").asInt(), p.path("receivedAt").asText(), p.path("file").asText());
                }
                return 0;
            });
        }
    }

    /** approve and reject: one decision, by the operator who logs in. */
    abstract static class Decision implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;
        @Parameters(index = "0", paramLabel = "ID", description = "The request, as listed (AR-12 or 12).")
        String id;

        abstract boolean approve();

        abstract String reason();

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                ObjectNode body = ApiClient.body().put("id", id);
                if (reason() != null) {
                    body.put("reason", reason());
                }
                JsonNode p = api.post(approve() ? "/api/approvals/approve" : "/api/approvals/reject", body);
                out.printf("%s %s by %s: %d rows of agency-%s%s%n", p.path("id").asText(), p.path("decision").asText(),
                        p.path("by").asText(), p.path("rows").asInt(), p.path("agency").asText(),
                        approve() ? "; answered at the agency's next poll" : "; the agency gets an .err.p7m with the reason");
                return 0;
            });
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
