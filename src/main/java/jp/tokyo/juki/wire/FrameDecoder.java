package jp.tokyo.juki.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Splits the byte stream into frames: a 4-byte unsigned big-endian length, then that many
 * bytes. A length of 0 or above the maximum yields {@link Frame#tooLong()} once and the rest
 * of the stream is discarded (the connection is about to close). One instance per channel.
 *
 * <p>A frame that does not arrive in one read is not left to grow in Netty's cumulation buffer
 * (direct memory, grown by doubling: 700 connections each holding 1 MiB − 1 bytes of a frame
 * exhausted the JVM's direct memory, issue 15): once its length is read, its bytes are moved
 * into a heap array of at most that length, and every byte of that array is taken from the
 * listener's shared {@link DecodeBudget} first. A connection whose frame no longer fits the
 * budget is closed ({@code E503}); a frame not complete within the frame timeout after its
 * first byte arrived is too ({@code E100}) — time in which the gateway itself held reading back
 * does not count, and a frame under way gets the whole timeout again when reading resumes. Both
 * are reported to {@link LineEvents} (audited);
 * the peer sees its connection closed, without a reply, since replies to its earlier requests
 * may still be due and must come first.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    public static final int DEFAULT_MAX = 1_048_576;
    /** the first size of a frame's array when its bytes come in several reads */
    private static final int FIRST_PART = 16 * 1024;

    /** The bounds of one listener: frame size, time to complete a frame, the shared budget. */
    public record Limits(int max, Duration frameTimeout, DecodeBudget budget, LineEvents events) {
    }

    private final Limits limits;
    private final int max;
    private boolean broken;
    /** the frame being gathered: its declared length, the array (grown as bytes come), bytes in it */
    private long length = -1;
    private byte[] partial;
    private int filled;
    private ScheduledFuture<?> timer;
    /** the frame timer found reading held back by the gateway at least once since it was armed */
    private boolean heldBackMeanwhile;
    /** allocates a frame's array (a test makes it fail as the JVM does when the heap is exhausted) */
    private final IntFunction<byte[]> allocate;

    /** Without time limit or budget: for clients (the gateway's national client, simulators). */
    public FrameDecoder(int max) {
        this(new Limits(max, null, null, null));
    }

    public FrameDecoder(Limits limits) {
        this(limits, byte[]::new);
    }

    FrameDecoder(Limits limits, IntFunction<byte[]> allocate) {
        this.limits = limits;
        this.max = limits.max();
        this.allocate = allocate;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (true) {
            if (length < 0) {
                if (in.readableBytes() < 4) {
                    break;
                }
                long declared = in.getUnsignedInt(in.readerIndex());
                if (declared < 1 || declared > max) {
                    broken = true;
                    in.skipBytes(in.readableBytes());
                    stopTimer();
                    out.add(Frame.tooLong());
                    return;
                }
                if (in.readableBytes() >= 4 + declared) {
                    // the whole frame is here: no copy into a partial array
                    in.skipBytes(4);
                    byte[] payload = new byte[(int) declared];
                    in.readBytes(payload);
                    stopTimer();
                    out.add(Frame.of(payload));
                    continue;
                }
                in.skipBytes(4);
                length = declared;
                filled = 0;
            }
            int take = (int) Math.min(in.readableBytes(), length - filled);
            if (take == 0) {
                break;
            }
            if (!room(filled + take)) {
                refuse(ctx, ReplyCode.E503.name(), "frames waiting to be decoded on all connections would exceed "
                        + limits.budget().max() + " bytes; connection closed");
                in.skipBytes(in.readableBytes());
                return;
            }
            in.readBytes(partial, filled, take);
            filled += take;
            if (filled < length) {
                break;
            }
            byte[] payload = partial;
            forget();
            stopTimer();
            out.add(Frame.of(payload));
        }
        if (length >= 0 || in.isReadable()) {
            startTimer(ctx);
        }
    }

    /** Whether part of a frame has arrived and not the rest (the frame timeout watches it). */
    boolean midFrame() {
        return !broken && (length >= 0 || actualReadableBytes() > 0);
    }

    /**
     * Makes the partial array hold at least {@code needed} bytes, within the budget. An array that
     * cannot be allocated (OutOfMemoryError) gives its reservation back: before, ~64 of them left
     * the 64 MiB budget used up for good and every frame in several reads was closed E503.
     */
    private boolean room(int needed) {
        int capacity = partial == null ? 0 : partial.length;
        if (needed <= capacity) {
            return true;
        }
        int grown = (int) Math.min(length, Math.max(needed, Math.max(FIRST_PART, 2L * capacity)));
        if (limits.budget() != null && !limits.budget().reserve(grown - capacity)) {
            return false;
        }
        byte[] bigger;
        try {
            bigger = allocate.apply(grown);
        } catch (Throwable t) {
            // OutOfMemoryError above all: what was reserved for the array that does not exist goes back
            if (limits.budget() != null) {
                limits.budget().release(grown - capacity);
            }
            throw t;
        }
        if (partial != null) {
            System.arraycopy(partial, 0, bigger, 0, filled);
        }
        partial = bigger;
        return true;
    }

    /** Drops the partial frame and gives its bytes back to the budget. */
    private void forget() {
        if (partial != null && limits.budget() != null) {
            limits.budget().release(partial.length);
        }
        partial = null;
        length = -1;
        filled = 0;
    }

    private void startTimer(ChannelHandlerContext ctx) {
        Duration timeout = limits.frameTimeout();
        if (timer != null || timeout == null || broken) {
            return;
        }
        timer = ctx.executor().schedule(() -> {
            timer = null;
            if (broken || !ctx.channel().isActive()) {
                return;
            }
            if (readingHeldBack(ctx)) {
                // the rest of the frame waits because the gateway does not read: not the peer's delay
                heldBackMeanwhile = true;
                startTimer(ctx);
                return;
            }
            if (heldBackMeanwhile) {
                // reading resumed since the last check: the peer gets the whole timeout from now on
                heldBackMeanwhile = false;
                startTimer(ctx);
                return;
            }
            refuse(ctx, ReplyCode.E100.name(), "frame not complete within " + timeout.toSeconds()
                    + " s of its first byte; connection closed");
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The gateway reads this connection again after holding it back ({@link LineGuard}): a frame
     * under way gets the whole frame timeout from now, not what was left of it when reading stopped.
     */
    void readingResumed(ChannelHandlerContext ctx) {
        if (timer != null) {
            stopTimer();
            heldBackMeanwhile = false;
            startTimer(ctx);
        }
    }

    /** Whether the gateway itself holds back reading this connection (back-pressure, read-ahead). */
    static boolean readingHeldBack(ChannelHandlerContext ctx) {
        LineGuard guard = ctx.pipeline().get(LineGuard.class);
        return (guard != null && guard.paused()) || !ctx.channel().config().isAutoRead();
    }

    private void stopTimer() {
        heldBackMeanwhile = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void refuse(ChannelHandlerContext ctx, String code, String reason) {
        broken = true;
        forget();
        stopTimer();
        // a connection already being closed (refused over the connection cap) is not refused twice
        if (limits.events() != null && ctx.channel().isActive()) {
            limits.events().closing(ctx.channel(), code, reason);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        broken = true;
        forget();
        stopTimer();
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        broken = true;
        forget();
        stopTimer();
    }
}
