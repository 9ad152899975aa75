package jp.tokyo.juki.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.Map;
import jp.tokyo.juki.platform.GatewayConfig;
import org.junit.jupiter.api.Test;

/** The cut-off and schedule rules of the retention jobs (R-RET), by the job's clock. */
class RetentionRulesTest {
    private static final RetentionSettings DEFAULTS = RetentionSettings.from(GatewayConfig.of(Map.of()));

    private static Instant jst(String localDateTime) {
        return OffsetDateTime.parse(localDateTime + "+09:00").toInstant();
    }

    @Test
    void theDefaultsAre150YearsA90DayResendWindowSevenYearsForProvisionsAndArchivesAt0230() {
        assertThat(DEFAULTS.historyYears()).isEqualTo(150);
        assertThat(DEFAULTS.acceptedRequestDays()).isEqualTo(90);
        assertThat(DEFAULTS.provisionYears()).isEqualTo(7);
        assertThat(DEFAULTS.auditArchiveYears()).isEqualTo(7);
        assertThat(DEFAULTS.at()).isEqualTo(LocalTime.of(2, 30));
        assertThat(DEFAULTS.enabled()).containsExactlyInAnyOrder(RetentionJob.values());
        assertThat(DEFAULTS.period(RetentionJob.HISTORY)).isEqualTo("150 years");
        assertThat(DEFAULTS.period(RetentionJob.ACCEPTED_REQUESTS)).isEqualTo("90 days");
    }

    @Test
    void historyIsPastItsPeriod150CalendarYearsAfterItWasSupersededInJapanTime() {
        Instant now = jst("2176-12-06T02:30:00");
        assertThat(RetentionRules.cutoff(RetentionJob.HISTORY, now, DEFAULTS)).isEqualTo(jst("2026-12-06T02:30:00"));
        // a leap day is a calendar day: 150 years before 2176-02-29 is 2026-02-28
        assertThat(RetentionRules.cutoff(RetentionJob.HISTORY, jst("2176-02-29T12:00:00"), DEFAULTS))
                .isEqualTo(jst("2026-02-28T12:00:00"));
    }

    @Test
    void theOtherJobsCountTheirOwnPeriods() {
        Instant now = jst("2027-03-31T02:30:00");
        assertThat(RetentionRules.cutoff(RetentionJob.ACCEPTED_REQUESTS, now, DEFAULTS)).isEqualTo(jst("2026-12-31T02:30:00"));
        assertThat(RetentionRules.cutoff(RetentionJob.PROVISIONS, now, DEFAULTS)).isEqualTo(jst("2020-03-31T02:30:00"));
        assertThat(RetentionRules.cutoff(RetentionJob.AUDIT_ARCHIVES, now, DEFAULTS)).isEqualTo(jst("2020-03-31T02:30:00"));
    }

    @Test
    void aJobRunsOnceADayAtItsTimeAndCatchesUpARunItMissed() {
        LocalTime at = LocalTime.of(2, 30);
        // never run: due at once
        assertThat(RetentionRules.due(jst("2026-12-06T10:00:00"), null, at)).isTrue();
        // ran today at 02:30: not due again until tomorrow's 02:30
        Instant ran = jst("2026-12-06T02:30:20");
        assertThat(RetentionRules.due(jst("2026-12-06T23:59:00"), ran, at)).isFalse();
        assertThat(RetentionRules.nextRun(jst("2026-12-06T23:59:00"), ran, at)).isEqualTo(jst("2026-12-07T02:30:00"));
        assertThat(RetentionRules.due(jst("2026-12-07T02:29:59"), ran, at)).isFalse();
        assertThat(RetentionRules.due(jst("2026-12-07T02:30:00"), ran, at)).isTrue();
        // the gateway was down at 02:30: the run is made when it is back
        assertThat(RetentionRules.due(jst("2026-12-08T09:00:00"), ran, at)).isTrue();
        assertThat(RetentionRules.nextRun(jst("2026-12-08T09:00:00"), ran, at)).isEqualTo(jst("2026-12-08T09:00:00"));
    }

    @Test
    void aShorterHistoryPeriodOrResendWindowOrAMalformedTimeStopsTheStart() {
        assertThatThrownBy(() -> RetentionSettings.from(GatewayConfig.of(Map.of("juki.retention.history-years", "100"))))
                .hasMessageContaining("juki.retention.history-years is 100").hasMessageContaining("施行令30条の6");
        assertThatThrownBy(() -> new RetentionSettings(150, 3, 7, 7, LocalTime.NOON, EnumSet.noneOf(RetentionJob.class),
                1000, Duration.ofMinutes(1), Duration.ofSeconds(1))).hasMessageContaining("accepted-request-days is 3");
        assertThatThrownBy(() -> RetentionSettings.from(GatewayConfig.of(Map.of("juki.retention.at", "2:30am"))))
                .hasMessageContaining("juki.retention.at");
    }

    @Test
    void eachJobsTimerCanBeSwitchedOff() {
        RetentionSettings s = RetentionSettings.from(GatewayConfig.of(Map.of("juki.retention.provisions.enabled", "false")));
        assertThat(s.enabled()).containsExactlyInAnyOrder(RetentionJob.HISTORY, RetentionJob.ACCEPTED_REQUESTS,
                RetentionJob.AUDIT_ARCHIVES);
        assertThat(RetentionJob.of("accepted-requests")).isEqualTo(RetentionJob.ACCEPTED_REQUESTS);
        assertThat(RetentionJob.of("nonsense")).isNull();
    }
}
