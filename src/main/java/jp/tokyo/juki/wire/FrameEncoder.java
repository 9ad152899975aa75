package jp.tokyo.juki.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a payload as one frame: 4-byte big-endian length, then the bytes. Takes a plain
 * {@code byte[]} or an {@link OrderedReply}, whose signal it completes once written.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToByteEncoder<Object> {
    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof byte[] || msg instanceof OrderedReply;
    }

    /**
     * Signals an {@link OrderedReply} only after its frame has been passed down the pipeline: a
     * reply released by the signal may be written re-entrantly on this thread, and must come
     * after this one.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        try {
            super.write(ctx, msg, promise);
        } finally {
            if (msg instanceof OrderedReply ordered) {
                ordered.written().complete(null);
            }
        }
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
        if (msg instanceof OrderedReply ordered) {
            out.writeInt(ordered.payload().length);
            out.writeBytes(ordered.payload());
        } else {
            byte[] bytes = (byte[]) msg;
            out.writeInt(bytes.length);
            out.writeBytes(bytes);
        }
    }
}
