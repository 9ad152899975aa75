package jp.tokyo.juki.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The retention jobs' clock: the system clock plus an offset that is zero in production. Tests
 * of a running gateway move it (R-RET: "tests move the clock, not the data"); nothing else does.
 */
public final class OffsetClock extends Clock {
    private final Clock base;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public OffsetClock(Clock base) {
        this.base = base;
    }

    /** From now on the clock reads {@code to} (then runs on from there). */
    public void moveTo(Instant to) {
        offset.set(Duration.between(base.instant(), to));
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return base.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the retention clock keeps its zone");
    }
}
