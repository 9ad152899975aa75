package jp.tokyo.juki.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import jakarta.jms.JMSException;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.deadletter.DeadLetterDesk;
import jp.tokyo.juki.deadletter.DeadLetterDesk.Refused;
import jp.tokyo.juki.deadletter.DeadLetterSettings;
import jp.tokyo.juki.deadletter.DlqAudit;
import jp.tokyo.juki.platform.BrokerAccess;
import jp.tokyo.juki.deadletter.DeadLetters;
import jp.tokyo.juki.deadletter.DeadLetters.DeadLetter;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.deadletter.PersonalDataMask;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./gateway dlq list|show|replay|discard}: an operator's view of and decision on the
 * running gateway's dead letters (R-REL-DLQ), on its broker (embedded or external). Every action,
 * views included, and every refusal is audited with the operator before it takes effect
 * (docs/operations/dlq.md).
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Dead letters: notices (and audit records) that could not be delivered after their retries (R-REL-DLQ).",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class, DlqCommand.Discard.class})
public final class DlqCommand {
    static final int DONE = 0;
    static final int REFUSED = 1;
    static final int UNAVAILABLE = 3;

    /** What every dlq action shares: the running gateway, the operator, the audit, the desk on the broker. */
    abstract static class Action implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        RunningGatewayOptions gateway;
        @Option(names = "--operator", required = true, paramLabel = "ID",
                description = "Who acts (1-64 of A-Z a-z 0-9 . _ @ -); kept in the audit record.")
        String operator;

        DeadLetterDesk desk;
        PrintWriter out;
        PrintWriter err;

        /** The audit record type of this action, e.g. DLQ_LIST. */
        abstract GatewayEvent type();

        /** Does the action through the desk, which audits before each effect. */
        abstract int run() throws Refused, JMSException, SQLException;

        @Override
        public Integer call() throws Exception {
            GatewayConfig config = gateway.config();
            out = spec.commandLine().getOut();
            err = spec.commandLine().getErr();
            Path auditKey = config.keystoresDir().resolve("audit-hmac.key");
            if (!Files.exists(auditKey)) {
                // a fresh key would make these records unfindable per person (R-AUD-PERSON)
                err.println("nothing done: no audit key at " + auditKey + " (has the gateway run with these keystores?)");
                return UNAVAILABLE;
            }
            PersonHasher hasher = PersonHasher.fromKeyFile(auditKey);
            Connection db;
            try {
                db = RunningGatewayOptions.connect(config);
            } catch (IOException | SQLException e) {
                err.println("nothing done: no running gateway database to audit in (" + e.getMessage() + ")");
                return UNAVAILABLE;
            }
            boolean wellFormed = DeadLetterDesk.wellFormedOperator(operator);
            DlqAudit audit = new DlqAudit(db, hasher, wellFormed ? operator : null);
            try (db) {
                return refusedOrRun(config, db, audit, wellFormed);
            } catch (DlqAudit.NotAudited e) {
                err.println("the audit record could not be written (SQLState " + e.getMessage() + "); nothing more was done");
                return UNAVAILABLE;
            }
        }

