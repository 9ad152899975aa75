package jp.tokyo.juki.wire;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.netty.ChannelHandlerFactory;

/**
 * Back-pressure and idle time of one CS connection, in its pipeline right after the
 * {@link FrameDecoder} (it sees whole frames coming in and replies going out):
 * <ul>
 * <li>it stops reading the connection while the peer has {@code maxUnanswered} requests
 * read and not yet answered, or more than {@code maxUnansweredBytes} bytes in such requests (a
 * frame decoded waits in camel-netty's per-channel queue until its turn: 256 frames of up to
 * 1 MiB each would be 256 MiB per connection, issue 15; replies come in request order,
 * {@code cs.ReplyOrder}, so each reply written answers the oldest), or while the replies written
 * and not yet taken by the peer exceed
 * {@code maxUnwrittenBytes} (the channel's write-buffer high-water mark, so
 * {@link io.netty.channel.Channel#isWritable()} turns false); it reads on once half of either is
 * left. A peer that pipelines without reading its replies so holds a bounded amount of the
 * gateway's memory: its own socket buffers fill and it can send no more (issue 15: 600,000
 * pipelined PINGs never read grew the gateway's RSS by 1.1 GiB). When reading resumes, a frame
 * under way gets the whole frame timeout again ({@link FrameDecoder#readingResumed}). Reading
 * stops by switching
 * auto-read off; while paused the guard also withholds the pipeline's {@code read()}, so that the
 * consistency flow, which switches auto-read for its own read-ahead, cannot end the pause (at the
 * end of a pause auto-read is switched on again; the consistency flow re-decides at its next chunk).</li>
 * <li>it closes a connection on which no frame arrived and no reply was taken for
 * {@code idle} (Netty's {@link IdleStateHandler}, all-idle, watching the output too): a
 * {@code PING} keeps a connection open. A connection whose requests are still being worked on
 * (nothing waits to be written) is not idle, nor one still in its TLS handshake (SslHandler's
 * handshake timeout is for that) or with part of a frame in (the frame timeout is for that).</li>
 * </ul>
 */
public final class LineGuard extends IdleStateHandler {
    private final Settings settings;
    private int unanswered;
    /** the sizes of the requests read and not yet answered, oldest first, and their sum */
    private final ArrayDeque<Integer> unansweredSizes = new ArrayDeque<>();
    private long unansweredBytes;
    private boolean paused;

    /** The bounds, shared by all connections of the listener. */
    public record Settings(Duration idle, int maxUnanswered, long maxUnansweredBytes, int maxUnwrittenBytes,
                           LineEvents events) {
    }

    public LineGuard(Settings settings) {
        super(true, 0, 0, settings.idle().toMillis(), TimeUnit.MILLISECONDS);
        this.settings = settings;
    }

    /** A fresh guard per channel for camel-netty's {@code decoders} list. */
    public static final class Factory extends ChannelHandlerAdapter implements ChannelHandlerFactory {
        private final Settings settings;

        public Factory(Settings settings) {
            this.settings = settings;
        }

        @Override
        public ChannelHandler newChannelHandler() {
            return new LineGuard(settings);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        int high = Math.max(2, settings.maxUnwrittenBytes());
        ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(high / 2, high));
        super.handlerAdded(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof Frame frame) {
            unanswered++;
            // the length prefix too: an empty frame still costs something
            int size = frame.payload().length + 4;
            unansweredSizes.addLast(size);
            unansweredBytes += size;
            decide(ctx);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if ((msg instanceof OrderedReply || msg instanceof byte[]) && unanswered > 0) {
            unanswered--;
            Integer size = unansweredSizes.pollFirst();
            unansweredBytes -= size == null ? 0 : size;
        }
        super.write(ctx, msg, promise);
        decide(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        decide(ctx);
        super.channelWritabilityChanged(ctx);
    }

    /**
     * Withholds the reads asked for while paused: the consistency flow switches auto-read on and
     * off for its read-ahead, and its "on" (which asks for a read) must not end this pause.
     */
    @Override
    public void read(ChannelHandlerContext ctx) throws Exception {
        if (paused) {
            return;
        }
        super.read(ctx);
    }

    /** Whether this guard holds back reading now. */
    boolean paused() {
        return paused;
    }

    private void decide(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        boolean tooMany = unanswered >= settings.maxUnanswered();
        boolean tooBig = unansweredBytes > settings.maxUnansweredBytes();
        if (!paused && (tooMany || tooBig || !writable)) {
            paused = true;
            // with auto-read on, Netty's NIO transport keeps reading whatever read() is told
            ctx.channel().config().setAutoRead(false);
            if (settings.events() != null) {
                settings.events().paused(ctx.channel(), tooMany ? unanswered + " requests not answered yet"
                        : tooBig ? "requests not answered yet exceed " + settings.maxUnansweredBytes() + " bytes"
                        : "replies not taken by the peer exceed " + settings.maxUnwrittenBytes() + " bytes");
            }
        } else if (paused && writable && unanswered <= settings.maxUnanswered() / 2
                && unansweredBytes <= settings.maxUnansweredBytes() / 2) {
            paused = false;
            FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
            if (decoder != null) {
                decoder.readingResumed(ctx.pipeline().context(decoder));
            }
            if (ctx.channel().config().isAutoRead()) {
                ctx.read(); // switched on again meanwhile (consistency read-ahead); its read was withheld
            } else {
                // if the consistency flow still wants a pause, it says so again at its next chunk
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) throws Exception {
        if (evt.state() != IdleState.ALL_IDLE || !ctx.channel().isActive()) {
            return;
        }
        // a handshake under way has its own timeout (SslHandler's); a frame under way the frame timeout
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
        if ((ssl != null && !ssl.handshakeFuture().isDone())
                || (decoder != null && decoder.midFrame() && !FrameDecoder.readingHeldBack(ctx))) {
            return;
        }
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        long unwritten = out == null ? 0 : out.totalPendingWriteBytes();
        if (unwritten == 0 && unanswered > 0) {
            return; // the gateway is still working on this connection's requests
        }
        String reason = unwritten > 0
                ? "replies not taken by the peer for " + settings.idle().toSeconds() + " s; connection closed"
                : "no frame for " + settings.idle().toSeconds() + " s; idle connection closed";
        if (settings.events() != null) {
            settings.events().closing(ctx.channel(), null, reason);
        }
        ctx.close();
    }
}
