package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import jp.tokyo.juki.deadletter.DeadLetterDesk;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway dlq list|show|replay|discard}: an operator's view of and decision on the
 * running gateway's dead letters (R-REL-DLQ), as a client of the operator API
 * ({@code /api/dlq/*}): logged in with the operator's certificate and password, the gateway's
 * dead-letter desk acts and audits each action and refusal with the operator and terminal
 * before it takes effect (docs/operations/dlq.md). The personal items are revealed only to a
 * role that may (an administrator), with a reason.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Dead letters: notices (and audit records) that could not be delivered after their retries (R-REL-DLQ).",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class, DlqCommand.Discard.class})
public final class DlqCommand {
    static final int DONE = 0;
    static final int REFUSED = 1;
    static final int UNAVAILABLE = 3;

    /** What every dlq action shares: the login, and refusals printed as {@code REFUSED CODE: reason}. */
    abstract static class Action implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;

        PrintWriter out;
        PrintWriter err;

        /** Does the action through the API. */
        abstract int run(ApiClient api) throws IOException, ApiClient.Refused;

        @Override
        public Integer call() {
            err = spec.commandLine().getErr();
            return ApiClient.run(spec, login, (api, o) -> {
                out = o;
                try {
                    return run(api);
                } catch (ApiClient.Refused r) {
                    err.println("REFUSED " + r.code() + ": " + r.getMessage());
                    err.flush();
                    // the gateway's broker or its audit failed: nothing (more) was done
                    return DeadLetterDesk.BROKER_FAILED.equals(r.code()) || DeadLetterDesk.NOT_AUDITED.equals(r.code())
                            ? UNAVAILABLE : REFUSED;
                }
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "One line per dead letter: id, queue, type, origin, attempts, last error code, age. No personal data.")
    static final class ListLetters extends Action {
        @Option(names = "--queue", paramLabel = "DLQ.QUEUE", description = "Only this dead-letter queue (default: every DLQ.* queue).")
        String queue;

        @Override
        int run(ApiClient api) throws IOException, ApiClient.Refused {
            ObjectNode body = ApiClient.body();
            if (queue != null) {
                body.put("queue", queue);
            }
            JsonNode answer = api.post("/api/dlq/list", body);
            Instant now = Instant.parse(answer.path("now").asText());
            JsonNode letters = answer.path("letters");
            out.printf("%d dead letter(s)%s%n", letters.size(), queue == null ? "" : " in " + queue);
            for (JsonNode d : letters) {
                out.printf("%s  %s  %s  origin %s/%s  attempts %d  %s  age %s%n", d.path("id").asText(), d.path("queue").asText(),
                        d.path("type").asText(), text(d, "originSender"), text(d, "originId"), d.path("attempts").asInt(),
                        d.path("errorCode").asText(), DeadLetterDesk.age(Instant.parse(d.path("deadAt").asText()), now));
            }
            out.flush();
            return DONE;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"A dead letter's envelope, error and content, personal items masked (***).",
                    "--reveal shows them: only for a role that may (an administrator) with a --reason; audited."})
    static final class Show extends Action {
        @Parameters(index = "0", paramLabel = "ID", description = "The dead letter, as listed.")
        String id;
        @Option(names = "--reveal", description = "Show the personal items too (administrators only, needs --reason).")
        boolean reveal;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why the personal items must be seen (audited).")
        String reason;

        @Override
        int run(ApiClient api) throws IOException, ApiClient.Refused {
            ObjectNode body = ApiClient.body().put("id", id);
            if (reveal && reason != null) {
                body.put("reason", reason);
            }
            JsonNode d = api.post(reveal ? "/api/dlq/reveal" : "/api/dlq/show", body);
            Instant deadAt = Instant.parse(d.path("deadAt").asText());
            out.printf("dead letter %s%n", d.path("id").asText());
            out.printf("  queue        %s%n", d.path("queue").asText());
            out.printf("  type         %s%n", d.path("type").asText());
            out.printf("  destination  %s (where a replay sends it)%n", d.path("original").asText());
            out.printf("  origin       %s/%s%n", text(d, "originSender"), text(d, "originId"));
            long outbox = d.path("outboxId").asLong(-1);
            out.printf("  outbox id    %s%n", outbox < 0 ? "-" : Long.toString(outbox));
            out.printf("  attempts     %d%n", d.path("attempts").asInt());
            out.printf("  last error   %s %s%n", d.path("errorCode").asText(), d.path("error").asText());
            out.printf("  dead since   %s (%s ago)%n", deadAt, DeadLetterDesk.age(deadAt, Instant.parse(d.path("now").asText())));
            out.printf("  content%s%n", reveal ? " (revealed; audited)" : " (personal items masked; --reveal --reason by an administrator)");
            String content = d.path("body").isTextual() ? d.path("body").asText() : null;
            out.println(content == null ? "  (not text)" : content.indent(4).stripTrailing());
            out.flush();
            return DONE;
        }
    }

    /** Which dead letters to replay: one, or all (of a queue). */
    static final class Which {
        @Parameters(index = "0", paramLabel = "ID", description = "The dead letter, as listed.")
        String id;
        @Option(names = "--all", required = true, description = "Every dead letter (of --queue), in dead-letter order.")
        boolean all;
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Sends dead letters back to the queue they were meant for, each moved in one transaction.",
                    "A notice of a person of whom a later notice was delivered or waits is refused (D409) unless "
                            + "--even-if-superseded: it would overwrite newer data at the national server."})
    static final class Replay extends Action {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;
        @Option(names = "--queue", paramLabel = "DLQ.QUEUE", description = "With --all: only this dead-letter queue.")
        String queue;
        @Option(names = "--even-if-superseded", description = "Replay even a notice that a later one of the same person supersedes.")
        boolean evenIfSuperseded;

        @Override
        int run(ApiClient api) throws IOException, ApiClient.Refused {
            ObjectNode body = ApiClient.body().put("evenIfSuperseded", evenIfSuperseded);
            if (which.all) {
                body.put("all", true);
            } else {
                body.put("id", which.id);
            }
            if (queue != null) {
                body.put("queue", queue);
            }
            JsonNode answer = api.post("/api/dlq/replay", body);
            JsonNode results = answer.path("results");
            for (JsonNode r : results) {
                if (r.path("replayed").asBoolean()) {
                    out.printf("%s replayed to %s%n", r.path("id").asText(), r.path("to").asText());
                } else if (DeadLetterDesk.NO_SUCH.equals(r.path("code").asText())) {
                    err.println(r.path("reason").asText());
                } else {
                    err.println("REFUSED " + r.path("code").asText() + ": " + r.path("reason").asText());
                }
            }
            if (which.all) {
                out.printf("%d of %d dead letter(s) replayed%n", answer.path("replayed").asInt(), answer.path("total").asInt());
            }
            out.flush();
            err.flush();
            return answer.path("replayed").asInt() == answer.path("total").asInt() ? DONE : REFUSED;
        }
    }

    @Command(name = "discard", mixinStandardHelpOptions = true, description = "Removes a dead letter for good; --reason is mandatory and audited.")
    static final class Discard extends Action {
        @Parameters(index = "0", paramLabel = "ID", description = "The dead letter, as listed.")
        String id;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why it is not to be delivered (audited).")
        String reason;

        @Override
        int run(ApiClient api) throws IOException, ApiClient.Refused {
            ObjectNode body = ApiClient.body().put("id", id);
            if (reason != null) {
                body.put("reason", reason);
            }
            if (!api.post("/api/dlq/discard", body).path("discarded").asBoolean()) {
                err.printf("%s was gone before it could be removed (replayed or discarded meanwhile)%n", id);
                err.flush();
                return REFUSED;
            }
            out.printf("%s discarded%n", id);
            out.flush();
            return DONE;
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? v.asText() : "-";
    }
}
