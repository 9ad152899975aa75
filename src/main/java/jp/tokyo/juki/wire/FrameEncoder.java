package jp.tokyo.juki.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes a {@code byte[]} payload as one frame: 4-byte big-endian length, then the bytes. */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToByteEncoder<byte[]> {
    @Override
    protected void encode(ChannelHandlerContext ctx, byte[] msg, ByteBuf out) {
        out.writeInt(msg.length);
        out.writeBytes(msg);
    }
}
