package jp.tokyo.juki.cs;

import jp.tokyo.juki.wire.FrameDecoder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import org.apache.camel.component.netty.ChannelHandlerFactory;

/**
 * Gives camel-netty a fresh {@link FrameDecoder} per channel (the decoder keeps state, so it
 * must not be shared; camel-netty asks a {@link ChannelHandlerFactory} for each channel). All
 * decoders of the listener share its {@link FrameDecoder.Limits}, and so its decode budget.
 */
public final class CamelFrameDecoderFactory extends ChannelHandlerAdapter implements ChannelHandlerFactory {
    private final FrameDecoder.Limits limits;

    public CamelFrameDecoderFactory(FrameDecoder.Limits limits) {
        this.limits = limits;
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return new FrameDecoder(limits);
    }
}
