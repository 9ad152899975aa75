package jp.tokyo.juki.wire;

import io.netty.channel.Channel;

/**
 * What the CS line's own handlers ({@link FrameDecoder}, {@link LineGuard}) report when they
 * close a connection, so that the gateway can audit refusals and log closings without the wire
 * package knowing about either.
 */
public interface LineEvents {
    /**
     * A connection is being closed by the gateway.
     *
     * @param code   the reply code of a refusal ({@code E100}, {@code E503}), or null when the
     *               closing is not a refusal (an idle connection)
     * @param reason why, without any data of the peer's
     */
    void closing(Channel channel, String code, String reason);

    /** The gateway stopped reading a connection until its replies are taken ({@link LineGuard}). */
    default void paused(Channel channel, String reason) {
    }
}