        /** Runs the action on the broker; a refusal is printed and audited (on the still open connection). */
        private int refusedOrRun(GatewayConfig config, Connection db, DlqAudit audit, boolean wellFormed) throws SQLException {
            try {
                if (!wellFormed) {
                    throw DeadLetterDesk.malformedOperator();
                }
                BrokerAccess access;
                try {
                    access = BrokerAccess.of(config);
                } catch (IOException e) {
                    DeadLetterDesk.brokerFailed(audit, type(), "no broker: " + e.getClass().getSimpleName());
                    err.println("nothing done: no running gateway broker (" + e.getMessage() + ")");
                    return UNAVAILABLE;
                }
                try (ActiveMQConnectionFactory cf = access.connectionFactory()) {
                    List<String> admins = Arrays.stream(config.get(DeadLetterSettings.ADMINISTRATORS).split(","))
                            .map(String::strip).filter(s -> !s.isEmpty()).toList();
                    desk = new DeadLetterDesk(new DeadLetters(cf), audit, db, admins, operator);
                    return run();
                } catch (JMSException e) {
                    DeadLetterDesk.brokerFailed(audit, type(), "broker: " + e.getClass().getSimpleName());
                    err.println("broker unavailable at " + access.url() + " (" + e.getClass().getSimpleName() + "): "
                            + "what is not reported done was not done");
                    return UNAVAILABLE;
                }
            } catch (Refused r) {
                err.println("REFUSED " + r.code() + ": " + r.getMessage());
                err.flush();
                DeadLetterDesk.refused(audit, type(), r);
                return REFUSED;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "One line per dead letter: id, queue, type, origin, attempts, last error code, age. No personal data.")
    static final class ListLetters extends Action {
        @Option(names = "--queue", paramLabel = "DLQ.QUEUE", description = "Only this dead-letter queue (default: every DLQ.* queue).")
        String queue;

        @Override
        GatewayEvent type() {
            return GatewayEvent.DLQ_LIST;
        }

        @Override
        int run() throws Refused, JMSException {
            List<DeadLetter> letters = desk.list(type(), queue);
            Instant now = Instant.now();
            out.printf("%d dead letter(s)%s%n", letters.size(), queue == null ? "" : " in " + queue);
            for (DeadLetter d : letters) {
                out.printf("%s  %s  %s  origin %s/%s  attempts %d  %s  age %s%n", d.id(), d.queue(), d.type(),
                        orDash(d.originSender()), orDash(d.originId()), d.attempts(), d.errorCode(), age(d.deadAt(), now));
            }
            out.flush();
            return DONE;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"A dead letter's envelope, error and content, personal items masked (***).",
                    "--reveal shows them: only for an administrator (juki.operators.administrators) with a --reason; audited."})
    static final class Show extends Action {
        @Parameters(index = "0", paramLabel = "ID", description = "The dead letter, as listed.")
        String id;
        @Option(names = "--reveal", description = "Show the personal items too (administrators only, needs --reason).")
        boolean reveal;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why the personal items must be seen (audited).")
        String reason;

        @Override
        GatewayEvent type() {
            return reveal ? GatewayEvent.DLQ_REVEAL : GatewayEvent.DLQ_SHOW;
        }

        @Override
        int run() throws Refused, JMSException {
            DeadLetter d = desk.show(type(), id, reveal, reason);
            out.printf("dead letter %s%n", d.id());
            out.printf("  queue        %s%n", d.queue());
            out.printf("  type         %s%n", d.type());
            out.printf("  destination  %s (where a replay sends it)%n", d.original());
            out.printf("  origin       %s/%s%n", orDash(d.originSender()), orDash(d.originId()));
            out.printf("  outbox id    %s%n", d.outboxId() < 0 ? "-" : Long.toString(d.outboxId()));
            out.printf("  attempts     %d%n", d.attempts());
            out.printf("  last error   %s %s%n", d.errorCode(), d.error());
            out.printf("  dead since   %s (%s ago)%n", d.deadAt(), age(d.deadAt(), Instant.now()));
            out.printf("  content%s%n", reveal ? " (revealed; audited)" : " (personal items masked; --reveal --reason by an administrator)");
            String body = reveal ? d.body() : PersonalDataMask.mask(d.body());
            out.println(body == null ? "  (not text)" : body.indent(4).stripTrailing());
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
        GatewayEvent type() {
            return GatewayEvent.DLQ_REPLAY;
        }

        @Override
        int run() throws Refused, JMSException, SQLException {
            if (!which.all) {
                if (queue != null) {
                    throw DeadLetterDesk.invalid("--queue goes with --all");
                }
                return replay(desk.letter(which.id));
            }
            List<DeadLetter> letters = desk.all(queue);
            int refused = 0;
            for (DeadLetter d : letters) {
                try {
                    if (replay(d) != DONE) {
                        refused++;
                    }
                } catch (Refused r) {
                    desk.refused(type(), r);
                    err.println("REFUSED " + r.code() + ": " + r.getMessage());
                    refused++;
                }
            }
            out.printf("%d of %d dead letter(s) replayed%n", letters.size() - refused, letters.size());
            out.flush();
            err.flush();
            return refused == 0 ? DONE : REFUSED;
        }

        private int replay(DeadLetter d) throws Refused, JMSException, SQLException {
            if (!desk.replay(type(), d, evenIfSuperseded)) {
                err.printf("%s was gone before it could be moved (replayed or discarded meanwhile)%n", d.id());
                return REFUSED;
            }
            out.printf("%s replayed to %s%n", d.id(), d.original());
            out.flush();
            return DONE;
        }
    }

    @Command(name = "discard", mixinStandardHelpOptions = true, description = "Removes a dead letter for good; --reason is mandatory and audited.")
    static final class Discard extends Action {
        @Parameters(index = "0", paramLabel = "ID", description = "The dead letter, as listed.")
        String id;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why it is not to be delivered (audited).")
        String reason;

        @Override
        GatewayEvent type() {
            return GatewayEvent.DLQ_DISCARD;
        }

        @Override
        int run() throws Refused, JMSException {
            if (!desk.discard(type(), id, reason)) {
                err.printf("%s was gone before it could be removed (replayed or discarded meanwhile)%n", id);
                return REFUSED;
            }
            out.printf("%s discarded%n", id);
            out.flush();
            return DONE;
        }
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    /** 45s, 12m03s, 5h07m, 3d04h. */
    static String age(Instant since, Instant now) {
        Duration d = Duration.between(since, now);
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        if (d.toMinutes() < 1) {
            return d.toSeconds() + "s";
        }
        if (d.toHours() < 1) {
            return String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
        }
        if (d.toDays() < 1) {
            return String.format("%dh%02dm", d.toHours(), d.toMinutesPart());
        }
        return String.format("%dd%02dh", d.toDays(), d.toHoursPart());
    }
}
