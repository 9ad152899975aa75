package jp.tokyo.juki.assembly;

import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import jp.tokyo.juki.cs.CamelFrameDecoderFactory;
import jp.tokyo.juki.cs.CsLineEvents;
import jp.tokyo.juki.cs.CsRequests;
import jp.tokyo.juki.cs.ReplyOrder;
import jp.tokyo.juki.observe.CsLineErrors;
import jp.tokyo.juki.security.CamelTls;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.PeerTrustManager;
import jp.tokyo.juki.wire.DecodeBudget;
import jp.tokyo.juki.wire.FrameDecoder;
import jp.tokyo.juki.wire.FrameEncoder;
import jp.tokyo.juki.wire.LineGuard;
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
    static void wire(Assembly a, Set<String> types, Supplier<String> auditBehind)
            throws java.io.IOException, java.security.GeneralSecurityException {
        CsLineEvents events = new CsLineEvents(a.audit());
        PeerTrustManager csTrust = a.keys().trustManager(Identities.csLine(), "cs", events::handshakeRefused);
        a.bind("csTls", CamelTls.server(a.keys(), Identities.GATEWAY, csTrust));
        a.bind("frameEncoder", new FrameEncoder());
        int maxFrame = a.config().getInt("juki.frame.max", FrameDecoder.DEFAULT_MAX);
        DecodeBudget budget = new DecodeBudget(a.config().getInt("juki.cs.max-pending-decode-bytes", 64 << 20));
        a.bind("csFrameDecoder", new CamelFrameDecoderFactory(new FrameDecoder.Limits(maxFrame,
                Duration.ofSeconds(a.config().getInt("juki.cs.frame-timeout-seconds", 10)), budget, events)));
        a.bind("csLineGuard", new LineGuard.Factory(new LineGuard.Settings(
                Duration.ofSeconds(a.config().getInt("juki.cs.idle-timeout-seconds", 120)),
                a.config().getInt("juki.cs.max-unanswered-requests", 256),
                a.config().getInt("juki.cs.max-unanswered-bytes", 4 << 20),
                a.config().getInt("juki.cs.max-unwritten-reply-bytes", 1 << 20), events)));
        a.bind("csLineErrors", new CsLineErrors(Duration.ofSeconds(10)));

        CsRequests cs = new CsRequests(a.tokyo(), types, a.audit(), csTrust::stillTrusted, auditBehind);
        ReplyOrder replyOrder = new ReplyOrder();
        a.bind("csTicket", (Processor) replyOrder::enter);
        a.bind("csOpen", (Processor) cs::open);
        a.bind("csPing", (Processor) cs::ping);
        a.bind("csFailure", (Processor) cs::failure);
        a.bind("csAuditTap", (Processor) cs::tap);
        a.bind("csEncode", (Processor) cs::encode);
        a.bind("csWrap", (Processor) replyOrder::wrap);
        a.bind("csInOrder", replyOrder);
    }
}
