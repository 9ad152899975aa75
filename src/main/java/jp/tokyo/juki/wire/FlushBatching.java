package jp.tokyo.juki.wire;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.apache.camel.component.netty.ChannelHandlerFactory;

/**
 * Frames written one after the other leave in one TLS record and one socket write: Netty's
 * {@link FlushConsolidationHandler} on each connection holds a flush asked for outside a read until the
 * connection's event loop has run what was queued before it (and during a read, until the read is
 * complete), so the replies of one group commit, or a page of notices, are flushed together instead of
 * each on its own. A frame is never held longer than that; every 256 flushes go out at once regardless.
 * The CS listener's first encoder ({@code #csFlushes}); {@link FrameClient} adds one of its own.
 */
public final class FlushBatching extends ChannelHandlerAdapter implements ChannelHandlerFactory {
    /** A handler for one connection (it keeps the connection's pending flush). */
    public static ChannelHandler handler() {
        return new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true);
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return handler();
    }
}
