package jp.tokyo.juki.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The CS line's frame decoder and line guard on Netty's {@link EmbeddedChannel} (a real pipeline,
 * its clock under the test's control): the shared decode budget survives a failed allocation, the
 * frame timer counts from when reading resumes, and decoded frames waiting for their answer are
 * bounded in bytes as well as in number (issue 15, review findings 2-4).
 */
class FrameDecoderTest {
    private static final int MIB = 1 << 20;

    /** What the handlers report: the codes of the connections they closed, and the pauses. */
    private static final class Events implements LineEvents {
        final List<String> closed = Collections.synchronizedList(new ArrayList<>());
        final List<String> paused = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void closing(Channel channel, String code, String reason) {
            closed.add(code);
        }

        @Override
        public void paused(Channel channel, String reason) {
            paused.add(reason);
        }
    }

    private static byte[] header(int length) {
        return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    private static byte[] frame(int length) {
        byte[] f = new byte[4 + length];
        System.arraycopy(header(length), 0, f, 0, 4);
        return f;
    }

    @Test
    void anArrayThatCannotBeAllocatedGivesItsReservationBackToTheSharedBudget() {
        DecodeBudget budget = new DecodeBudget(64L * MIB);
        int failures = 0;
        // before the fix each failed allocation kept its reservation: 64 MiB were gone after ~64 of them
        for (int i = 0; i < 200; i++) {
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(new FrameDecoder.Limits(FrameDecoder.DEFAULT_MAX,
                    Duration.ofSeconds(10), budget, new Events()), n -> {
                        throw new OutOfMemoryError("Java heap space (test)");
                    }));
            byte[] part = new byte[4 + 1000];
            System.arraycopy(header(MIB - 1), 0, part, 0, 4);
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(part));
                ch.checkException();
            } catch (OutOfMemoryError expected) {
                failures++;
            }
            ch.finishAndReleaseAll();
            assertThat(budget.used()).as("budget held after failure %d", i + 1).isZero();
        }
        assertThat(failures).isEqualTo(200);
        // and a connection after them still gets its partial frame's array from the budget
        Events events = new Events();
        EmbeddedChannel ok = new EmbeddedChannel(new FrameDecoder(new FrameDecoder.Limits(FrameDecoder.DEFAULT_MAX,
                Duration.ofSeconds(10), budget, events)));
        byte[] part = new byte[4 + 1000];
        System.arraycopy(header(MIB - 1), 0, part, 0, 4);
        ok.writeInbound(Unpooled.wrappedBuffer(part));
        assertThat(ok.isActive()).isTrue();
        assertThat(events.closed).isEmpty();
        assertThat(budget.used()).isPositive();
        ok.finishAndReleaseAll();
        assertThat(budget.used()).isZero();
    }

    @Test
    void aFrameUnderWayGetsTheWholeFrameTimeoutOnceReadingResumes() {
        Events events = new Events();
        DecodeBudget budget = new DecodeBudget(64L * MIB);
        FrameDecoder decoder = new FrameDecoder(new FrameDecoder.Limits(FrameDecoder.DEFAULT_MAX, Duration.ofSeconds(10),
                budget, events));
        // two unanswered requests pause reading
        LineGuard guard = new LineGuard(new LineGuard.Settings(Duration.ofSeconds(600), 2, 4L * MIB, MIB, events));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(decoder, guard);
        byte[] in = new byte[2 * (4 + 10) + 4 + 5];
        System.arraycopy(frame(10), 0, in, 0, 14);
        System.arraycopy(frame(10), 0, in, 14, 14);
        System.arraycopy(header(100), 0, in, 28, 4); // a third frame: its first 5 bytes of 100
        ch.writeInbound(Unpooled.wrappedBuffer(in));
        assertThat(events.paused).hasSize(1);
        assertThat(ch.config().isAutoRead()).isFalse();

        // the gateway holds reading back for 19.5 s (its requests are slow): no fault of the peer's
        ch.advanceTimeBy(10_000, TimeUnit.MILLISECONDS); // the timer finds reading held back and re-arms (20 s)
        ch.runScheduledPendingTasks();
        ch.advanceTimeBy(9_500, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        // both answered: reading resumes, and the peer has 10 s from now to complete its frame
        ch.writeOutbound(new byte[] {1});
        ch.writeOutbound(new byte[] {2});
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.advanceTimeBy(1_000, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        // before the fix: closed here, at 20 s on the timer's old schedule, 0.5 s after reading resumed
        assertThat(events.closed).as("closed 1 s after reading resumed").isEmpty();
        assertThat(ch.isActive()).isTrue();
        ch.advanceTimeBy(8_000, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        // a peer that still does not complete it is closed 10 s after reading resumed
        ch.advanceTimeBy(1_100, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(events.closed).containsExactly("E100");
        assertThat(ch.isActive()).isFalse();
        ch.finishAndReleaseAll();
        assertThat(budget.used()).isZero();
    }

    @Test
    void readingPausesWhenTheUnansweredRequestsHoldTooManyBytesAndResumesAtHalf() {
        Events events = new Events();
        LineGuard guard = new LineGuard(new LineGuard.Settings(Duration.ofSeconds(600), 256, 4L * MIB, MIB, events));
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(new FrameDecoder.Limits(FrameDecoder.DEFAULT_MAX,
                Duration.ofSeconds(10), new DecodeBudget(64L * MIB), events)), guard);
        int size = 900 * 1024;
        int read = 0;
        while (ch.config().isAutoRead() && read < 256) {
            ch.writeInbound(Unpooled.wrappedBuffer(frame(size)));
            read++;
        }
        // before the fix: 256 frames of 900 KiB (225 MiB) were read before the count stopped it
        assertThat(read).as("900 KiB frames read before reading paused").isEqualTo(5);
        assertThat(events.paused).singleElement().asString().contains("exceed " + 4 * MIB + " bytes");
        // the oldest answered first (replies are in request order): 4 frames, 3.5 MiB, are still above half
        ch.writeOutbound(new byte[] {1});
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.writeOutbound(new byte[] {2});
        ch.writeOutbound(new byte[] {3});
        assertThat(ch.config().isAutoRead()).isTrue(); // 2 frames, 1.8 MiB: at most half
        ch.finishAndReleaseAll();
    }
}
