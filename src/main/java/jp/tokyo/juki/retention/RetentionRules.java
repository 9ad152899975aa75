package jp.tokyo.juki.retention;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The cut-off and schedule rules of the retention jobs, as pure functions of the job's clock:
 * periods are counted in Japan's calendar (a year is a calendar year, so 150 years after
 * 2026-12-06 is 2176-12-06 whatever the leap days), and each job runs once a day at the
 * configured time, catching up at once on a run it missed while the gateway was down.
 */
public final class RetentionRules {
    /** Periods and the daily time are Japan time. */
    public static final ZoneId JST = ZoneId.of("Asia/Tokyo");

    private RetentionRules() {
    }

    /** What is older than the answer (strictly) is past its period at {@code now}. */
    public static Instant cutoff(RetentionJob job, Instant now, RetentionSettings s) {
        ZonedDateTime t = now.atZone(JST);
        return switch (job) {
            case HISTORY -> t.minusYears(s.historyYears()).toInstant();
            case ACCEPTED_REQUESTS -> t.minusDays(s.acceptedRequestDays()).toInstant();
            case PROVISIONS -> t.minusYears(s.provisionYears()).toInstant();
            case AUDIT_ARCHIVES -> t.minusYears(s.auditArchiveYears()).toInstant();
        };
    }

    /** The latest daily slot at or before {@code now}: today's time of day if it has passed, else yesterday's. */
    public static Instant lastSlot(Instant now, LocalTime at) {
        ZonedDateTime today = now.atZone(JST).toLocalDate().atTime(at).atZone(JST);
        return (today.toInstant().isAfter(now) ? today.minusDays(1) : today).toInstant();
    }

    /** Whether a scheduled run is due: none has started since the latest slot ({@code lastScheduled} null: none ever). */
    public static boolean due(Instant now, Instant lastScheduled, LocalTime at) {
        return lastScheduled == null || lastScheduled.isBefore(lastSlot(now, at));
    }

    /** When the next scheduled run starts: {@code now} when one is due, else the next slot. */
    public static Instant nextRun(Instant now, Instant lastScheduled, LocalTime at) {
        if (due(now, lastScheduled, at)) {
            return now;
        }
        return lastSlot(now, at).atZone(JST).plusDays(1).toInstant();
    }
}
