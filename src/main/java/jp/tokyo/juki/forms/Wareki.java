package jp.tokyo.juki.forms;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.chrono.JapaneseDate;
import java.time.chrono.JapaneseEra;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Japanese era dates (和暦) as forms print them: {@code 令和7年4月1日}, with the first year of an era
 * written {@code 元年} ({@code 令和元年5月1日}) where {@link java.time.chrono.JapaneseChronology} would
 * print {@code 令和1年}. The era follows the day it changed ({@code 平成31年4月30日}, {@code 令和元年5月1日}).
 * Days before 明治6年1月1日 (1873-01-01, when Japan took the Gregorian calendar and before which the
 * chronology has no dates) are printed in the Western calendar only. Times are Japan Standard Time.
 * A missing date ({@code null}) prints as nothing.
 */
public final class Wareki {
    /** The zone every time on a form is shown in. */
    public static final ZoneId JST = ZoneId.of("Asia/Tokyo");
    /** The first day the Japanese calendar is printed for (明治6年1月1日). */
    public static final LocalDate FIRST_DAY = LocalDate.of(1873, 1, 1);

    private static final Pattern STORED_DATE = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");

    private Wareki() {
    }

    /** {@code 令和7年4月1日}; before {@link #FIRST_DAY} the Western date only ({@code 1872年12月31日}). */
    public static String date(LocalDate day) {
        if (day == null) {
            return "";
        }
        return era(day).map(e -> e.text(day.getMonthValue(), day.getDayOfMonth())).orElseGet(() -> western(day));
    }

    /** {@code 令和7年4月1日（2025年4月1日）}; before {@link #FIRST_DAY} the Western date only. */
    public static String dateWithWestern(LocalDate day) {
        if (day == null) {
            return "";
        }
        return era(day).isPresent() ? date(day) + "（" + western(day) + "）" : western(day);
    }

    /** {@code 2025年4月1日}. */
    public static String western(LocalDate day) {
        return day.getYear() + "年" + day.getMonthValue() + "月" + day.getDayOfMonth() + "日";
    }

    /** {@code 令和7年4月1日 14:05}: the instant in Japan Standard Time, to the minute. */
    public static String dateTime(Instant at) {
        if (at == null) {
            return "";
        }
        LocalDateTime local = LocalDateTime.ofInstant(at, JST);
        return date(local.toLocalDate()) + String.format(" %02d:%02d", local.getHour(), local.getMinute());
    }

    /**
     * A date as a store keeps it ({@code YYYY-MM-DD}), which for a birth date may be a day the family
     * register has but the calendar has not (29 February of a common year): printed in 和暦 with the
     * month and day as written, the era taken from the last real day of that month up to it. Text of
     * any other shape is returned as it is.
     */
    public static String storedDate(String text, boolean withWestern) {
        if (text == null) {
            return "";
        }
        Matcher m = STORED_DATE.matcher(text.strip());
        if (!m.matches()) {
            return text;
        }
        int year = Integer.parseInt(m.group(1));
        int month = Integer.parseInt(m.group(2));
        int day = Integer.parseInt(m.group(3));
        if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1) {
            return text;
        }
        YearMonth ym = YearMonth.of(year, month);
        LocalDate near = ym.atDay(Math.min(day, ym.lengthOfMonth()));
        String west = year + "年" + month + "月" + day + "日";
        Optional<EraYear> era = era(near);
        if (era.isEmpty()) {
            return west;
        }
        String wareki = era.get().text(month, day);
        return withWestern ? wareki + "（" + west + "）" : wareki;
    }

    private static Optional<EraYear> era(LocalDate day) {
        if (day.isBefore(FIRST_DAY)) {
            return Optional.empty();
        }
        try {
            JapaneseDate jd = JapaneseDate.from(day);
            JapaneseEra era = jd.getEra();
            return Optional.of(new EraYear(era.getDisplayName(TextStyle.FULL, Locale.JAPAN),
                    jd.get(ChronoField.YEAR_OF_ERA)));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private record EraYear(String name, int year) {
        String text(int month, int day) {
            return name + (year == 1 ? "元" : Integer.toString(year)) + "年" + month + "月" + day + "日";
        }
    }
}
