package jp.tokyo.juki.agency;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditSink;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.link.MyNumberLink;
import jp.tokyo.juki.observe.MemoryCheck;
import jp.tokyo.juki.platform.Lease;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.PeerTrustManager;
import jp.tokyo.juki.wire.AgencyFileFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agency drop folders' request flow (PROTOCOL §4, SPEC R-PROV): for one agency, every complete
 * {@code <name>.req.p7m} in {@code inbox/} is opened with the gateway's key, its signature checked
 * against that agency's own valid certificate, its CSV parsed and answered row by row
 * ({@link RequestAnswers}); the answer — signed by the gateway and encrypted to the agency — is
 * {@code <name>.res.p7m} in {@code outbox/}, or {@code <name>.err.p7m} with the reason when the file
 * could not be opened, verified or parsed, or a manager rejected it. A file with more rows than
 * the approval threshold waits for a manager (R-SEC-AUTHZ).
 *
 * <p>Crash safety: the answer is written under a temporary name, then its provision records and
 * state are committed, then it is renamed into place, then the request leaves {@code inbox/}. A
 * file found again after a crash is recognised by its digest: one whose answer was committed is
 * finished, never answered twice. Nothing is written in plain: requests and answers exist only
 * encrypted on disk, the CSVs only in memory.
 *
 * <p>Memory (issue 15 finding 6): files are read, decrypted, verified and parsed as streams and
 * their answers written the same way; what a file's rows may cost is reserved first from the
 * budget all agencies share ({@link AgencyMemory}), so a file waits its turn rather than
 * exhausting the heap beside the others. A file whose processing ran out of memory all the
 * same is refused {@code A130} after {@value FileFailures#OUT_OF_MEMORY_ATTEMPTS} attempts, never tried at
 * every poll. A file that waits for its share ends its agency's poll (the later files wait behind
 * it, first come, first served) and is logged once, not at every poll.
 *
 * <p>No file is retried without end (issue 15 review): one that failed with any other
 * {@link Error} is refused {@code A100} after {@value FileFailures#ERROR_ATTEMPTS} attempts, an authentic
 * one whose CSV could not be read otherwise than as malformed {@code A120} after
 * {@value FileFailures#READ_ATTEMPTS} attempts of the same content; each failure is one log line, with
 * growing pauses between attempts.
 *
 * <p>R-RET: an answer the agency removed from {@code outbox/} has been collected; one left longer
 * than the retention period is erased. Either ends the delivery's R-LINK hold. Every file's
 * outcome is audited on line {@code agency} with the agency's identity, never its content or name.
 */
public final class AgencyRequests {
    private static final Logger LOG = LoggerFactory.getLogger(AgencyRequests.class);
    /** what may precede {@code .req.p7m}: it names the ledger row, the answer and the listing a manager reads */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,171}");

    /**
     * @param maxFileBytes   larger request files are refused unread (A130)
     * @param maxRows        more rows are refused (A130)
     * @param approvalRows   more rows wait for a manager's approval
     * @param answerRetention an answer nobody collected is erased after this (R-RET)
     * @param sweepEvery     how often an agency's poll also sweeps its outbox (R-RET)
     */
    public record Settings(long maxFileBytes, int maxRows, int approvalRows, Duration answerRetention, Duration sweepEvery) {
    }

    /** The gateway's signing key and certificate, and the certificate each agency's answers are encrypted to. */
    public record Keys(PrivateKey gatewayKey, X509Certificate gatewayCertificate,
                       Function<Agency, X509Certificate> agencyCertificate,
                       Function<Agency, PeerTrustManager> signerCheck) {
    }

    private final Map<String, Agency> agencies;
    private final Map<String, DropFolder> drops;
    private final RequestLedger ledger;
    private final RequestAnswers answers;
    private final MyNumberLink link;
    private final Keys keys;
    private final Settings settings;
    private final AuditSink audit;
    private final Clock clock;
    private final AgencyMemory memory;
    private final OutboxSweep outbox;
    /** each agency's lease: only its holder polls, sweeps and commits (issue 14); the failures all nodes count */
    private final Function<String, Lease> leases;
    private final FileFailureTable failureTable;
    /** files that wait for their memory share, by agency (used by its poll only): logged once each */
    private final Map<String, Set<String>> waiting = new ConcurrentHashMap<>();

    public AgencyRequests(Map<String, Agency> agencies, Map<String, DropFolder> drops, RequestLedger ledger,
                          RequestAnswers answers, MyNumberLink link, Keys keys, Settings settings, AuditSink audit,
                          Clock clock, AgencyMemory memory, Function<String, Lease> leases) {
        this.agencies = Map.copyOf(agencies);
        this.drops = Map.copyOf(drops);
        this.ledger = ledger;
        this.answers = answers;
        this.link = link;
        this.keys = keys;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
        this.memory = memory;
        this.leases = leases;
        this.failureTable = ledger.failures();
        this.outbox = new OutboxSweep(this.agencies, this.drops, ledger, link, settings.answerRetention(),
                settings.sweepEvery(), audit, clock);
    }

    /** The agencies that have a drop folder: one route each. */
    public Set<String> agencyIds() {
        return drops.keySet();
    }

    /**
     * Answers what is complete in the agency's inbox, and sweeps its outbox when that is due. Called by its route,
     * which runs only on the node holding the agency's lease (issue 14); a failure leaves the file for the next poll.
     */
    public void poll(String agencyId) {
        Agency agency = agencies.get(agencyId);
        DropFolder drop = drops.get(agencyId);
        Lease lease = leases.apply(agencyId);
        if (!lease.held()) {
            return; // given up meanwhile: the next holder polls
        }
        outbox.sweepIfDue(agencyId);
        List<DropFolder.Entry> files;
        try {
            files = drop.requests();
        } catch (IOException e) {
            LOG.warn("agency {}: inbox cannot be listed ({})", agencyId, e.getClass().getSimpleName());
            return;
        }
        List<String> names = files.stream().map(DropFolder.Entry::name).toList();
        Map<String, FileFailures> failed;
        try {
            for (RequestLedger.Request gone : ledger.withdrawn(agencyId, names)) {
                audit.record(audited(agency, gone, AuditStatus.WITHDRAWN, null,
                        "the file left inbox/ before it was answered; no longer waits for a manager"));
            }
            failed = failureTable.load(agencyId, names); // files gone are forgotten
            for (RequestLedger.Request left : ledger.answeredWithoutFile(agencyId, names)) {
                if (drop.hasPart(left.answerFile())) {
                    // not published yet: a crash before publishing leaves the request in inbox/, and its file
                    // finishes it when seen; with the file gone too, it stays as it is (decision 32)
                    continue;
                }
                // published and its request removed, then its holder lost the lease (or died) before DONE
                LOG.info("agency {}: request AR-{} was answered and left inbox/ without being closed; closed now",
                        agencyId, left.id());
                finish(agency, drop, left, left.fileName(), left.answerFile());
            }
        } catch (IOException e) {
            LOG.warn("agency {}: an answered request could not be closed ({}); tried again at the next poll", agencyId,
                    e.getClass().getSimpleName());
            return;
        } catch (SQLException e) {
            LOG.warn("agency {}: requests waiting, the database is unavailable (SQLState {})", agencyId, e.getSQLState());
            return;
        }
        Instant now = clock.instant();
        Set<String> waits = waiting.computeIfAbsent(agencyId, id -> new HashSet<>());
        waits.retainAll(names);
        for (DropFolder.Entry file : files) {
            String key = file.name();
            FileFailures f = failed.get(key);
            if (f != null && now.isBefore(f.next())) {
                continue; // failed lately: not redone (decrypted, looked up, asked nationally) every poll
            }
            if (!lease.held()) {
                return; // the lease was lost: the files left are the next holder's
            }
            try {
                if (!handle(agency, drop, file, failed, waits)) {
                    // it waits for its memory share, the files after it behind it (first come, first served)
                    return;
                }
                if (failed.remove(key) != null) {
                    failureTable.clear(agencyId, key);
                }
            } catch (SQLException e) {
                LOG.warn(e instanceof Lease.Lost ? "agency {}: the lease was lost during a request, left to its next "
                        + "holder ({})" : "agency {}: a request waits, the database is unavailable (SQLState {})",
                        agencyId, e.getSQLState());
                failureTable.abandoned(agencyId, key, failed);
                return;
            } catch (FileFailures.Unreadable e) {
                // an authentic file whose reader failed, not as malformed: A120 after READ_ATTEMPTS of one content
                FileFailures next = failureTable.failedAgain(agencyId, key, failed, now, FileFailures.Kind.UNREADABLE, e.digest);
                LOG.warn("agency {}: a request could not be read ({}; {} of {} attempts); tried again after {} s",
                        agencyId, e.getCause().getClass().getSimpleName(), next.unreadable(), FileFailures.READ_ATTEMPTS,
                        Duration.between(now, next.next()).toSeconds());
            } catch (IOException | RuntimeException e) {
                FileFailures next = failureTable.failedAgain(agencyId, key, failed, now, FileFailures.Kind.OTHER, null);
                LOG.warn("agency {}: a request failed {} time(s) ({}); tried again after {} s", agencyId, next.count(),
                        e.getClass().getSimpleName(), Duration.between(now, next.next()).toSeconds());
            } catch (OutOfMemoryError e) {
                // the budget should make this impossible; counted, shown by health, refused after a few attempts
                MemoryCheck.outOfMemory("agency");
                FileFailures next = failureTable.failedAgain(agencyId, key, failed, now, FileFailures.Kind.OUT_OF_MEMORY, null);
                LOG.error("agency {}: a request ran out of memory ({} of {} attempts); tried again after {} s",
                        agencyId, next.outOfMemory(), FileFailures.OUT_OF_MEMORY_ATTEMPTS,
                        Duration.between(now, next.next()).toSeconds());
            } catch (Error e) {
                // the last resort (a parser's StackOverflowError, say), else the agency's later files are never
                // answered: one line, no stack trace; refused A100 after ERROR_ATTEMPTS attempts
                FileFailures next = failureTable.failedAgain(agencyId, key, failed, now, FileFailures.Kind.ERROR, null);
                LOG.error("agency {}: a request failed with {} ({} of {} attempts); tried again after {} s",
                        agencyId, e.getClass().getSimpleName(), next.errors(), FileFailures.ERROR_ATTEMPTS,
                        Duration.between(now, next.next()).toSeconds());
            }
        }
    }

    /** @return false when the file waits for its share of the memory budget (the agency's poll ends there) */
    private boolean handle(Agency agency, DropFolder drop, DropFolder.Entry file, Map<String, FileFailures> failed,
                           Set<String> waits)
            throws SQLException, IOException {
        String stem = file.name().substring(0, file.name().length() - DropFolder.REQUEST.length());
        if (!NAME.matcher(stem).matches()) {
            // its own name might be anything (control characters, another file's answer name): the answer gets ours
            refuseUnrecorded(agency, drop, file, "unusable-name-" + RequestDigest.of(file.name().getBytes(StandardCharsets.UTF_8))
                    .substring(0, 16));
            return true;
        }
        if (ledger.waiting(agency.id(), file.name())) {
            return true; // a manager has not decided yet
        }
        boolean tooLarge = file.size() > settings.maxFileBytes();
        if (tooLarge) {
            handle(agency, drop, file, stem, failed, null);
            return true;
        }
        // the share is taken before the file is first read, so a file waiting for one is not read at every poll;
        // a folder that cannot stream holds the file whole beside its rows
        long need = memory.need(file.size(), settings.maxRows()) + (drop.streams() ? 0 : file.size());
        AgencyMemory.Share share;
        try {
            share = memory.reserve(need);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping
            return false;
        }
        if (share == null) {
            if (waits.add(file.name())) { // once per file, not at every poll
                LOG.info("agency {}: a request waits for {} MiB of the agency memory budget", agency.id(), need >> 20);
            }
            return false;
        }
        waits.remove(file.name());
        try (share) {
            handle(agency, drop, file, stem, failed, share);
        }
        return true;
    }

    /** @param share the file's share of the memory budget; null for a file refused unread */
    private void handle(Agency agency, DropFolder drop, DropFolder.Entry file, String stem,
                        Map<String, FileFailures> failed, AgencyMemory.Share share) throws SQLException, IOException {
        boolean tooLarge = share == null;
        String digest = tooLarge ? RequestDigest.of(("oversized " + file.size() + " " + file.modified()).getBytes(StandardCharsets.UTF_8))
                : RequestDigest.of(drop, file.name());
        RequestLedger.Request r = ledger.receive(agency.id(), file.name(), digest);
        switch (r.state()) {
            case ANSWERED -> finish(agency, drop, r, file.name(), r.answerFile()); // after a crash: publish, remove
            case WAITING, DONE -> {
                // decided elsewhere meanwhile; the next poll sees it
            }
            case REJECTED -> refuse(agency, drop, r, stem, FileRefusal.A140,
                    "by " + r.decidedBy() + (r.decisionReason() == null ? "" : ": " + r.decisionReason()), r.rows());
            case RECEIVED, APPROVED -> {
                FileFailures before = failed.get(file.name());
                FileFailures.Refusal giveUp = before == null ? null : before.giveUp(digest);
                if (tooLarge) {
                    refuse(agency, drop, r, stem, FileRefusal.A130, file.size() + " bytes, at most "
                            + settings.maxFileBytes(), null);
                } else if (giveUp != null) {
                    refuse(agency, drop, r, stem, giveUp.why(), giveUp.reason(), null);
                } else {
                    // counted before it is processed: a file that kills its node has used an attempt (issue 14)
                    FileFailures begun = FileFailures.begun(before, clock.instant());
                    failureTable.save(agency.id(), file.name(), begun);
                    failed.put(file.name(), begun);
                    answer(agency, drop, r, stem, file, digest, share);
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    /** Answers a file within its share of the memory budget. */
    private void answer(Agency agency, DropFolder drop, RequestLedger.Request r, String stem, DropFolder.Entry file,
                        String digest, AgencyMemory.Share share) throws SQLException, IOException {
        long rowsMemory = share.bytes() - AgencyMemory.FIXED - (drop.streams() ? 0 : file.size());
        CmsFiles.Verified<List<RequestCsv.Row>> opened;
        try (InputStream in = drop.openRequest(file.name())) {
            DigestInputStream read = new DigestInputStream(in, RequestDigest.sha256());
            try {
                opened = CmsFiles.open(read, keys.gatewayKey(), keys.gatewayCertificate(),
                        content -> RequestCsv.parse(content, settings.maxRows(), rowsMemory));
            } finally {
                read.transferTo(OutputStream.nullOutputStream()); // to its end, for the digest
            }
            if (!HexFormat.of().formatHex(read.getMessageDigest().digest()).equals(digest)) {
                throw new IOException("the file changed while it was read");
            }
        } catch (CmsFiles.Refused e) {
            refuse(agency, drop, r, stem, FileRefusal.A100, e.getMessage(), null);
            return;
        }
        try {
            keys.signerCheck().apply(agency).check(new X509Certificate[]{opened.signer()});
        } catch (CertificateException e) {
            String signer = Identities.commonName(opened.signer());
            // a valid certificate of someone else: say whose; otherwise what is wrong with it (CA, validity, revocation)
            refuse(agency, drop, r, stem, FileRefusal.A110, e.getMessage().startsWith("identity")
                    ? "signed by '" + signer + "', not by " + agency.identity() : e.getMessage(), null);
            return;
        }
        if (opened.readFailure() instanceof RequestCsv.Malformed e) {
            refuse(agency, drop, r, stem, e.tooLarge() ? FileRefusal.A130 : FileRefusal.A120, e.getMessage(), null);
            return;
        } else if (opened.readFailure() != null) {
            throw new FileFailures.Unreadable(digest, opened.readFailure());
        }
        List<RequestCsv.Row> rows = opened.value();
        if (rows.size() > settings.approvalRows() && r.state() != RequestLedger.State.APPROVED) {
            ledger.awaitApproval(r, rows.size());
            audit.record(audited(agency, r, AuditStatus.WAITING, "A200", rows.size() + " rows, more than "
                    + settings.approvalRows() + ": waits for a manager's approval (./gateway approvals)"));
            LOG.info("agency {}: request AR-{} ({} rows) waits for approval", agency.id(), r.id(), rows.size());
            return;
        }
        long t0 = System.nanoTime();
        RequestAnswers.Answer a = answers.answer(agency, r.deliveryId(), rows);
        String answerName = stem + ".res.p7m";
        drop.writePart(answerName, out -> CmsFiles.protect(out, keys.gatewayKey(), keys.gatewayCertificate(),
                keys.agencyCertificate().apply(agency), a.csv()::write));
        String counts = a.counts().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        ledger.answered(r, answerName, "A000", rows.size(), a.provisions(),
                AuditEvent.of(null, audited(agency, r, AuditStatus.ANSWERED, "A000", rows.size() + " rows: " + counts)));
        LOG.info("agency {}: request AR-{} answered, {} rows in {} ms: {} (memory share {} MiB)", agency.id(), r.id(),
                rows.size(), (System.nanoTime() - t0) / 1_000_000, counts, share.bytes() >> 20);
        finish(agency, drop, r, stem + DropFolder.REQUEST, answerName);
    }

    /** An {@code .err.p7m}: the code and the reason, protected like any answer; the file's one provision-less record. */
    private void refuse(Agency agency, DropFolder drop, RequestLedger.Request r, String stem, FileRefusal why,
                        String reason, Integer rows) throws SQLException, IOException {
        String answerName = stem + ".err.p7m";
        drop.writePart(answerName, protect(errText(why, reason), agency));
        ledger.answered(r, answerName, why.name(), rows, List.of(),
                AuditEvent.of(null, audited(agency, r, AuditStatus.REFUSED, why.name(), why.text() + ": " + reason)));
        // the gateway's own reasons hold no values; a manager's (A140) is free text and stays in the audit record only
        LOG.info("agency {}: request AR-{} refused {}: {}", agency.id(), r.id(), why.name(),
                why == FileRefusal.A140 ? why.text() : reason);
        finish(agency, drop, r, stem + DropFolder.REQUEST, answerName);
    }

    /** A name no answer can be recorded under: answered and removed, audited, not in the ledger. */
    private void refuseUnrecorded(Agency agency, DropFolder drop, DropFolder.Entry file, String stem) throws IOException {
        String answerName = stem + ".err.p7m";
        drop.writePart(answerName, protect(errText(FileRefusal.A150, "a request is named with 1-172 of A-Z a-z 0-9 . _ - "
                + "(starting with a letter or digit) before .req.p7m"), agency));
        drop.publish(answerName);
        drop.removeRequest(file.name());
        audit.record(AuditEvent.in(AuditLine.AGENCY, agency.identity(), GatewayEvent.AGENCY_REQUEST)
                .status(AuditStatus.REFUSED).code(FileRefusal.A150.name()).detail(FileRefusal.A150.text()));
    }

    private static byte[] errText(FileRefusal why, String reason) {
        return AgencyFileFormat.errorLine(why.name(), why.text(), reason).getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes a committed answer and removes its request: the steps a crash may interrupt, each repeatable. */
    private void finish(Agency agency, DropFolder drop, RequestLedger.Request r, String requestName, String answerName)
            throws SQLException, IOException {
        if (drop.hasPart(answerName)) {
            drop.publish(answerName);
        }
        drop.removeRequest(requestName);
        ledger.done(r);
    }

    private byte[] protect(byte[] content, Agency agency) throws IOException {
        return CmsFiles.protect(content, keys.gatewayKey(), keys.gatewayCertificate(), keys.agencyCertificate().apply(agency));
    }

    /** The file's audit record, tapped, or committed with its answer and provision records (no person: the rows have theirs). */
    private static AuditEvent.Draft audited(Agency agency, RequestLedger.Request r, AuditStatus status, String code,
                                            String detail) {
        return AuditEvent.in(AuditLine.AGENCY, agency.identity(), GatewayEvent.AGENCY_REQUEST).id("AR-" + r.id())
                .status(status).code(code).detail(detail);
    }
}
