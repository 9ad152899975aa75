package jp.tokyo.juki.agency;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditSink;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.link.MyNumberLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * R-RET for the agencies' outboxes: an answer the agency removed from {@code outbox/} has been
 * collected, one left longer than the retention period is erased, and so is an unpublished
 * {@code .part} that old; either ends the delivery's R-LINK hold. Each is audited on line
 * {@code agency}. Run by the agency's poll when due, on the node holding the agency's lease (issue 14),
 * and logs under that class's name.
 */
final class OutboxSweep {
    private static final Logger LOG = LoggerFactory.getLogger(AgencyRequests.class);

    private final Map<String, Agency> agencies;
    private final Map<String, DropFolder> drops;
    private final RequestLedger ledger;
    private final MyNumberLink link;
    private final Duration answerRetention;
    private final AuditSink audit;
    private final Duration every;
    private final Clock clock;
    /** when each agency's outbox is swept next (used by its poll only) */
    private final Map<String, Instant> due = new ConcurrentHashMap<>();

    OutboxSweep(Map<String, Agency> agencies, Map<String, DropFolder> drops, RequestLedger ledger, MyNumberLink link,
                Duration answerRetention, Duration every, AuditSink audit, Clock clock) {
        this.agencies = agencies;
        this.drops = drops;
        this.ledger = ledger;
        this.link = link;
        this.answerRetention = answerRetention;
        this.every = every;
        this.audit = audit;
        this.clock = clock;
    }

    /** {@link #sweep} when {@code juki.agency.sweep-ms} has passed since the last one (the first poll sweeps). */
    void sweepIfDue(String agencyId) {
        Instant next = due.get(agencyId);
        if (next == null || !clock.instant().isBefore(next)) {
            due.put(agencyId, clock.instant().plus(every));
            sweep(agencyId);
        }
    }

    /**
     * R-RET for one agency's outbox: answers the agency removed are collected, answers older than
     * the retention period are erased; either ends their R-LINK delivery.
     */
    void sweep(String agencyId) {
        Agency agency = agencies.get(agencyId);
        DropFolder drop = drops.get(agencyId);
        try {
            Instant oldest = clock.instant().minus(answerRetention);
            Map<String, DropFolder.Entry> present = drop.answers().stream()
                    .collect(Collectors.toMap(DropFolder.Entry::name, e -> e));
            for (DropFolder.Entry e : present.values()) {
                if (e.modified().isBefore(oldest)) {
                    drop.eraseAnswer(e.name());
                    ended(agency, ledger.erased(agencyId, e.name()), AuditStatus.ERASED);
                }
            }
            for (DropFolder.Entry part : drop.parts()) {
                // a poll publishes a committed .part within a second; one this old lost its request (R-RET)
                if (part.modified().isBefore(oldest)) {
                    drop.eraseAnswer(part.name());
                    audit.record(AuditEvent.out(AuditLine.AGENCY, agency.identity(), GatewayEvent.AGENCY_ANSWER)
                            .status(AuditStatus.ERASED)
                            .detail("an unpublished answer (.part) older than the retention period erased"));
                }
            }
            for (String answer : ledger.openAnswers(agencyId)) {
                if (!present.containsKey(answer)) {
                    ended(agency, ledger.collected(agencyId, answer), AuditStatus.COLLECTED);
                }
            }
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.warn("agency {}: outbox sweep failed ({}); next sweep repeats it", agencyId, e.getClass().getSimpleName());
        }
    }

    private void ended(Agency agency, List<RequestLedger.Request> requests, AuditStatus status) {
        for (RequestLedger.Request r : requests) {
            int erased = link == null ? 0 : link.confirmDelivered(r.deliveryId());
            audit.record(AuditEvent.out(AuditLine.AGENCY, agency.identity(), GatewayEvent.AGENCY_ANSWER).id("AR-" + r.id())
                    .status(status).detail("answer " + (status == AuditStatus.ERASED ? "not collected within "
                            + answerRetention.toHours() + " h, erased" : "collected")
                            + (erased > 0 ? "; " + erased + " held My Numbers erased" : "")));
        }
    }
}
