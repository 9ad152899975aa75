package jp.tokyo.juki.wire;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import org.apache.camel.component.netty.ChannelHandlerFactory;

/**
 * Gives camel-netty a fresh {@link FrameDecoder} per channel (the decoder keeps state, so it
 * must not be shared; camel-netty asks a {@link ChannelHandlerFactory} for each channel).
 */
public final class CamelFrameDecoderFactory extends ChannelHandlerAdapter implements ChannelHandlerFactory {
    private final int max;

    public CamelFrameDecoderFactory(int max) {
        this.max = max;
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return new FrameDecoder(max);
    }
}
