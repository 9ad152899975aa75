package jp.tokyo.juki.deadletter;

import jakarta.jms.JMSException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.Actor;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.deadletter.DeadLetters.DeadLetter;

/**
 * An operator's decisions on dead letters (R-REL-DLQ): list, show (masked), reveal (with a
 * reason), replay (refused when a later notice of the same person was delivered or waits, unless
 * forced) and discard (with a reason). Every action and every refusal is audited with the
 * operator and terminal before it takes effect; an action that was allowed and did not happen is
 * audited as FAILED. Who may take which action is the operator API's role check (a reveal is
 * {@code DLQ_REVEAL}, an administrator's); the desk holds the rules of the dead letters
 * themselves. The operator API and the console are its clients; it prints nothing.
 */
public final class DeadLetterDesk {
    public static final String OK = "D200";
    public static final String REVEALED = "D210";
    public static final String INVALID = "D400";
    public static final String NO_SUCH = "D404";
    public static final String SUPERSEDED = "D409";
    public static final String BROKER_FAILED = "D503";
    /** The action's audit record could not be written: nothing was done (the operator API's code for it). */
    public static final String NOT_AUDITED = "A503";

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

    /**
     * What became of one dead letter of a replay.
     *
     * @param letter the dead letter
     * @param moved  true: sent back to {@link DeadLetter#original()}; false: gone before it could be moved, or refused
     * @param code   {@link #OK}, {@link #NO_SUCH} (gone) or the refusal's code
     * @param reason why it was not moved (null when moved)
     */
    public record Replayed(DeadLetter letter, boolean moved, String code, String reason) {
    }

    private final DeadLetters letters;
    private final DataSource db;
    private final PersonHasher hasher;
    private final Supersession supersession;

    /**
     * @param db     the gateway database: where the audit records go and where a replay looks for a
     *               later delivered notice of the same person
     * @param hasher the audit's keyed hash of the person a dead letter concerns
     */
    public DeadLetterDesk(DeadLetters letters, DataSource db, PersonHasher hasher) {
        this.letters = letters;
        this.db = db;
        this.hasher = hasher;
        this.supersession = new Supersession(letters, db);
    }

    /** The dead letters of one queue (or of every DLQ.* queue when null), audited as one view. */
    public List<DeadLetter> list(Actor who, String queue) throws Refused {
        return act(who, GatewayEvent.DLQ_LIST, audit -> {
            checkedQueue(queue);
            audit.record(GatewayEvent.DLQ_LIST, queue == null ? "DLQ.*" : queue, null, DlqAudit.ALLOWED, OK, "list",
                    List.of(), null);
            return letters.list(queue);
        });
    }

    /** One dead letter with its personal items masked. */
    public DeadLetter show(Actor who, String id) throws Refused {
        return act(who, GatewayEvent.DLQ_SHOW, audit -> {
            DeadLetter d = letter(id);
            audit.record(GatewayEvent.DLQ_SHOW, d, DlqAudit.ALLOWED, OK, "masked");
            return d.masked();
        });
    }

    /** One dead letter with its personal items, for a reason (one line of at most 200 characters). */
    public DeadLetter reveal(Actor who, String id, String reason) throws Refused {
        return act(who, GatewayEvent.DLQ_REVEAL, audit -> {
            DeadLetter d = letter(id);
            String why = checkedReason(reason, "--reveal");
            audit.record(GatewayEvent.DLQ_REVEAL, d, DlqAudit.ALLOWED, REVEALED, "revealed: " + why, why);
            return d;
        });
    }

    /**
     * Sends one dead letter back to the queue it was meant for. Refused (D409) when a later notice
     * of the same person supersedes it, unless {@code evenIfSuperseded}; not moved (audited FAILED)
     * when it was gone before it could be moved.
     */
    public Replayed replay(Actor who, String id, boolean evenIfSuperseded) throws Refused {
        return act(who, GatewayEvent.DLQ_REPLAY, audit -> move(audit, letter(id), evenIfSuperseded));
    }

    /**
     * Replays every dead letter (of {@code queue}, or of every DLQ.* queue), in dead-letter order;
     * each refused one (superseded) is audited and stays, the others are moved.
     */
    public List<Replayed> replayAll(Actor who, String queue, boolean evenIfSuperseded) throws Refused {
        return act(who, GatewayEvent.DLQ_REPLAY, audit -> {
            checkedQueue(queue);
            List<Replayed> done = new ArrayList<>();
            for (DeadLetter d : letters.list(queue)) {
                try {
                    done.add(move(audit, d, evenIfSuperseded));
                } catch (Refused r) {
                    audit.record(GatewayEvent.DLQ_REPLAY, r.letter(), DlqAudit.REFUSED, r.code(), r.getMessage());
                    done.add(new Replayed(d, false, r.code(), r.getMessage()));
                } catch (JMSException e) {
                    // the ones moved before stay reported; this one and the rest were not moved
                    audit.record(GatewayEvent.DLQ_REPLAY, d, DlqAudit.FAILED, BROKER_FAILED, "broker: " + e.getClass().getSimpleName());
                    done.add(new Replayed(d, false, BROKER_FAILED, "the gateway's broker failed ("
                            + e.getClass().getSimpleName() + "): it and the dead letters after it were not replayed"));
                    break;
                }
            }
            return done;
        });
    }

