package jp.tokyo.juki.cs;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.List;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.observe.AggregatedLog;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.wire.LineEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the CS line's bounds (frame decoder, line guard) and its TLS handshake report: a connection
 * the gateway closes as a refusal, and a refused handshake, are audited like every other refusal
 * (types {@code CONNECTION}, {@code TLS_HANDSHAKE}); every closing and pause is logged, one line
 * per reason and interval with a count.
 */
public final class CsLineEvents implements LineEvents {
    private static final Logger LOG = LoggerFactory.getLogger(CsLineEvents.class);

    private final AuditTap audit;
    private final AggregatedLog closings = new AggregatedLog(LOG, Duration.ofSeconds(10));

    public CsLineEvents(AuditTap audit) {
        this.audit = audit;
    }

    /** A peer whose certificate the CS listener refused in the handshake. */
    public void handshakeRefused(String peer, String why) {
        audit.recordWithoutWaiting("cs", "in", peer, "TLS_HANDSHAKE", null, null, "REFUSED", "TLS", why, List.of());
    }

    @Override
    public void closing(Channel channel, String code, String reason) {
        String peer = peerOf(channel);
        if (code != null) {
            // an event loop (frame decoder, line guard): it must not wait for a full audit tap
            audit.recordWithoutWaiting("cs", "in", peer, "CONNECTION", null, null, "REFUSED", code, reason, List.of());
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
