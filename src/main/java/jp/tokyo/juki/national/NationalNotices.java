package jp.tokyo.juki.national;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.wire.Frame;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.apache.camel.Exchange;

/**
 * Frames a queued notice for its national server and judges the answer. A notice keeps the
 * same envelope id on every attempt ({@code <prefix>-<outbox id>}), and its body carries the
 * origin (sender, id), so the national server can drop repeats.
 */
public final class NationalNotices {
    private final String type;
    private final String idPrefix;
    private final String senderCode;
    private final String peer;
    private final AuditTap audit;

    /**
     * @param type       HONNIN_NOTICE (later FUHYO_NOTICE)
     * @param senderCode the gateway's own code on this line (the prefecture, 130001)
     * @param peer       the identity the national server presents
     */
    public NationalNotices(String type, String idPrefix, String senderCode, String peer, AuditTap audit) {
        this.type = type;
        this.idPrefix = idPrefix;
        this.senderCode = senderCode;
        this.peer = peer;
        this.audit = audit;
    }

    public byte[] frame(Exchange exchange) throws IOException {
        long outboxId = exchange.getIn().getHeader(OutboxRelay.OUTBOX_ID, Long.class);
        JsonNode body = Json.MAPPER.readTree(exchange.getIn().getBody(String.class));
        exchange.setProperty("jukiNoticeId", idPrefix + "-" + outboxId);
        exchange.setProperty("jukiNoticePerson", body.path("juminhyoCode").asText());
        Request notice = new Request(idPrefix + "-" + outboxId, type, senderCode, outboxId,
                OffsetDateTime.now(ZoneOffset.ofHours(9)), null, null, body);
        return notice.toBytes();
    }

    /** ACK or DUPLICATE end the delivery; anything else throws so the route retries. */
    public void checkReply(Exchange exchange) throws NationalDeliveryException {
        Frame frame = exchange.getIn().getBody(Frame.class);
        String id = exchange.getProperty("jukiNoticeId", String.class);
        String person = exchange.getProperty("jukiNoticePerson", String.class);
        Reply reply;
        try {
            if (frame == null || frame.oversize()) {
                throw new IOException("no frame");
            }
            reply = Reply.parse(frame.payload());
        } catch (IOException e) {
            audit.record("national", "out", peer, type, id, senderCode, "ERROR", ReplyCode.E100.name(),
                    "unreadable reply", List.of(person));
            throw new NationalDeliveryException("unreadable reply from " + peer);
        }
        audit.record("national", "out", peer, type, id, senderCode, reply.status().name(), reply.code().name(),
                reply.detail(), List.of(person));
        if (reply.status() == Status.NACK) {
            throw new NationalDeliveryException(peer + " answered NACK " + reply.code());
        }
    }
}
