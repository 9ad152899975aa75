package jp.tokyo.juki.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;

/** The periods of a report: 年度 from April, JST days, the values the API takes. */
class PeriodTest {

    @Test
    void theFiscalYearStartsOnTheFirstOfApril() {
        assertThat(Period.fiscalYearOf(LocalDate.of(2026, 3, 31))).isEqualTo(2025);
        assertThat(Period.fiscalYearOf(LocalDate.of(2026, 4, 1))).isEqualTo(2026);
        assertThat(Period.fiscalYearOf(LocalDate.of(2027, 1, 1))).isEqualTo(2026);
        Period fy = Period.fiscalYear(2026);
        assertThat(fy.from()).isEqualTo(LocalDate.of(2026, 4, 1));
        assertThat(fy.last()).isEqualTo(LocalDate.of(2027, 3, 31));
        assertThat(fy.label()).isEqualTo("2026年度 (2026-04-01〜2027-03-31)");
    }

    @Test
    void aDayStartsAndEndsAtMidnightInTokyo() {
        Period day = Period.day(LocalDate.of(2026, 4, 1));
        assertThat(day.start()).isEqualTo(Instant.parse("2026-03-31T15:00:00Z"));
        assertThat(day.end()).isEqualTo(Instant.parse("2026-04-01T15:00:00Z"));
        // 2026-03-31T15:30Z is 00:30 on 1 April in Tokyo: in 年度 2026, not 2025
        Period fy = Period.fiscalYear(2026);
        Instant halfPastMidnight = Instant.parse("2026-03-31T15:30:00Z");
        assertThat(!halfPastMidnight.isBefore(fy.start()) && halfPastMidnight.isBefore(fy.end())).isTrue();
        assertThat(Period.fiscalYear(2025).end()).isEqualTo(fy.start());
    }

    @Test
    void theApiValuesParseToTheirPeriods() throws Exception {
        assertThat(Period.parse("day", "2026-04-01")).isEqualTo(Period.day(LocalDate.of(2026, 4, 1)));
        assertThat(Period.parse("month", "2026-02")).isEqualTo(Period.month(YearMonth.of(2026, 2)));
        assertThat(Period.parse("month", "2026-02").last()).isEqualTo(LocalDate.of(2026, 2, 28));
        assertThat(Period.parse("fiscal-year", "2026")).isEqualTo(Period.fiscalYear(2026));
        assertThat(Period.parse("fiscal-year", "2026").toString()).isEqualTo("fiscal-year 2026");
        assertThat(Period.parse("month", "2026-04").label()).isEqualTo("2026年4月");
    }

    @Test
    void aWrongPeriodIsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> Period.parse("week", "2026-04-01")).isInstanceOf(Period.Invalid.class)
                .hasMessage("period must be one of day, month, fiscal-year");
        assertThatThrownBy(() -> Period.parse("day", "2026-02-30")).isInstanceOf(Period.Invalid.class)
                .hasMessageNotContaining("2026-02-30");
        assertThatThrownBy(() -> Period.parse("month", "2026-13")).isInstanceOf(Period.Invalid.class);
        assertThatThrownBy(() -> Period.parse("fiscal-year", "26")).isInstanceOf(Period.Invalid.class);
        assertThatThrownBy(() -> Period.parse("fiscal-year", "1999")).isInstanceOf(Period.Invalid.class);
        assertThatThrownBy(() -> Period.parse("day", null)).isInstanceOf(Period.Invalid.class)
                .hasMessageContaining("e.g. 2026-04-01");
    }
}
