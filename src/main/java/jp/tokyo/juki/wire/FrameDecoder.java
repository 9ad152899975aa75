package jp.tokyo.juki.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into frames: a 4-byte unsigned big-endian length, then that many
 * bytes. A length of 0 or above the maximum yields {@link Frame#tooLong()} once and the rest
 * of the stream is discarded (the connection is about to close). One instance per channel.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    public static final int DEFAULT_MAX = 1_048_576;

    private final int max;
    private boolean broken;

    public FrameDecoder(int max) {
        this.max = max;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= 4) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length < 1 || length > max) {
                broken = true;
                in.skipBytes(in.readableBytes());
                out.add(Frame.tooLong());
                return;
            }
            if (in.readableBytes() < 4 + length) {
                return;
            }
            in.skipBytes(4);
            byte[] payload = new byte[(int) length];
            in.readBytes(payload);
            out.add(Frame.of(payload));
        }
    }
}
