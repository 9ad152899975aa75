package jp.tokyo.juki.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * How far the audit record is behind what the gateway has done (R-AUD-MSG: every message is
 * recorded): the age of the oldest record tapped and not yet written — held by the tap, or in the
 * writers' hands ({@link AuditWriter#oldestUnwritten}: a writer's last batch counts until its next
 * receive takes the next one or finds the broker's queue empty, so records waiting in the queue
 * behind it, or rolled back into it after a failed write, are counted by the batch before them,
 * and a writer whose queue is empty counts nothing: the lag falls back to zero once everything is
 * written, with or without further traffic). Past {@code juki.audit.max-lag-seconds}, or with the tap
 * full, the audit is {@link #behind}: readiness is DOWN (observe) and the CS line answers updates
 * E503 with nothing applied, rather than accept what it cannot audit. Nothing is remembered: as
 * soon as the writer catches up, the gateway accepts again.
 */
public final class AuditLag {
    private final AuditTap tap;
    private final AuditWriter writer;
    private final Duration max;
    private final Clock clock;

    public AuditLag(AuditTap tap, AuditWriter writer, Duration max, Clock clock) {
        this.tap = tap;
        this.writer = writer;
        this.max = max;
        this.clock = clock;
    }

    /** The bound past which the audit is behind. */
    public Duration max() {
        return max;
    }

    /** The age of the oldest record not yet written (zero when none waits). */
    public Duration lag() {
        Instant a = tap.oldestUnsent();
        Instant b = writer.oldestUnwritten();
        Instant oldest = a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
        if (oldest == null) {
            return Duration.ZERO;
        }
        Duration lag = Duration.between(oldest, clock.instant());
        return lag.isNegative() ? Duration.ZERO : lag;
    }

    /** Null while the audit keeps up; otherwise why not (figures and an SQLSTATE only, no data). */
    public String behind() {
        if (tap.full()) {
            return "audit tap full (" + tap.pending() + " records waiting)" + problem();
        }
        Duration lag = lag();
        if (lag.compareTo(max) > 0) {
            return String.format(Locale.ROOT, "audit %.1f s behind (bound %d s, %d records in the tap)",
                    lag.toMillis() / 1000.0, max.toSeconds(), tap.pending()) + problem();
        }
        return null;
    }

    private String problem() {
        String p = writer.problem();
        return p == null ? "" : "; writer: " + p;
    }

    public AuditTap tap() {
        return tap;
    }

    public AuditWriter writer() {
        return writer;
    }
}
