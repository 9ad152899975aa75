package jp.tokyo.juki.link;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timer side of the hold ({@code routes/my-number-link.camel.yaml}): the purge of what was
 * held beyond the maximum, and a log line an operator can watch — figures only — whenever the
 * hold is not empty or has just changed.
 */
public final class HoldWatch {
    private static final Logger LOG = LoggerFactory.getLogger(HoldWatch.class);

    private final MyNumberLink link;
    private final Clock clock;
    private HoldFigures reported;

    public HoldWatch(MyNumberLink link, Clock clock) {
        this.link = link;
        this.clock = clock;
    }

    public void purge() {
        link.purgeExpired();
    }

    public synchronized void report() {
        HoldFigures now = link.figures();
        if (now.numbers() > 0 || !now.sameCounts(reported)) {
            LOG.info("my-number hold: {}; each erased after its delivery, or after {} days at the latest",
                    now.describe(clock.instant()), link.maxHoldDays());
        }
        reported = now;
    }
}
