package jp.tokyo.juki.agency;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import jp.tokyo.juki.audit.AuditSink;
import jp.tokyo.juki.link.MyNumberLink;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.PeerTrustManager;
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
 * same is refused {@code A130} after {@value #OUT_OF_MEMORY_ATTEMPTS} attempts, never tried at
 * every poll.
 *
 * <p>R-RET: an answer the agency removed from {@code outbox/} has been collected; one left longer
 * than the retention period is erased. Either ends the delivery's R-LINK hold. Every file's
 * outcome is audited on line {@code agency} with the agency's identity, never its content or name.
 */
public final class AgencyRequests {
    private static final Logger LOG = LoggerFactory.getLogger(AgencyRequests.class);
    private static final String LINE = "agency";
    private static final String TYPE = "AGENCY_REQUEST";
    /** attempts of a file that ran out of memory before it is refused A130 */
    static final int OUT_OF_MEMORY_ATTEMPTS = 2;
    /** what may precede {@code .req.p7m}: it names the ledger row, the answer and the listing a manager reads */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,171}");

    /** Why a file as a whole got an {@code .err.p7m} (the first characters of its text). */
    public enum FileRefusal {
        A100("the file cannot be opened"),
        A110("the file is not signed by this agency's valid certificate"),
        A120("the request CSV cannot be read"),
        A130("the file is too large"),
        A140("rejected by a manager"),
        A150("the file name is not usable");

        private final String text;

        FileRefusal(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /**
     * @param maxFileBytes   larger request files are refused unread (A130)
     * @param maxRows        more rows are refused (A130)
     * @param approvalRows   more rows wait for a manager's approval
     * @param answerRetention an answer nobody collected is erased after this (R-RET)
     */
    public record Settings(long maxFileBytes, int maxRows, int approvalRows, Duration answerRetention) {
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
    /** files that failed, by agency and name (used under that agency's lock): node-local, a restart tries each at once */
    private final Map<String, Map<String, Failures>> failures = new java.util.concurrent.ConcurrentHashMap<>();

    public AgencyRequests(Map<String, Agency> agencies, Map<String, DropFolder> drops, RequestLedger ledger,
                          RequestAnswers answers, MyNumberLink link, Keys keys, Settings settings, AuditSink audit,
                          Clock clock, AgencyMemory memory) {
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
    }

    /** The agencies that have a drop folder: one route each. */
    public Set<String> agencyIds() {
        return drops.keySet();
    }

    /** Answers what is complete in the agency's inbox. Called by its route; a failure leaves the file for the next poll. */
    public void poll(String agencyId) {
        Agency agency = agencies.get(agencyId);
        DropFolder drop = drops.get(agencyId);
        synchronized (drop) {
            List<DropFolder.Entry> files;
            try {
                files = drop.requests();
            } catch (IOException e) {
                LOG.warn("agency {}: inbox cannot be listed ({})", agencyId, e.getClass().getSimpleName());
                return;
            }
            try {
                for (RequestLedger.Request gone : ledger.withdrawn(agencyId, files.stream().map(DropFolder.Entry::name).toList())) {
                    audit(agency, gone, "WITHDRAWN", null, "the file left inbox/ before it was answered; no longer "
                            + "waits for a manager");
                }
            } catch (SQLException e) {
                LOG.warn("agency {}: requests waiting, the database is unavailable (SQLState {})", agencyId, e.getSQLState());
                return;
            }
            Instant now = clock.instant();
            Map<String, Failures> failed = failures.computeIfAbsent(agencyId, id -> new java.util.HashMap<>());
            failed.keySet().retainAll(files.stream().map(DropFolder.Entry::name).toList()); // forget files gone
            for (DropFolder.Entry file : files) {
                String key = file.name();
                Failures f = failed.get(key);
                if (f != null && now.isBefore(f.next())) {
                    continue; // failed lately: not redone (decrypted, looked up, asked nationally) every poll
                }
                try {
                    handle(agency, drop, file, f != null && f.outOfMemory() >= OUT_OF_MEMORY_ATTEMPTS);
                    failed.remove(key);
                } catch (SQLException e) {
                    LOG.warn("agency {}: a request waits, the database is unavailable (SQLState {})", agencyId,
                            e.getSQLState());
                    return;
                } catch (IOException | RuntimeException e) {
                    Failures next = Failures.after(f, now, false);
                    failed.put(key, next);
                    LOG.warn("agency {}: a request failed {} time(s) ({}); tried again after {} s", agencyId, next.count(),
                            e.getClass().getSimpleName(), Duration.between(now, next.next()).toSeconds());
                } catch (OutOfMemoryError e) {
                    // the budget should make this impossible; if it happens all the same, it is counted, shown by
                    // health, and the file is refused after OUT_OF_MEMORY_ATTEMPTS attempts instead of looping
                    jp.tokyo.juki.observe.MemoryCheck.outOfMemory("agency");
                    Failures next = Failures.after(f, now, true);
                    failed.put(key, next);
                    LOG.error("agency {}: a request ran out of memory ({} of {} attempts); tried again after {} s",
                            agencyId, next.outOfMemory(), OUT_OF_MEMORY_ATTEMPTS,
                            Duration.between(now, next.next()).toSeconds());
                }
            }
        }
    }

    /** How often a file failed (of that, out of memory), and when it may be tried again: 2, 4, 8 … s, at most 10 minutes apart. */
    private record Failures(int count, int outOfMemory, Instant next) {
        static Failures after(Failures before, Instant now, boolean outOfMemory) {
            int count = before == null ? 1 : before.count() + 1;
            int oom = (before == null ? 0 : before.outOfMemory()) + (outOfMemory ? 1 : 0);
            return new Failures(count, oom, now.plusSeconds(Math.min(600, 1L << Math.min(count, 10))));
        }
    }

    private void handle(Agency agency, DropFolder drop, DropFolder.Entry file, boolean outOfMemory)
            throws SQLException, IOException {
        String stem = file.name().substring(0, file.name().length() - DropFolder.REQUEST.length());
        if (!NAME.matcher(stem).matches()) {
            // its own name might be anything (control characters, another file's answer name): the answer gets ours
            refuseUnrecorded(agency, drop, file, "unusable-name-" + sha256(file.name().getBytes(StandardCharsets.UTF_8))
                    .substring(0, 16));
            return;
        }
        if (ledger.waiting(agency.id(), file.name())) {
            return; // a manager has not decided yet
        }
        boolean tooLarge = file.size() > settings.maxFileBytes();
        if (tooLarge) {
            handle(agency, drop, file, stem, outOfMemory, null);
            return;
        }
        // the share is taken before the file is first read, so a file waiting for one is not read at every poll;
        // a folder that cannot stream holds the file whole beside its rows
        long need = memory.need(file.size(), settings.maxRows()) + (drop.streams() ? 0 : file.size());
        AgencyMemory.Share share;
        try {
            share = memory.reserve(need);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping
            return;
        }
        if (share == null) {
            LOG.info("agency {}: a request waits for {} MiB of the agency memory budget", agency.id(), need >> 20);
            return;
        }
        try (share) {
            handle(agency, drop, file, stem, outOfMemory, share);
        }
    }

    /** @param share the file's share of the memory budget; null for a file refused unread */
    private void handle(Agency agency, DropFolder drop, DropFolder.Entry file, String stem, boolean outOfMemory,
                        AgencyMemory.Share share) throws SQLException, IOException {
        boolean tooLarge = share == null;
        String digest = tooLarge ? sha256(("oversized " + file.size() + " " + file.modified()).getBytes(StandardCharsets.UTF_8))
                : digest(drop, file.name());
        RequestLedger.Request r = ledger.receive(agency.id(), file.name(), digest);
        switch (r.state()) {
            case ANSWERED -> finish(agency, drop, r, file.name(), r.answerFile()); // after a crash: publish, remove
            case WAITING, DONE -> {
                // decided elsewhere meanwhile; the next poll sees it
            }
            case REJECTED -> refuse(agency, drop, r, stem, FileRefusal.A140,
                    "by " + r.decidedBy() + (r.decisionReason() == null ? "" : ": " + r.decisionReason()), r.rows());
            case RECEIVED, APPROVED -> {
                if (tooLarge) {
                    refuse(agency, drop, r, stem, FileRefusal.A130, file.size() + " bytes, at most "
                            + settings.maxFileBytes(), null);
                } else if (outOfMemory) {
                    refuse(agency, drop, r, stem, FileRefusal.A130, "it could not be answered within the gateway's memory ("
                            + OUT_OF_MEMORY_ATTEMPTS + " attempts ran out of memory)", null);
                } else {
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
            java.security.DigestInputStream read = new java.security.DigestInputStream(in, sha256());
            try {
                opened = CmsFiles.open(read, keys.gatewayKey(), keys.gatewayCertificate(),
                        content -> RequestCsv.parse(content, settings.maxRows(), rowsMemory));
            } finally {
                read.transferTo(java.io.OutputStream.nullOutputStream()); // to its end, for the digest
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
            String signer = jp.tokyo.juki.security.Identities.commonName(opened.signer());
            // a valid certificate of someone else: say whose; otherwise what is wrong with it (CA, validity, revocation)
            refuse(agency, drop, r, stem, FileRefusal.A110, e.getMessage().startsWith("identity")
                    ? "signed by '" + signer + "', not by " + agency.identity() : e.getMessage(), null);
            return;
        }
        if (opened.readFailure() instanceof RequestCsv.Malformed e) {
            refuse(agency, drop, r, stem, e.tooLarge() ? FileRefusal.A130 : FileRefusal.A120, e.getMessage(), null);
            return;
        } else if (opened.readFailure() != null) {
            throw new IOException("the request could not be read", opened.readFailure());
        }
        List<RequestCsv.Row> rows = opened.value();
        if (rows.size() > settings.approvalRows() && r.state() != RequestLedger.State.APPROVED) {
            ledger.awaitApproval(r, rows.size());
            audit(agency, r, "WAITING", "A200", rows.size() + " rows, more than " + settings.approvalRows()
                    + ": waits for a manager's approval (./gateway approvals)");
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
                audited(agency, r, "ANSWERED", "A000", rows.size() + " rows: " + counts));
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
                audited(agency, r, "REFUSED", why.name(), why.text() + ": " + reason));
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
        audit.record(LINE, "in", agency.identity(), TYPE, null, null, "REFUSED", FileRefusal.A150.name(),
                FileRefusal.A150.text(), List.of());
    }

    private static byte[] errText(FileRefusal why, String reason) {
        return (why.name() + ": " + why.text() + ": " + reason + "\n").getBytes(StandardCharsets.UTF_8);
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

    /** The file's audit record, committed with its answer and provision records (no person: the rows have theirs). */
    private static jp.tokyo.juki.audit.AuditEvent audited(Agency agency, RequestLedger.Request r, String status, String code,
                                                          String detail) {
        return jp.tokyo.juki.audit.AuditEvent.of(null, LINE, "in", agency.identity(), TYPE, "AR-" + r.id(), null, status,
                code, detail, List.of());
    }

    private void audit(Agency agency, RequestLedger.Request r, String status, String code, String detail) {
        audit.record(LINE, "in", agency.identity(), TYPE, "AR-" + r.id(), null, status, code, detail, List.of());
    }

    /**
     * R-RET for one agency's outbox: answers the agency removed are collected, answers older than
     * the retention period are erased; either ends their R-LINK delivery.
     */
    public void sweep(String agencyId) {
        Agency agency = agencies.get(agencyId);
        DropFolder drop = drops.get(agencyId);
        synchronized (drop) {
            try {
                Instant oldest = clock.instant().minus(settings.answerRetention());
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

    /** {@link #sweep} for every agency with a drop folder. */
    public void sweepAll() {
        drops.keySet().forEach(this::sweep);
    }

    private void ended(Agency agency, List<RequestLedger.Request> requests, String status) {
        for (RequestLedger.Request r : requests) {
            int erased = link == null ? 0 : link.confirmDelivered(r.deliveryId());
            audit.record(LINE, "out", agency.identity(), "AGENCY_ANSWER", "AR-" + r.id(), null, status, null,
                    "answer " + (status.equals("ERASED") ? "not collected within " + settings.answerRetention().toHours()
                            + " h, erased" : "collected") + (erased > 0 ? "; " + erased + " held My Numbers erased" : ""),
                    List.of());
        }
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of a request, read as a stream. */
    private static String digest(DropFolder drop, String name) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = drop.openRequest(name)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
