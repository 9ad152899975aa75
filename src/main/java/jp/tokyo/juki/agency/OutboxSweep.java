package jp.tokyo.juki.agency;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jp.tokyo.juki.audit.AuditSink;
import jp.tokyo.juki.link.MyNumberLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * R-RET for the agencies' outboxes: an answer the agency removed from {@code outbox/} has been
 * collected, one left longer than the retention period is erased, and so is an unpublished
 * {@code .part} that old; either ends the delivery's R-LINK hold. Each is audited on line
 * {@code agency}. It holds the agency's lock (its drop folder) as
 * {@link AgencyRequests#poll} does, and logs under that class's name.
 */
final class OutboxSweep {
    private static final Logger LOG = LoggerFactory.getLogger(AgencyRequests.class);
    private static final String LINE = "agency";

    private final Map<String, Agency> agencies;
    private final Map<String, DropFolder> drops;
    private final RequestLedger ledger;
    private final MyNumberLink link;
    private final Duration answerRetention;
    private final AuditSink audit;
    private final Clock clock;

    OutboxSweep(Map<String, Agency> agencies, Map<String, DropFolder> drops, RequestLedger ledger, MyNumberLink link,
                Duration answerRetention, AuditSink audit, Clock clock) {
        this.agencies = agencies;
        this.drops = drops;
        this.ledger = ledger;
        this.link = link;
        this.answerRetention = answerRetention;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * R-RET for one agency's outbox: answers the agency removed are collected, answers older than
     * the retention period are erased; either ends their R-LINK delivery.
     */
    void sweep(String agencyId) {
        Agency agency = agencies.get(agencyId);
        DropFolder drop = drops.get(agencyId);
        synchronized (drop) {
            try {
                Instant oldest = clock.instant().minus(answerRetention);
                Map<String, DropFolder.Entry> present = drop.answers().stream()
                        .collect(Collectors.toMap(DropFolder.Entry::name, e -> e));
                for (DropFolder.Entry e : present.values()) {
                    if (e.modified().isBefore(oldest)) {
                        drop.eraseAnswer(e.name());
                        ended(agency, ledger.erased(agencyId, e.name()), "ERASED");
                    }
                }
                for (DropFolder.Entry part : drop.parts()) {
                    // a poll publishes a committed .part within a second; one this old lost its request (R-RET)
                    if (part.modified().isBefore(oldest)) {
                        drop.eraseAnswer(part.name());
                        audit.record(LINE, "out", agency.identity(), "AGENCY_ANSWER", null, null, "ERASED", null,
                                "an unpublished answer (.part) older than the retention period erased", List.of());
                    }
                }
                for (String answer : ledger.openAnswers(agencyId)) {
                    if (!present.containsKey(answer)) {
                        ended(agency, ledger.collected(agencyId, answer), "COLLECTED");
                    }
                }
            } catch (SQLException | IOException | RuntimeException e) {
                LOG.warn("agency {}: outbox sweep failed ({}); next sweep repeats it", agencyId, e.getClass().getSimpleName());
            }
        }
    }

    private void ended(Agency agency, List<RequestLedger.Request> requests, String status) {
        for (RequestLedger.Request r : requests) {
            int erased = link == null ? 0 : link.confirmDelivered(r.deliveryId());
            audit.record(LINE, "out", agency.identity(), "AGENCY_ANSWER", "AR-" + r.id(), null, status, null,
                    "answer " + (status.equals("ERASED") ? "not collected within " + answerRetention.toHours()
                            + " h, erased" : "collected") + (erased > 0 ? "; " + erased + " held My Numbers erased" : ""),
                    List.of());
        }
    }
}
