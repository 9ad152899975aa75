package jp.tokyo.juki.search;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/**
 * The working hours a search is judged by (R-AUD-ANALYSIS, 時間外の検索): a window of the day in
 * JST, on weekdays; Saturdays and Sundays are outside all day. Public holidays are not known here
 * (docs/operations/search.md).
 *
 * @param start the first minute inside
 * @param end   the first minute outside again (after {@code start})
 */
public record WorkingHours(LocalTime start, LocalTime end) {
    /** The zone the hours are read in. */
    public static final ZoneId JST = ZoneId.of("Asia/Tokyo");

    public WorkingHours {
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("working hours: the start must be before the end");
        }
    }

    /** {@code HH:MM-HH:MM}, e.g. {@code 08:30-18:00}. */
    public static WorkingHours parse(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("working hours must be HH:MM-HH:MM (JST), e.g. 08:30-18:00");
        }
        try {
            return new WorkingHours(LocalTime.parse(parts[0].strip()), LocalTime.parse(parts[1].strip()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("working hours must be HH:MM-HH:MM (JST), e.g. 08:30-18:00");
        }
    }

    /** Whether {@code at} falls outside: a weekend, or a weekday before the start or from the end on. */
    public boolean outside(Instant at) {
        ZonedDateTime t = at.atZone(JST);
        if (t.getDayOfWeek() == DayOfWeek.SATURDAY || t.getDayOfWeek() == DayOfWeek.SUNDAY) {
            return true;
        }
        LocalTime time = t.toLocalTime();
        return time.isBefore(start) || !time.isBefore(end);
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
