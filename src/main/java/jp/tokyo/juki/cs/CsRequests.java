package jp.tokyo.juki.cs;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.observe.AggregatedLog;
import jp.tokyo.juki.platform.ExchangeKeys;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.wire.Frame;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.MessageType;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.WireRefusal;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the CS route around the flows: {@link #open} reads a frame's envelope and
 * decides whether the sender may send it; {@link #ping} answers {@code PING};
 * {@link #tap} hands the exchange to the audit; {@link #encode} turns the reply into a frame.
 */
public final class CsRequests {
    private static final Logger LOG = LoggerFactory.getLogger(CsRequests.class);
    private static final AggregatedLog SEQUENCE_LOG = new AggregatedLog(LOG,
            Duration.ofSeconds(10));
    public static final String REFUSED = "REFUSED";
    /** the peer's certificate was revoked or expired since the handshake: no reply, connection closed */
    public static final String UNTRUSTED = "UNTRUSTED";
    /** exchange property: the envelope of a request refused after it was read (for its audit record only) */
    private static final String REFUSED_ENVELOPE = "jukiRefusedEnvelope";

    private final Municipalities tokyo;
    private final Set<MessageType> types;
    private final AuditTap audit;
    private final Predicate<SSLSession> stillTrusted;
    /** null while the audit keeps up, else why not ({@code AuditLag#behind}) */
    private final Supplier<String> auditBehind;
    /** last 更新順番号 per connection (TLS session); weak so closed connections are forgotten */
    private final Map<SSLSession, Long> lastSeq = Collections.synchronizedMap(new WeakHashMap<>());

    /** @param types the message types routed on this listener */
    public CsRequests(Municipalities tokyo, Set<MessageType> types, AuditTap audit,
                      Predicate<SSLSession> stillTrusted) {
        this(tokyo, types, audit, stillTrusted, () -> null);
    }

    /**
     * @param auditBehind null while the audit keeps up, else why not ({@code AuditLag#behind}):
     *                    every request but {@code PING} is then answered E503, nothing applied or
     *                    staged (R-AUD-MSG)
     */
    public CsRequests(Municipalities tokyo, Set<MessageType> types, AuditTap audit,
                      Predicate<SSLSession> stillTrusted,
                      Supplier<String> auditBehind) {
        this.auditBehind = auditBehind;
        this.tokyo = tokyo;
        this.types = Set.copyOf(types);
        this.audit = audit;
        this.stillTrusted = stillTrusted;
    }

    /**
     * Reads the envelope. On success the body stays the frame, the request is in the
     * {@link ExchangeKeys#REQUEST} property and {@link ExchangeKeys#TYPE} names the flow; on
     * refusal the body becomes the NACK and the type is {@link #REFUSED}. While the audit is
     * behind, every request but {@code PING} is refused E503 here, before any flow (an update
     * applied or consistency records staged that the audit could not record are not accepted).
     */
    public void open(Exchange exchange) {
        SSLSession session = exchange.getIn().getHeader("CamelNettySSLSession", SSLSession.class);
        String peer = Identities.peerOf(session);
        exchange.setProperty(ExchangeKeys.PEER, peer);
        exchange.setProperty(ExchangeKeys.PERSONS, List.of());
        Frame frame = exchange.getIn().getBody(Frame.class);
        if (session == null || !stillTrusted.test(session)) {
            // R-SEC-MTLS: a peer that can no longer be authenticated receives nothing
            exchange.setProperty(ExchangeKeys.TYPE, UNTRUSTED);
            exchange.getIn().setBody(null);
            exchange.getIn().setHeader(ExchangeKeys.CLOSE, true);
            return;
        }
        Request request = null;
        try {
            if (frame == null || frame.oversize()) {
                throw new WireRefusal(ReplyCode.E100, "frame length out of bounds", null);
            }
            request = Request.read(frame.payload(), types);
            checkSender(request, peer);
            watchSequence(session, request);
            exchange.setProperty(ExchangeKeys.REQUEST, request);
            if (request.messageType() != MessageType.PING && auditBehind.get() != null) {
                // R-AUD-MSG: what cannot be audited is not accepted; the CS sends it again later
                throw new WireRefusal(ReplyCode.E503, UpdateRequests.AUDIT_BEHIND, request.id());
            }
            exchange.setProperty(ExchangeKeys.TYPE, request.type());
        } catch (WireRefusal refusal) {
            if (request != null) {
                // a readable envelope refused (its sender): its operator and terminal are audited too
                exchange.setProperty(REFUSED_ENVELOPE, request);
            }
            exchange.setProperty(ExchangeKeys.TYPE, REFUSED);
            exchange.getIn().setBody(refusal.toReply());
            if (refusal.code() == ReplyCode.E100) {
                exchange.getIn().setHeader(ExchangeKeys.CLOSE, true);
            }
        }
    }

    /** R-VAL-SRC: the sender is a Tokyo municipality and the one named in the certificate. */
    private void checkSender(Request request, String peer) throws WireRefusal {
        String sender = request.sender();
        if (!CheckDigits.isValidMunicipalityCode(sender)) {
            throw new WireRefusal(ReplyCode.E120, "sender: check digit", request.id());
        }
        if (!tokyo.isMunicipality(sender)) {
            throw new WireRefusal(ReplyCode.E131, "sender: not a municipality of this prefecture", request.id());
        }
        if (!sender.equals(Identities.municipalityOf(peer))) {
            throw new WireRefusal(ReplyCode.E130, "sender: does not match the certificate", request.id());
        }
    }

    /**
     * 更新順番号: a regression on one connection is reported to operators (PROTOCOL §2.2); it is
     * not refused. A CS numbers its messages across all its connections, so gaps seen on one
     * connection are normal when it uses several; they are not reported.
     */
    private void watchSequence(SSLSession session, Request request) {
        if (session == null) {
            return;
        }
        Long previous = lastSeq.put(session, request.seq());
        if (previous != null && request.seq() <= previous) {
            // one line per connection and interval with a count: a peer must not turn its frames into log
            SEQUENCE_LOG.first(session, "sender " + request.sender() + ": sequence regressions on one connection",
                    "sender " + request.sender() + ": sequence " + request.seq() + " after " + previous
                    + " on the same connection (regression)", null);
        }
    }

    public void ping(Exchange exchange) {
        Request request = exchange.getProperty(ExchangeKeys.REQUEST, Request.class);
        exchange.getIn().setBody(Reply.ack(request.id(), "pong", Json.MAPPER.createObjectNode()));
    }

    /** Any unexpected failure of a flow: answered E503 (nothing applied), the cause logged without data. */
    public void failure(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Request request = exchange.getProperty(ExchangeKeys.REQUEST, Request.class);
        LOG.error("request {} failed inside the gateway: {}", request == null ? null : request.id(),
                e == null ? "unknown" : e.getClass().getName());
        exchange.getIn().setBody(Reply.nack(request == null ? null : request.id(), ReplyCode.E503,
                "internal error; nothing was applied"));
    }

    /**
     * Hands the exchange to the audit: the request's type, id, sender, reply and persons, and the
     * envelope's operator and terminal — also for a request refused after its envelope was read.
     */
    @SuppressWarnings("unchecked")
    public void tap(Exchange exchange) {
        if (UNTRUSTED.equals(exchange.getProperty(ExchangeKeys.TYPE))) {
            audit.record(AuditEvent.in(AuditLine.CS, exchange.getProperty(ExchangeKeys.PEER, String.class),
                    (MessageType) null).status(AuditStatus.REFUSED).code("TLS")
                    .detail("certificate revoked or expired since the handshake; connection closed"));
            return;
        }
        Reply reply = exchange.getIn().getBody(Reply.class);
        Request request = exchange.getProperty(ExchangeKeys.REQUEST, Request.class);
        Request envelope = request != null ? request : exchange.getProperty(REFUSED_ENVELOPE, Request.class);
        List<String> persons = exchange.getProperty(ExchangeKeys.PERSONS, List.class);
        MessageType type = request != null ? request.messageType() : null;
        // the envelope's operator and terminal are the peer's word (PROTOCOL §2.2), cleaned like every value
        audit.record(AuditEvent.in(AuditLine.CS, exchange.getProperty(ExchangeKeys.PEER, String.class), type)
                .id(reply.inReplyTo()).sender(request != null ? request.sender() : null).reply(reply)
                .persons(persons).operator(envelope != null ? envelope.operator() : null)
                .terminal(envelope != null ? envelope.terminal() : null));
    }

    public void encode(Exchange exchange) {
        Reply reply = exchange.getIn().getBody(Reply.class);
        exchange.getIn().setBody(reply == null ? null : reply.toBytes());
    }
}
