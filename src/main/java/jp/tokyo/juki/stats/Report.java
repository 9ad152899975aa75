package jp.tokyo.juki.stats;

import java.time.Instant;
import java.util.List;

/**
 * A statistics report of one {@link Period}: counts only, never a person. Each section is a list
 * of rows in a stable order; {@code countedTo} is how far the daily counts reach (rows made after
 * it are counted at the next rollup), {@code timeline} the chart's bars.
 */
public record Report(Period period, Instant generatedAt, Instant countedTo, List<Update> updates,
                     List<Provision> provisions, List<National> national, List<Searches> searches,
                     List<Check> consistency, List<Bar> timeline, int overdueDays) {

    /** Updates of one store in one municipality for one 異動事由 (its code; {@link ReasonNames} for the label). */
    public record Update(String municipality, String municipalityName, String store, String reason, long count) {
    }

    /** Provision records of one agency, kind (PROVISION/TRANSFER), business ("" for none) and outcome. */
    public record Provision(String agency, String kind, String business, String outcome, long count) {
    }

    /**
     * Notices on one national line ({@code HONNIN} or {@code FUHYO}): answers accepted (ACK),
     * accepted before (DUPLICATE), refused (NACK), unanswered attempts (NO_REPLY) and notices
     * moved to the dead-letter queue. {@link #sent} is every answered or unanswered attempt.
     */
    public record National(String line, long accepted, long duplicate, long refused, long unanswered, long deadLettered) {
        public long sent() {
            return accepted + duplicate + refused + unanswered;
        }
    }

    /** Person searches of one operator (audit records {@code PERSON_SEARCH}). */
    public record Searches(String operator, long count) {
    }

    /**
     * A municipality's last consistency check of one store, as of the report's making: null times and
     * counts when it never had one; {@code overdue} when none or older than the overdue days.
     */
    public record Check(String municipality, String municipalityName, String store, Instant checkedAt, Long records,
                        Long matched, Long differing, Long missingInStore, Long missingAtCs, boolean overdue) {
        /** No difference and nothing missing on either side. */
        public Boolean consistent() {
            return checkedAt == null ? null : differing == 0 && missingInStore == 0 && missingAtCs == 0;
        }
    }

    /** One bar of the chart: a month of a fiscal year, a day of a month, or a municipality of a day. */
    public record Bar(String label, long updates, long provisions) {
    }

    /** All updates of the period. */
    public long totalUpdates() {
        return updates.stream().mapToLong(Update::count).sum();
    }

    /** All provision records of the period. */
    public long totalProvisions() {
        return provisions.stream().mapToLong(Provision::count).sum();
    }
}
