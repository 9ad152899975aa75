package jp.tokyo.juki.national;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.wire.MessageType;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;

/**
 * How the notices of one store look on the line to its national server, and how their
 * answers are audited. A notice keeps the same envelope id on every attempt
 * ({@code <prefix>-<outbox id>}) and its body carries the origin (sender, id), so the national
 * server can drop repeats.
 */
public final class NationalNotices {
    private final MessageType type;
    private final String idPrefix;
    private final String senderCode;
    private final String peer;
    private final AuditTap audit;

    /**
     * @param type       HONNIN_NOTICE or FUHYO_NOTICE
     * @param senderCode the gateway's own code on this line (the prefecture, 130001)
     * @param peer       the identity the national server presents
     */
    public NationalNotices(MessageType type, String idPrefix, String senderCode, String peer, AuditTap audit) {
        this.type = type;
        this.idPrefix = idPrefix;
        this.senderCode = senderCode;
        this.peer = peer;
        this.audit = audit;
    }

    String idOf(long outboxId) {
        return idPrefix + "-" + outboxId;
    }

    Request notice(long outboxId, JsonNode body) {
        return new Request(idOf(outboxId), type, senderCode, outboxId, OffsetDateTime.now(ZoneOffset.ofHours(9)), null, null, body);
    }

    void auditUnanswered(String id, String person, String why) {
        audit.record(AuditEvent.out(AuditLine.NATIONAL, peer, type).id(id).sender(senderCode)
                .status(AuditStatus.NO_REPLY).code(ReplyCode.E503).detail(why).persons(List.of(person)));
    }

    void audit(String id, String person, Reply reply) {
        // the national server's text, cleaned as for queries: it is a peer's, and may echo what it was sent
        audit.record(AuditEvent.out(AuditLine.NATIONAL, peer, type).id(id).sender(senderCode).reply(reply)
                .detail(NationalQuery.peerText(reply.detail())).persons(List.of(person)));
    }
}
