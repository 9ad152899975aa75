package jp.tokyo.juki.assembly;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import jp.tokyo.juki.cs.CamelFrameDecoderFactory;
import jp.tokyo.juki.cs.CsLineEvents;
import jp.tokyo.juki.cs.CsLineSettings;
import jp.tokyo.juki.cs.CsRequests;
import jp.tokyo.juki.cs.ReplyOrder;
import jp.tokyo.juki.observe.CsLineErrors;
import jp.tokyo.juki.security.CamelTls;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.PeerTrustManager;
import jp.tokyo.juki.wire.DecodeBudget;
import jp.tokyo.juki.wire.FrameDecoder;
import jp.tokyo.juki.wire.FlushBatching;
import jp.tokyo.juki.wire.FrameEncoder;
import jp.tokyo.juki.wire.LineGuard;
import jp.tokyo.juki.wire.MessageType;
import org.apache.camel.Processor;

/**
 * The CS line's beans for routes/cs-listener.camel.yaml, one per route step: the TLS context
 * whose refused handshakes are audited ({@code #csTls}), the frame codec with its frame timeout
 * and the decode budget shared by all connections ({@code #csFrameDecoder}, {@code #frameEncoder}),
 * back-pressure and the idle timeout ({@code #csLineGuard}), the consumer's exception handler
 * ({@code #csLineErrors}), and the steps of the route itself: {@code csTicket}, {@code csOpen},
 * {@code csPing}, {@code csFailure}, {@code csAuditTap}, {@code csEncode}, {@code csWrap},
 * {@code csInOrder}. The store and consistency flows the route dispatches to are bound by their own
 * wiring.
 */
final class CsLineWiring {
    private CsLineWiring() {
    }

    /** @param auditBehind why the audit is behind, or null ({@code AuditLag#behind}) */
    static void wire(Assembly a, Set<MessageType> types, Supplier<String> auditBehind)
            throws IOException, GeneralSecurityException {
        CsLineEvents events = new CsLineEvents(a.audit());
        PeerTrustManager csTrust = a.keys().trustManager(Identities.csLine(), "cs", events::handshakeRefused);
        a.bind("csTls", CamelTls.server(a.keys(), Identities.GATEWAY, csTrust));
        a.bind("frameEncoder", new FrameEncoder());
        a.bind("csFlushes", new FlushBatching());
        int maxFrame = a.config().get(CsLineSettings.FRAME_MAX);
        DecodeBudget budget = new DecodeBudget(a.config().get(CsLineSettings.MAX_PENDING_DECODE_BYTES));
        a.bind("csFrameDecoder", new CamelFrameDecoderFactory(new FrameDecoder.Limits(maxFrame,
                a.config().get(CsLineSettings.FRAME_TIMEOUT), budget, events)));
        a.bind("csLineGuard", new LineGuard.Factory(new LineGuard.Settings(
                a.config().get(CsLineSettings.IDLE_TIMEOUT),
                a.config().get(CsLineSettings.MAX_UNANSWERED_REQUESTS),
                a.config().get(CsLineSettings.MAX_UNANSWERED_BYTES),
                a.config().get(CsLineSettings.MAX_UNWRITTEN_REPLY_BYTES), events)));
        a.bind("csLineErrors", new CsLineErrors(Duration.ofSeconds(10)));

        CsRequests cs = new CsRequests(a.tokyo(), types, a.audit(), csTrust::stillTrusted, auditBehind);
        ReplyOrder replyOrder = new ReplyOrder();
        a.bind("csTicket", (Processor) replyOrder::enter);
        a.bind("csOpen", (Processor) cs::open);
        a.bind("csPing", (Processor) cs::ping);
        a.bind("csFailure", (Processor) cs::failure);
        a.bind("csAuditTap", AuditWiring.tapStep(a.config(), cs::tap, a.audit()));
        a.bind("csEncode", (Processor) cs::encode);
        a.bind("csWrap", (Processor) replyOrder::wrap);
        a.bind("csInOrder", replyOrder);
    }
}
