package jp.tokyo.juki.forms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class WarekiTest {

    @ParameterizedTest
    @CsvSource({
            "2025-04-01, 令和7年4月1日",
            "2019-05-01, 令和元年5月1日",
            "2019-04-30, 平成31年4月30日",
            "2020-01-01, 令和2年1月1日",
            "1989-01-08, 平成元年1月8日",
            "1989-01-07, 昭和64年1月7日",
            "1926-12-25, 昭和元年12月25日",
            "1926-12-24, 大正15年12月24日",
            "1912-07-30, 大正元年7月30日",
            "1912-07-29, 明治45年7月29日",
            "1873-01-01, 明治6年1月1日",
            "1872-12-31, 1872年12月31日",
            "1850-06-15, 1850年6月15日",
    })
    void eraDates(LocalDate day, String expected) {
        assertEquals(expected, Wareki.date(day));
    }

    @Test
    void westernBesideWhereTheFormNeedsIt() {
        assertEquals("令和7年4月1日（2025年4月1日）", Wareki.dateWithWestern(LocalDate.of(2025, 4, 1)));
        assertEquals("令和元年5月1日（2019年5月1日）", Wareki.dateWithWestern(LocalDate.of(2019, 5, 1)));
        assertEquals("1872年12月31日", Wareki.dateWithWestern(LocalDate.of(1872, 12, 31)));
    }

    @Test
    void dateTimeIsJapanStandardTime() {
        assertEquals("令和7年4月1日 14:05", Wareki.dateTime(Instant.parse("2025-04-01T05:05:30Z")));
        // 15:30 UTC on 30 April 2019 is already the first day of 令和 in Tokyo
        assertEquals("令和元年5月1日 00:30", Wareki.dateTime(Instant.parse("2019-04-30T15:30:00Z")));
    }

    @Test
    void storedDatesIncludingDaysOnlyTheFamilyRegisterHas() {
        assertEquals("昭和50年3月5日", Wareki.storedDate("1975-03-05", false));
        assertEquals("昭和50年3月5日（1975年3月5日）", Wareki.storedDate("1975-03-05", true));
        assertEquals("大正12年2月29日（1923年2月29日）", Wareki.storedDate("1923-02-29", true));
        assertEquals("平成31年4月31日", Wareki.storedDate("2019-04-31", false));
        assertEquals("1872年2月30日", Wareki.storedDate("1872-02-30", true));
        assertEquals("1975-13-01", Wareki.storedDate("1975-13-01", true));
        assertEquals("不詳", Wareki.storedDate("不詳", true));
        assertEquals("", Wareki.storedDate(null, true));
    }
}