    private Replayed move(DlqAudit audit, DeadLetter d, boolean evenIfSuperseded) throws Refused, JMSException, SQLException {
        if (!evenIfSuperseded) {
            String later = supersession.supersededBy(d);
            if (later != null) {
                throw new Refused(SUPERSEDED, d.id() + ": " + later + " (discard it, or --even-if-superseded)", d);
            }
        }
        audit.record(GatewayEvent.DLQ_REPLAY, d, DlqAudit.ALLOWED, OK, "to " + d.original());
        if (!letters.replay(d, audit.operatorId())) {
            audit.record(GatewayEvent.DLQ_REPLAY, d, DlqAudit.FAILED, NO_SUCH, "gone before it was moved");
            return new Replayed(d, false, NO_SUCH, d.id() + " was gone before it could be moved (replayed or discarded meanwhile)");
        }
        return new Replayed(d, true, OK, null);
    }

    /** Removes one dead letter for good, for a reason; false when it was gone before (audited FAILED). */
    public boolean discard(Actor who, String id, String reason) throws Refused {
        return act(who, GatewayEvent.DLQ_DISCARD, audit -> {
            String why = checkedReason(reason, "discard");
            DeadLetter d = letter(id);
            audit.record(GatewayEvent.DLQ_DISCARD, d, DlqAudit.ALLOWED, OK, "discarded: " + why, why);
            if (!letters.discard(d)) {
                audit.record(GatewayEvent.DLQ_DISCARD, d, DlqAudit.FAILED, NO_SUCH, "gone before it was removed");
                return false;
            }
            return true;
        });
    }

    /** Refuses (and audits) a request its client found malformed, e.g. two options that do not go together. */
    public Refused refuse(Actor who, GatewayEvent type, String reason) {
        Refused r = new Refused(INVALID, reason, null);
        try {
            audit(who).record(type, null, DlqAudit.REFUSED, INVALID, reason);
        } catch (DlqAudit.NotAudited e) {
            return notAudited();
        }
        return r;
    }

    /** One action: its refusal audited, a broker that failed audited as FAILED, an audit that failed refused. */
    private <T> T act(Actor who, GatewayEvent type, Step<T> step) throws Refused {
        DlqAudit audit = audit(who);
        try {
            try {
                return step.run(audit);
            } catch (Refused r) {
                audit.record(type, r.letter(), DlqAudit.REFUSED, r.code(), r.getMessage());
                throw r;
            } catch (JMSException e) {
                audit.record(type, null, DlqAudit.FAILED, BROKER_FAILED, "broker: " + e.getClass().getSimpleName());
                throw new Refused(BROKER_FAILED, "the gateway's broker failed (" + e.getClass().getSimpleName()
                        + "): what is not reported done was not done", null);
            } catch (SQLException e) {
                audit.record(type, null, DlqAudit.FAILED, BROKER_FAILED, "database: SQLSTATE " + e.getSQLState());
                throw new Refused(BROKER_FAILED, "the gateway's database failed (SQLSTATE " + e.getSQLState()
                        + "): what is not reported done was not done", null);
            }
        } catch (DlqAudit.NotAudited e) {
            throw notAudited();
        }
    }

    private static Refused notAudited() {
        return new Refused(NOT_AUDITED, "the action could not be audited; nothing more was done", null);
    }

    private interface Step<T> {
        T run(DlqAudit audit) throws Refused, JMSException, SQLException;
    }

    private DlqAudit audit(Actor who) {
        return new DlqAudit(db, hasher, who);
    }

    /** The dead letter with this id, or a refusal. */
    private DeadLetter letter(String id) throws Refused, JMSException {
        if (!DeadLetters.isId(id)) {
            throw new Refused(INVALID, "ID must be a dead letter's id as listed (a UUID)", null);
        }
        Optional<DeadLetter> d = letters.find(id);
        if (d.isEmpty()) {
            throw new Refused(NO_SUCH, "no dead letter " + id + " (./gateway dlq list)", null);
        }
        return d.get();
    }

    /** Refuses anything but a queue in the form DLQ.<queue> (null: every one). */
    private static void checkedQueue(String queue) throws Refused {
        if (queue != null && !QUEUE.matcher(queue).matches()) {
            throw new Refused(INVALID, "--queue: a dead-letter queue, DLQ.<queue>", null);
        }
    }

    /** How long a dead letter has been dead, as the list shows it: 45s, 12m03s, 5h07m, 3d04h. */
    public static String age(Instant since, Instant now) {
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
