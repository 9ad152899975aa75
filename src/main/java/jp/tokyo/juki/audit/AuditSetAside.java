package jp.tokyo.juki.audit;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link AuditWriter} does with a record the audit store refuses for what it holds: it
 * tells such a refusal from the store's state ({@link #refusedForItsContent}), keeps the record in
 * the audit's dead-letter queue with the SQLSTATE and the reason ({@link #keep}), and puts an
 * {@code AUDIT_SET_ASIDE} record in its place in the chain ({@link #note}).
 */
final class AuditSetAside {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);

    private AuditSetAside() {
    }

    /** One record the store refused: the event as queued, its parsed form, the SQLSTATE and why. */
    record Refused(JsonNode raw, AuditEvent event, String sqlState, String reason) {
    }

    /**
     * True when the store refused what a record holds, which trying again cannot change: a data
     * exception (class 22: too long, not UTF-8, out of range), an integrity violation (class 23: a
     * value missing, an id twice) or a limit (class 54). Everything else is the store's state.
     */
    static boolean refusedForItsContent(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }

    /** Why a record was refused, naming columns and lengths, never a value (it may be anything). */
    static String reason(SQLException e, AuditEvent event) {
        String state = e.getSQLState();
        StringBuilder why = new StringBuilder(switch (state) {
            case "22001" -> "value too long for its column";
            case "22021" -> "character the store cannot hold (e.g. NUL)";
            case "22008" -> "time out of range";
            case "23502" -> "required value missing";
            case "23505" -> "event id written twice";
            default -> state.startsWith("22") ? "data exception" : state.startsWith("23") ? "integrity violation"
                    : "limit exceeded";
        });
        List<String> tooLong = new ArrayList<>();
        String[] names = {"line", "direction", "peer", "msg_type", "msg_id", "sender", "status", "code", "detail",
                "operator_id", "terminal_id", "reason"};
        String[] values = {event.line(), event.direction(), event.peer(), event.type(), event.messageId(),
                event.sender(), event.status(), event.code(), event.detail(), event.operator(), event.terminal(),
                event.reason()};
        int[] widths = {AuditEvent.LINE, AuditEvent.DIRECTION, AuditEvent.PEER, AuditEvent.TYPE,
                AuditEvent.MESSAGE_ID, AuditEvent.SENDER, AuditEvent.STATUS, AuditEvent.CODE, Integer.MAX_VALUE,
                AuditEvent.OPERATOR, AuditEvent.TERMINAL, Integer.MAX_VALUE};
        for (int i = 0; i < names.length; i++) {
            String v = values[i];
            if (v == null) {
                if (i < 2) {
                    tooLong.add(names[i] + " missing");
                }
                continue;
            }
            int length = v.codePointCount(0, v.length());
            if (length > widths[i]) {
                tooLong.add(names[i] + " " + length + " > " + widths[i]);
            }
            if (v.indexOf('\u0000') >= 0) {
                tooLong.add(names[i] + " holds NUL");
            }
        }
        if (!tooLong.isEmpty()) {
            why.append(": ").append(String.join(", ", tooLong));
        }
        return why.toString();
    }

    /**
     * Keeps one record the store refused in the audit's dead-letter queue, in the same JMS
     * transaction that acknowledges its message: the event as it was queued, with the SQLSTATE
     * and the reason (never the value) as properties.
     */
    static void keep(Refused r, MessageProducer deadLetters, Session session, String deadLetterQueue)
            throws JMSException {
        BytesMessage m = session.createBytesMessage();
        m.writeBytes(("[" + r.raw().toString() + "]").getBytes(StandardCharsets.UTF_8));
        m.setStringProperty(AuditWriter.SET_ASIDE_STATE, r.sqlState());
        m.setStringProperty(AuditWriter.SET_ASIDE_REASON, r.reason());
        deadLetters.send(m);
        LOG.error("audit record {} set aside to {}: refused by the audit store ({}: {})", r.event().eventId(),
                deadLetterQueue, r.sqlState(), r.reason());
    }

    /**
     * The record that takes a refused one's place in the chain: which record (its event id), of
     * what (line, type and status, cleaned), who acted and from where (its operator and terminal,
     * cleaned), the SQLSTATE and the reason. Its event id follows from the refused one's, so a batch
     * delivered again writes it once.
     */
    static AuditEvent note(Refused r, String deadLetterQueue) {
        AuditEvent e = r.event();
        AuditEvent note = AuditEvent.of(null, AuditEvent.in(AuditLine.AUDIT, null, GatewayEvent.AUDIT_SET_ASIDE)
                .id(e.eventId().toString()).status(AuditStatus.SET_ASIDE).code(r.sqlState())
                .detail("record of " + AuditEvent.clean(e.line(), AuditEvent.LINE) + " "
                        + AuditEvent.clean(e.type(), AuditEvent.TYPE) + " " + AuditEvent.clean(e.status(), AuditEvent.STATUS)
                        + " at " + e.at() + " refused by the audit store (SQLSTATE " + r.sqlState() + ": " + r.reason()
                        + "); kept in " + deadLetterQueue).operator(e.operator()).terminal(e.terminal()));
        List<String> persons = e.persons().stream().filter(p -> p != null && p.matches("[0-9a-f]{64}")).toList();
        return new AuditEvent(UUID.nameUUIDFromBytes(("audit-set-aside:" + e.eventId()).getBytes(StandardCharsets.UTF_8)),
                note.at(), note.line(), note.direction(), note.peer(), note.type(), note.messageId(), note.sender(),
                note.status(), note.code(), note.detail(), persons, note.operator(), note.terminal(), note.reason());
    }
}
