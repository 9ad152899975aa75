package jp.tokyo.juki.observe;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jp.tokyo.juki.security.Identities;

/**
 * Counts the open CS connections per municipality: a connection counts from its completed TLS
 * handshake (the municipality code is the one in the CS certificate) until it closes. Shared by
 * all channels of the CS listener, in its pipeline after the frame decoder
 * ({@code decoders: "#csFrameDecoder,#csConnections"}).
 */
@ChannelHandler.Sharable
public final class CsConnections extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<String> MUNICIPALITY = AttributeKey.valueOf("jukiMunicipality");

    private final Map<String, AtomicLong> open = new ConcurrentHashMap<>();
    private final GatewayMetrics metrics;

    public CsConnections(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            String code = ssl == null ? null : Identities.municipalityOf(Identities.peerOf(ssl.engine().getSession()));
            if (code != null && ctx.channel().attr(MUNICIPALITY).setIfAbsent(code) == null) {
                counter(code).incrementAndGet();
            }
        }
        super.userEventTriggered(ctx, evt);
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
