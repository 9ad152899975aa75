package jp.tokyo.juki.operator;

import java.time.Instant;
import java.util.List;

/**
 * The yearly review of the operator register (issue 12, item 1): the active operators whose entry
 * nobody reviewed in the last 12 months (never reviewed: since their issue), and those who have not
 * logged in for 90 days (never: since their issue). One operator may be in both lists.
 *
 * @param at           when the report was made
 * @param notReviewed  active operators not reviewed in 12 months
 * @param noRecentLogin active operators without a login in 90 days
 */
public record ReviewReport(Instant at, List<Operator> notReviewed, List<Operator> noRecentLogin) {
    public ReviewReport {
        notReviewed = List.copyOf(notReviewed);
        noRecentLogin = List.copyOf(noRecentLogin);
    }
}
