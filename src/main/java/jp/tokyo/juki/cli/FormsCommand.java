package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway forms list|handed-over|destroyed}: the form register (帳票管理簿) through the
 * operator API ({@code /api/forms/*}); managers and auditors list it, a manager records a
 * hand-over or a destruction.
 */
@Command(name = "forms", mixinStandardHelpOptions = true,
        description = "The form register (帳票管理簿): list, record hand-over and destruction, through the operator API.",
        subcommands = {FormsCommand.ListForms.class, FormsCommand.HandedOver.class, FormsCommand.Destroyed.class})
public final class FormsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The forms printed, newest first.")
    static final class ListForms implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;
        @Option(names = "--request", description = "Only the forms of this disclosure request.")
        String request;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode forms = api.post("/api/forms/list", request == null ? ApiClient.body()
                        : ApiClient.body().put("request", request)).path("forms");
                out.printf("%d form(s)%n", forms.size());
                for (JsonNode f : forms) {
                    out.printf("  %s  %s  %d pages  printed by %s at %s  %s  %s%n", f.path("number").asText(),
                            f.path("request").asText(), f.path("pages").asInt(), f.path("printedBy").asText(),
                            f.path("printedAt").asText(),
                            f.path("handedOverAt").isNull() ? "not handed over"
                                    : "handed over by " + f.path("handedOverBy").asText() + " at " + f.path("handedOverAt").asText(),
                            f.path("destroyedAt").isNull() ? "" : "destroyed by " + f.path("destroyedBy").asText() + " at "
                                    + f.path("destroyedAt").asText() + " (" + f.path("destroyReason").asText() + ")");
                }
                return 0;
            });
        }
    }

    @Command(name = "handed-over", mixinStandardHelpOptions = true, description = "Record that a form was handed over.")
    static final class HandedOver implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;
        @Parameters(index = "0", paramLabel = "FORM", description = "The form's number (D-2026-000001).")
        String form;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode f = api.post("/api/forms/handed-over", ApiClient.body().put("form", form));
                out.printf("%s handed over by %s at %s%n", f.path("number").asText(), f.path("handedOverBy").asText(),
                        f.path("handedOverAt").asText());
                return 0;
            });
        }
    }

    @Command(name = "destroyed", mixinStandardHelpOptions = true, description = "Record that a form was destroyed.")
    static final class Destroyed implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;
        @Parameters(index = "0", paramLabel = "FORM", description = "The form's number.")
        String form;
        @Option(names = "--reason", required = true, description = "Why (a spoiled print, never collected, …).")
        String reason;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode f = api.post("/api/forms/destroyed", ApiClient.body().put("form", form).put("reason", reason));
                out.printf("%s destroyed by %s at %s%n", f.path("number").asText(), f.path("destroyedBy").asText(),
                        f.path("destroyedAt").asText());
                return 0;
            });
        }
    }
}
