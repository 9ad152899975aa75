/**
 * Statistics (統計, SPEC R-STAT, R-CONS's overdue checks, R-AUD-ANALYSIS's searches per operator): the
 * daily counts a timer rolls up from the stores', the agency flow's and the audit's own rows
 * ({@link jp.tokyo.juki.stats.Rollup}), the report of a day, month or fiscal year read from them
 * ({@link jp.tokyo.juki.stats.Statistics}), and its forms: JSON (the API), CSV and a PNG chart.
 * Counts only — no person in any table, report or file of this package.
 */
package jp.tokyo.juki.stats;
