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
 * {@code ./gateway corrections register|list|decide}: correction and stop-of-use requests
 * (訂正・追加・削除の申出, 利用停止請求), a manager's, through the operator API
 * ({@code /api/corrections/*}); the decision by another manager than the registrar.
 */
@Command(name = "corrections", mixinStandardHelpOptions = true,
        description = "Correction and stop-of-use requests: register, list, decide, through the operator API.",
        subcommands = {CorrectionsCommand.Register.class, CorrectionsCommand.ListCorrections.class,
                CorrectionsCommand.Decide.class})
public final class CorrectionsCommand {

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a request for the person of a MATCHED disclosure request.")
    static final class Register implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;
        @Parameters(index = "0", paramLabel = "REQUEST", description = "The MATCHED disclosure request (K-2026-000001).")
        String request;
        @Option(names = "--kind", required = true, description = "CORRECTION, ADDITION, DELETION or STOP_USE.")
        String kind;
        @Option(names = "--asked", required = true, description = "What is asked (stored, never logged).")
        String asked;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode c = api.post("/api/corrections/register", ApiClient.body().put("request", request).put("kind", kind)
                        .put("asked", asked));
                out.printf("%s %s registered (%s)%n", c.path("number").asText(), c.path("kind").asText(), c.path("status").asText());
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The requests and where they stand.")
    static final class ListCorrections implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;
        @Option(names = "--open", description = "Only those not decided.")
        boolean open;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode list = api.post("/api/corrections/list", ApiClient.body().put("open", open)).path("corrections");
                out.printf("%d request(s)%n", list.size());
                for (JsonNode c : list) {
                    out.printf("  %s  %-10s  %-12s  on %s  registered by %s%s%n", c.path("number").asText(),
                            c.path("kind").asText(), c.path("status").asText(), c.path("request").asText(),
                            c.path("registeredBy").asText(), c.path("decidedBy").isNull() ? ""
                                    : "  decided by " + c.path("decidedBy").asText());
                }
                return 0;
            });
        }
    }

    @Command(name = "decide", mixinStandardHelpOptions = true,
            description = "Record the next step: FORWARDED, UNDER_REVIEW, ACCEPTED or REJECTED (with --reason).")
    static final class Decide implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;
        @Parameters(index = "0", paramLabel = "CORRECTION", description = "The request's number (C-2026-000001).")
        String correction;
        @Option(names = "--status", required = true, description = "FORWARDED, UNDER_REVIEW, ACCEPTED or REJECTED.")
        String status;
        @Option(names = "--reason", description = "The reason (required for REJECTED).")
        String reason;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                ObjectNode body = ApiClient.body().put("correction", correction).put("status", status);
                if (reason != null) {
                    body.put("reason", reason);
                }
                JsonNode c = api.post("/api/corrections/decide", body);
                out.printf("%s %s by %s%n", c.path("number").asText(), c.path("status").asText(), c.path("updatedBy").asText());
                return 0;
            });
        }
    }
}
