package jp.tokyo.juki.deadletter;

import jakarta.jms.JMSException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.deadletter.DeadLetters.DeadLetter;

/**
 * An operator's decisions on dead letters (R-REL-DLQ): list, show (masked, or revealed to an
 * administrator with a reason), replay (refused when a later notice of the same person was
 * delivered or waits, unless forced) and discard (with a reason). Every action and every refusal
 * is audited with the operator before it takes effect; an action that was allowed and did not
 * happen is audited as FAILED. The command line ({@code ./gateway dlq}) and, later, the operator
 * API are clients of this desk; it prints nothing.
 */
public final class DeadLetterDesk {
    public static final String OK = "D200";
    public static final String REVEALED = "D210";
    public static final String INVALID = "D400";
    public static final String NOT_ADMINISTRATOR = "D403";
    public static final String NO_SUCH = "D404";
    public static final String SUPERSEDED = "D409";
    public static final String BROKER_FAILED = "D503";

    private static final Pattern OPERATOR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern QUEUE = Pattern.compile("DLQ\\.[A-Za-z0-9._-]{1,200}");

    /** A request the desk refuses: a code and a reason (no personal data); audited, nothing done. */
    public static final class Refused extends Exception {
        private final String code;
        private final transient DeadLetter letter;

        Refused(String code, String reason, DeadLetter letter) {
            super(reason, null, false, false);
            this.code = code;
            this.letter = letter;
        }

        public String code() {
            return code;
        }

        /** The dead letter concerned, or null. */
        public DeadLetter letter() {
            return letter;
        }
    }

    private final DeadLetters letters;
    private final DlqAudit audit;
    private final Supersession supersession;
    private final List<String> administrators;
    private final String operator;

    /**
     * @param db             the gateway database: where the audit records go and where a replay
     *                       looks for a later delivered notice of the same person
     * @param administrators operators who may reveal personal items
     */
    public DeadLetterDesk(DeadLetters letters, DlqAudit audit, Connection db, List<String> administrators,
                          String operator) {
        this.letters = letters;
        this.audit = audit;
        this.supersession = new Supersession(letters, db);
        this.administrators = List.copyOf(administrators);
        this.operator = operator;
    }

    /** Whether an operator ID may stand in an audit record: 1-64 of A-Z a-z 0-9 . _ @ -. */
    public static boolean wellFormedOperator(String operator) {
        return operator != null && OPERATOR.matcher(operator).matches();
    }

    /** The refusal of a malformed operator ID (audited without the ID). */
    public static Refused malformedOperator() {
        return new Refused(INVALID, "--operator: 1-64 of A-Z a-z 0-9 . _ @ -", null);
    }

    /** The dead letters of one queue (or of every DLQ.* queue), audited as one view. */
    public List<DeadLetter> list(GatewayEvent type, String queue) throws Refused, JMSException {
        checkedQueue(queue);
        audit.record(type, queue == null ? "DLQ.*" : queue, null, DlqAudit.ALLOWED, OK, "list", List.of());
        return letters.list(queue);
    }

    /** One dead letter to show; with {@code reveal} only for an administrator who gives a reason. */
    public DeadLetter show(GatewayEvent type, String id, boolean reveal, String reason) throws Refused, JMSException {
        DeadLetter d = letter(id);
        if (reveal) {
            if (!administrators.contains(operator)) {
                throw new Refused(NOT_ADMINISTRATOR, operator + " is not an administrator "
                        + "(juki.operators.administrators): personal items stay masked", d);
            }
            String why = checkedReason(reason, "--reveal");
            audit.record(type, d, DlqAudit.ALLOWED, REVEALED, "revealed: " + why, why);
        } else {
            audit.record(type, d, DlqAudit.ALLOWED, OK, "masked");
        }
        return d;
    }

    /** The dead letters a replay of {@code --all} would take (after checking the queue). */
    public List<DeadLetter> all(String queue) throws Refused, JMSException {
        checkedQueue(queue);
        return letters.list(queue);
    }

    /**
     * Sends one dead letter back to the queue it was meant for; false when it was gone before it
     * could be moved (audited FAILED).
     */
    public boolean replay(GatewayEvent type, DeadLetter d, boolean evenIfSuperseded) throws Refused, JMSException, SQLException {
        if (!evenIfSuperseded) {
            String later = supersession.supersededBy(d);
            if (later != null) {
                throw new Refused(SUPERSEDED, d.id() + ": " + later + " (discard it, or --even-if-superseded)", d);
            }
        }
        audit.record(type, d, DlqAudit.ALLOWED, OK, "to " + d.original());
        if (!letters.replay(d, operator)) {
            audit.record(type, d, DlqAudit.FAILED, NO_SUCH, "gone before it was moved");
            return false;
        }
        return true;
    }

    /** Removes one dead letter for good; false when it was gone before (audited FAILED). */
    public boolean discard(GatewayEvent type, String id, String reason) throws Refused, JMSException {
        String why = checkedReason(reason, "discard");
        DeadLetter d = letter(id);
        audit.record(type, d, DlqAudit.ALLOWED, OK, "discarded: " + why, why);
        if (!letters.discard(d)) {
            audit.record(type, d, DlqAudit.FAILED, NO_SUCH, "gone before it was removed");
            return false;
        }
        return true;
    }

    /** The dead letter with this id, or a refusal. */
    public DeadLetter letter(String id) throws Refused, JMSException {
        if (!DeadLetters.isId(id)) {
            throw new Refused(INVALID, "ID must be a dead letter's id as listed (a UUID)", null);
        }
        Optional<DeadLetter> d = letters.find(id);
        if (d.isEmpty()) {
            throw new Refused(NO_SUCH, "no dead letter " + id + " (./gateway dlq list)", null);
        }
        return d.get();
    }

    /** A refusal, audited. */
    public void refused(GatewayEvent type, Refused r) {
        refused(audit, type, r);
    }

    /** A refusal, audited; also for one refused before a desk could be opened (a malformed operator). */
    public static void refused(DlqAudit audit, GatewayEvent type, Refused r) {
        audit.record(type, r.letter(), DlqAudit.REFUSED, r.code(), r.getMessage());
    }

    /** An allowed action the broker did not carry out, audited. */
    public static void brokerFailed(DlqAudit audit, GatewayEvent type, String detail) {
        audit.record(type, null, DlqAudit.FAILED, BROKER_FAILED, detail);
    }

    /** Refuses anything but a {@code --queue} option in the form DLQ.<queue>. */
    public static String checkedQueue(String queue) throws Refused {
        if (queue != null && !QUEUE.matcher(queue).matches()) {
            throw new Refused(INVALID, "--queue: a dead-letter queue, DLQ.<queue>", null);
        }
        return queue;
    }

    /** A usage refusal of the command line (e.g. two options that do not go together). */
    public static Refused invalid(String reason) {
        return new Refused(INVALID, reason, null);
    }

    static String checkedReason(String reason, String what) throws Refused {
        if (reason == null || reason.isBlank()) {
            throw new Refused(INVALID, what + " needs --reason", null);
        }
        if (reason.length() > 200 || reason.chars().anyMatch(Character::isISOControl)) {
            throw new Refused(INVALID, "--reason: one line of at most 200 characters", null);
        }
        return reason.strip();
    }
}
