package jp.tokyo.juki.assembly;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.observe.AggregatedLog;
import jp.tokyo.juki.observe.CsLineErrors;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.cs.CamelFrameDecoderFactory;
import jp.tokyo.juki.wire.DecodeBudget;
import jp.tokyo.juki.wire.FrameDecoder;
import jp.tokyo.juki.wire.LineEvents;
import jp.tokyo.juki.wire.LineGuard;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounds of the CS line a hostile or broken peer runs into (issue 15), bound for
 * routes/cs-listener.camel.yaml: the frame decoder with its frame timeout and the decode budget
 * shared by all connections ({@code #csFrameDecoder}), back-pressure and the idle timeout
 * ({@code #csLineGuard}), and the consumer's exception handler ({@code #csLineErrors}). A
 * connection the gateway closes as a refusal is audited like every other refusal (type
 * {@code CONNECTION}); every closing is logged, one line per reason and interval with a count.
 */
final class CsLineWiring implements LineEvents {
    private static final Logger LOG = LoggerFactory.getLogger(CsLineWiring.class);

    private final AuditTap audit;
    private final AggregatedLog closings = new AggregatedLog(LOG, Duration.ofSeconds(10));

    private CsLineWiring(AuditTap audit) {
        this.audit = audit;
    }

    static void wire(Main main, GatewayConfig config, AuditTap audit) {
        CsLineWiring events = new CsLineWiring(audit);
        int maxFrame = config.getInt("juki.frame.max", FrameDecoder.DEFAULT_MAX);
        DecodeBudget budget = new DecodeBudget(config.getInt("juki.cs.max-pending-decode-bytes", 64 << 20));
        main.bind("csFrameDecoder", new CamelFrameDecoderFactory(new FrameDecoder.Limits(maxFrame,
                Duration.ofSeconds(config.getInt("juki.cs.frame-timeout-seconds", 10)), budget, events)));
        main.bind("csLineGuard", new LineGuard.Factory(new LineGuard.Settings(
                Duration.ofSeconds(config.getInt("juki.cs.idle-timeout-seconds", 120)),
                config.getInt("juki.cs.max-unanswered-requests", 256),
                config.getInt("juki.cs.max-unanswered-bytes", 4 << 20),
                config.getInt("juki.cs.max-unwritten-reply-bytes", 1 << 20), events)));
        main.bind("csLineErrors", new CsLineErrors(Duration.ofSeconds(10)));
    }

    @Override
    public void closing(Channel channel, String code, String reason) {
        String peer = peerOf(channel);
        if (code != null) {
            // an event loop (frame decoder, line guard): it must not wait for a full audit tap
            audit.recordWithoutWaiting(AuditEvent.in(AuditLine.CS, peer, GatewayEvent.CONNECTION).status(AuditStatus.REFUSED)
                    .code(code).detail(reason));
        }
        closings.first(reason, "CS connections closed: " + reason, "CS connection " + channel.id().asShortText()
                + " (" + peer + ") closed: " + reason + (code != null ? " (" + code + ")" : ""), null);
    }

    @Override
    public void paused(Channel channel, String reason) {
        closings.first("paused", "CS connections paused", "CS connection " + channel.id().asShortText() + " ("
                + peerOf(channel) + "): reading paused, " + reason, null);
    }

    private static String peerOf(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        String peer = ssl == null ? null : Identities.peerOf(ssl.engine().getSession());
        return peer == null ? "unknown peer" : peer;
    }
}
