package jp.tokyo.juki.consistency;

import java.time.Instant;

/**
 * Where each comparison's result is kept (R-CONS: "each municipality's last check and its result are
 * kept"): told once per session, when its {@code CONSISTENCY_END} has been compared. Counts only. The
 * composition root gives the statistics' ledger; without one nothing is kept.
 */
@FunctionalInterface
public interface CheckLog {
    /** Keeps nothing. */
    CheckLog NONE = checked -> {
    };

    /** One comparison: who, which store, when, and how many records matched, differed or were missing on either side. */
    record Checked(String municipality, String store, Instant at, long records, long matched, long differing,
                   long missingInStore, long missingAtCs) {
    }

    /** Keeps {@code checked}; a failure is the log's to report, never the session's. */
    void checked(Checked checked);
}
