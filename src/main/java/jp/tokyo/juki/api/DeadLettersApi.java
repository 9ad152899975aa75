package jp.tokyo.juki.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.audit.Actor;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.deadletter.DeadLetterDesk;
import jp.tokyo.juki.deadletter.DeadLetterDesk.Refused;
import jp.tokyo.juki.deadletter.DeadLetterDesk.Replayed;
import jp.tokyo.juki.deadletter.DeadLetters.DeadLetter;
import jp.tokyo.juki.operator.Authenticated;
import org.apache.camel.Exchange;

/**
 * The dead letters on the operator API ({@code routes/operator-dlq.camel.yaml}; R-REL-DLQ):
 * {@code POST /api/dlq/list}, {@code show} (masked), {@code reveal} (the personal items, with a
 * reason: {@code DLQ_REVEAL}, an administrator's), {@code replay} and {@code discard} (with a
 * reason), each through {@link DeadLetterDesk} as the session's operator at its terminal. A
 * refusal of the desk is answered with its code ({@code D400}, {@code D404}, {@code D409},
 * {@code D503}, {@code A503}) and reason.
 */
public final class DeadLettersApi {
    private final DeadLetterDesk desk;

    public DeadLettersApi(DeadLetterDesk desk) {
        this.desk = desk;
    }

    /** {@code {"queue": "DLQ.…"?}} → the dead letters, without their content, and the gateway's time. */
    public void list(Exchange e) {
        String queue = ApiReply.text(body(e), "queue");
        try {
            List<Map<String, Object>> letters = new ArrayList<>();
            for (DeadLetter d : desk.list(actor(e), queue)) {
                letters.add(summary(d));
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("queue", queue);
            answer.put("now", Instant.now().toString());
            answer.put("letters", letters);
            ApiReply.ok(e, answer);
        } catch (Refused r) {
            refuse(e, r);
        }
    }

    /** {@code {"id": …}} → the dead letter with its content masked. */
    public void show(Exchange e) {
        try {
            ApiReply.ok(e, detail(desk.show(actor(e), ApiReply.text(body(e), "id")), false));
        } catch (Refused r) {
            refuse(e, r);
        }
    }

    /** {@code {"id": …, "reason": …}} → the dead letter with its personal items. */
    public void reveal(Exchange e) {
        JsonNode body = body(e);
        try {
            ApiReply.ok(e, detail(desk.reveal(actor(e), ApiReply.text(body, "id"), ApiReply.text(body, "reason")), true));
        } catch (Refused r) {
            refuse(e, r);
        }
    }

    /**
     * {@code {"id": …}} or {@code {"all": true, "queue": …?}}, with {@code "evenIfSuperseded": true}
     * to replay a superseded notice → what became of each ({@code replayed}: moved or not).
     */
    public void replay(Exchange e) {
        JsonNode body = body(e);
        Actor who = actor(e);
        String id = ApiReply.text(body, "id");
        String queue = ApiReply.text(body, "queue");
        boolean all = body.path("all").asBoolean(false);
        boolean even = body.path("evenIfSuperseded").asBoolean(false);
        try {
            List<Replayed> done;
            if (all == (id != null)) {
                throw desk.refuse(who, GatewayEvent.DLQ_REPLAY, "give one dead letter's ID or --all");
            } else if (!all && queue != null) {
                throw desk.refuse(who, GatewayEvent.DLQ_REPLAY, "--queue goes with --all");
            } else if (all) {
                done = desk.replayAll(who, queue, even);
            } else {
                done = List.of(desk.replay(who, id, even));
            }
            List<Map<String, Object>> results = new ArrayList<>();
            int moved = 0;
            for (Replayed r : done) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", r.letter().id());
                m.put("to", r.letter().original());
                m.put("replayed", r.moved());
                m.put("code", r.code());
                m.put("reason", r.reason());
                results.add(m);
                moved += r.moved() ? 1 : 0;
            }
            ApiReply.ok(e, Map.of("replayed", moved, "total", done.size(), "results", results));
        } catch (Refused r) {
            refuse(e, r);
        }
    }

    /** {@code {"id": …, "reason": …}} → whether it was removed (false: it was gone before). */
    public void discard(Exchange e) {
        JsonNode body = body(e);
        String id = ApiReply.text(body, "id");
        try {
            boolean removed = desk.discard(actor(e), id, ApiReply.text(body, "reason"));
            ApiReply.ok(e, Map.of("id", id, "discarded", removed));
        } catch (Refused r) {
            refuse(e, r);
        }
    }

    /** The session's operator and terminal, as the desk records them. */
    public static Actor actor(Exchange e) {
        Authenticated s = e.getProperty(ApiGate.SESSION, Authenticated.class);
        return new Actor(s.operatorId(), s.terminal());
    }

    /** The HTTP status of a desk's refusal code. */
    public static int status(String code) {
        return switch (code) {
            case DeadLetterDesk.NO_SUCH -> 404;
            case DeadLetterDesk.SUPERSEDED -> 409;
            case DeadLetterDesk.BROKER_FAILED, DeadLetterDesk.NOT_AUDITED -> 503;
            default -> 400;
        };
    }

    private static void refuse(Exchange e, Refused r) {
        ApiReply.refuse(e, status(r.code()), r.code(), r.getMessage());
    }

    private static JsonNode body(Exchange e) {
        return e.getProperty(ApiGate.BODY, JsonNode.class);
    }

    /** What the list shows of a dead letter: no content, no error text. */
    private static Map<String, Object> summary(DeadLetter d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("queue", d.queue());
        m.put("type", d.type());
        m.put("originSender", d.originSender());
        m.put("originId", d.originId());
        m.put("attempts", d.attempts());
        m.put("errorCode", d.errorCode());
        m.put("deadAt", d.deadAt().toString());
        return m;
    }

    private static Map<String, Object> detail(DeadLetter d, boolean revealed) {
        Map<String, Object> m = summary(d);
        m.put("original", d.original());
        m.put("outboxId", d.outboxId());
        m.put("error", d.error());
        m.put("now", Instant.now().toString());
        m.put("revealed", revealed);
        m.put("body", d.body());
        return m;
    }
}
