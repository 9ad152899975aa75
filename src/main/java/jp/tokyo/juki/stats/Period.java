package jp.tokyo.juki.stats;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;

/**
 * The period a statistics report covers: a day, a month or a fiscal year (年度: 1 April to
 * 31 March, named by the year it starts in — 2026-03-31 is in 年度 2025, 2026-04-01 in 年度 2026),
 * all in Japan Standard Time. {@code from} is the first day, {@code to} the day after the last.
 */
public record Period(Kind kind, LocalDate from, LocalDate to) {
    /** Japan Standard Time: where a day starts and ends. */
    public static final ZoneId JST = ZoneId.of("Asia/Tokyo");
    /** the earliest and latest year a report may name */
    static final int MIN_YEAR = 2000;
    static final int MAX_YEAR = 2199;

    /** What a period is; the API's {@code period} values are the names in lower case with '-'. */
    public enum Kind {
        DAY("day"), MONTH("month"), FISCAL_YEAR("fiscal-year");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        /** {@code day}, {@code month} or {@code fiscal-year}. */
        public String text() {
            return text;
        }

        /** The kind named {@code text}, or null. */
        public static Kind of(String text) {
            for (Kind k : values()) {
                if (k.text.equals(text)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** A period that cannot be: the message says what is expected, never echoes the input. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    public Period {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("a period ends after it starts");
        }
    }

    /** One JST day. */
    public static Period day(LocalDate day) {
        return new Period(Kind.DAY, day, day.plusDays(1));
    }

    /** One calendar month. */
    public static Period month(YearMonth month) {
        return new Period(Kind.MONTH, month.atDay(1), month.plusMonths(1).atDay(1));
    }

    /** 年度 {@code year}: 1 April {@code year} to 31 March {@code year + 1}. */
    public static Period fiscalYear(int year) {
        return new Period(Kind.FISCAL_YEAR, LocalDate.of(year, 4, 1), LocalDate.of(year + 1, 4, 1));
    }

    /** The 年度 a day belongs to: its year from April, the year before in January to March. */
    public static int fiscalYearOf(LocalDate day) {
        return day.getMonthValue() >= 4 ? day.getYear() : day.getYear() - 1;
    }

    /**
     * The period named by a kind ({@code day}, {@code month}, {@code fiscal-year}) and its value
     * ({@code 2026-04-01}, {@code 2026-04}, {@code 2026}).
     */
    public static Period parse(String kind, String value) throws Invalid {
        Kind k = kind == null ? null : Kind.of(kind);
        if (k == null) {
            throw new Invalid("period must be one of day, month, fiscal-year");
        }
        if (value == null || value.isBlank()) {
            throw new Invalid(switch (k) {
                case DAY -> "date must be a day, e.g. 2026-04-01";
                case MONTH -> "month must be a month, e.g. 2026-04";
                case FISCAL_YEAR -> "fiscalYear must be a year, e.g. 2026 (年度 from April)";
            });
        }
        try {
            Period p = switch (k) {
                case DAY -> value.matches("\\d{4}-\\d{2}-\\d{2}") ? day(LocalDate.parse(value)) : null;
                case MONTH -> value.matches("\\d{4}-\\d{2}") ? month(YearMonth.parse(value)) : null;
                case FISCAL_YEAR -> value.matches("\\d{4}") ? fiscalYear(Integer.parseInt(value)) : null;
            };
            if (p != null && p.from.getYear() >= MIN_YEAR && p.from.getYear() <= MAX_YEAR) {
                return p;
            }
        } catch (DateTimeException e) {
            // answered below, without the value
        }
        throw new Invalid(switch (k) {
            case DAY -> "date must be a day from " + MIN_YEAR + " to " + MAX_YEAR + ", e.g. 2026-04-01";
            case MONTH -> "month must be a month from " + MIN_YEAR + " to " + MAX_YEAR + ", e.g. 2026-04";
            case FISCAL_YEAR -> "fiscalYear must be a year from " + MIN_YEAR + " to " + MAX_YEAR + ", e.g. 2026";
        });
    }

    /** The first instant of the period. */
    public Instant start() {
        return from.atStartOfDay(JST).toInstant();
    }

    /** The first instant after the period. */
    public Instant end() {
        return to.atStartOfDay(JST).toInstant();
    }

    /** The last day of the period. */
    public LocalDate last() {
        return to.minusDays(1);
    }

    /** The value as the API takes it: {@code 2026-04-01}, {@code 2026-04} or {@code 2026}. */
    public String value() {
        return switch (kind) {
            case DAY -> from.toString();
            case MONTH -> YearMonth.from(from).toString();
            case FISCAL_YEAR -> Integer.toString(from.getYear());
        };
    }

    /** In Japanese, e.g. {@code 2026年度 (2026-04-01〜2027-03-31)}, {@code 2026年4月}, {@code 2026-04-01}. */
    public String label() {
        return switch (kind) {
            case DAY -> from.toString();
            case MONTH -> from.getYear() + "年" + from.getMonthValue() + "月";
            case FISCAL_YEAR -> from.getYear() + "年度 (" + from + "〜" + last() + ")";
        };
    }

    /** e.g. {@code fiscal-year 2026}: what the audit record names. */
    @Override
    public String toString() {
        return kind.text() + " " + value();
    }
}
