package jp.tokyo.juki.observe;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the open CS connections per municipality: a connection counts from its completed TLS
 * handshake (the municipality code is the one in the CS certificate) until it closes. Shared by
 * all channels of the CS listener, in its pipeline after the frame decoder
 * ({@code decoders: "#csFrameDecoder,#csLineGuard,#csConnections"}).
 *
 * <p>A municipality may hold at most {@code maxPerMunicipality} connections
 * ({@code juki.cs.max-connections-per-peer}): one more is answered, right after its handshake
 * and before it sent anything, with one {@code NACK E503} ({@code inReplyTo} null, the detail
 * says why) and closed; the refusal is audited (issue 15: one CS held 700 connections).
 */
@ChannelHandler.Sharable
public final class CsConnections extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(CsConnections.class);
    private static final AttributeKey<String> MUNICIPALITY = AttributeKey.valueOf("jukiMunicipality");
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("jukiConnectionRefused");

    /** Where a refused connection is recorded (the audit). */
    @FunctionalInterface
    public interface Refusals {
        void refused(String peer, String code, String detail);
    }

    private final Map<String, AtomicLong> open = new ConcurrentHashMap<>();
    private final GatewayMetrics metrics;
    private final int maxPerMunicipality;
    private final Refusals refusals;
    private final AggregatedLog refusedLog = new AggregatedLog(LOG, Duration.ofSeconds(10));

    /** Counts only, without a cap (tools and tests). */
    public CsConnections(GatewayMetrics metrics) {
        this(metrics, Integer.MAX_VALUE, (peer, code, detail) -> { });
    }

    public CsConnections(GatewayMetrics metrics, int maxPerMunicipality, Refusals refusals) {
        this.metrics = metrics;
        this.maxPerMunicipality = maxPerMunicipality;
        this.refusals = refusals;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            String peer = ssl == null ? null : Identities.peerOf(ssl.engine().getSession());
            String code = Identities.municipalityOf(peer);
            if (code != null && ctx.channel().attr(MUNICIPALITY).get() == null) {
                AtomicLong counter = counter(code);
                if (counter.incrementAndGet() > maxPerMunicipality) {
                    counter.decrementAndGet();
                    refuse(ctx, peer);
                    return;
                }
                ctx.channel().attr(MUNICIPALITY).set(code);
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    private void refuse(ChannelHandlerContext ctx, String peer) {
        String detail = "too many connections for this certificate (at most " + maxPerMunicipality
                + "); connection closed";
        ctx.channel().attr(REFUSED).set(true);
        refusals.refused(peer, ReplyCode.E503.name(), detail);
        refusedLog.first(peer, "CS " + peer + ": connections refused over the limit of " + maxPerMunicipality,
                "CS " + peer + ": " + detail, null);
        // written at once (this is the channel's event loop), then closed: nothing it sends is processed
        ctx.writeAndFlush(Reply.nack(null, ReplyCode.E503, detail).toBytes());
        ctx.close();
    }

    /** Frames that arrive on a refused connection before it is closed are not processed. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (Boolean.TRUE.equals(ctx.channel().attr(REFUSED).get())) {
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        String code = ctx.channel().attr(MUNICIPALITY).getAndSet(null);
        if (code != null) {
            counter(code).decrementAndGet();
        }
        super.channelInactive(ctx);
    }

    private AtomicLong counter(String municipality) {
        return open.computeIfAbsent(municipality, m -> metrics.sampled("juki_cs_connections",
                "Open CS connections, by municipality code", "municipality", m));
    }

    /** Open connections by municipality code (those with none left are listed with 0). */
    public Map<String, Long> byMunicipality() {
        Map<String, Long> copy = new TreeMap<>();
        open.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }
}
