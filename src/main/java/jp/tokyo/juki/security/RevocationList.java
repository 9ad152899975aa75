package jp.tokyo.juki.security;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revocation lists of the trusted CAs ({@code crl.pem}: one CRL per CA of {@code ca.pem},
 * so that both CAs of a rollover are covered), re-read when the file changes (looked at no more
 * than every few seconds) and at least every minute. A file that cannot be read, or holding a
 * CRL whose signature is not one of the CAs', keeps the CRLs in force and is logged; so does a
 * CRL older than the one in force for its CA (lower {@code cRLNumber}, or earlier issue): the
 * last CRL stays in force, past its next update too (the health check warns of that).
 *
 * <p>The highest {@code cRLNumber} (and issue time) seen of each CA is kept across restarts in
 * {@code crl-state.properties} beside {@code crl.pem} (0600, written atomically, keyed by a hash
 * of the CA's subject and key): an older CRL put back while the gateway was stopped would
 * un-revoke certificates, so the gateway refuses to start on one, naming the CA and both
 * numbers (install the newest CRL of that CA again). Several nodes on one database share that mark
 * ({@link #shareHighWater}): a node refuses a CRL older than one any node put in force. A CRL with an unsupported critical
 * extension, a delta CRL ({@code deltaCRLIndicator}) or a partitioned one
 * ({@code issuingDistributionPoint}) is refused as a bad signature is: the gateway does not
 * start on it, and a running one keeps the CRL in force.
 */
public final class RevocationList {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationList.class);

    /** What the CRLs in force say of a certificate. */
    public enum Status {
        GOOD, REVOKED,
        /** no CRL of its issuer is in force: its revocation cannot be checked */
        UNKNOWN
    }

    private final Path file;
    private final List<X509Certificate> cas;
    private final Clock clock;
    private final Duration checkEvery;
    private final Duration reloadAtLeastEvery = Duration.ofMinutes(1);

    /** the CRL in force for each CA (by position in {@link #cas}) */
    private volatile Map<Integer, X509CRL> inForce = Map.of();
    private volatile FileTime loadedMtime;
    private volatile Instant lastCheck = Instant.EPOCH;
    private volatile Instant lastLoad = Instant.EPOCH;
    /** the database holding every node's highest CRL ({@code cluster.crl_seen}), or null (this node's file only) */
    private volatile DataSource shared;

    /** The state file beside {@code crl.pem}: the highest CRL seen of each CA. */
    public static final String STATE_FILE = "crl-state.properties";

    /** The CAs of {@code keystores/ca.pem} (checked: {@link KeyMaterial#readCas}) with the CRLs of {@code keystores/crl.pem}. */
    public static RevocationList of(Path keystores) throws IOException {
        return new RevocationList(keystores.resolve("crl.pem"), KeyMaterial.readCas(keystores.resolve("ca.pem")),
                Clock.systemUTC(), Duration.ofSeconds(5));
    }

    public RevocationList(Path file, X509Certificate ca, Clock clock, Duration checkEvery) throws IOException {
        this(file, List.of(ca), clock, checkEvery);
    }

    /** @param cas the trusted CAs; each CRL of the file must be signed by one of them */
    public RevocationList(Path file, List<X509Certificate> cas, Clock clock, Duration checkEvery) throws IOException {
        this.file = file;
        this.cas = List.copyOf(cas);
        this.clock = clock;
        this.checkEvery = checkEvery;
        reload(true);
        for (int i = 0; i < this.cas.size(); i++) {
            if (!inForce.containsKey(i)) {
                LOG.warn("{} holds no CRL of CA {} of ca.pem (serial {}): its certificates are refused until it does",
                        file.getFileName(), i + 1, this.cas.get(i).getSerialNumber().toString(16));
            }
        }
    }

    /**
     * From now on compares each CRL with the highest any node of this gateway put in force
     * ({@code cluster.crl_seen} in {@code database}) as well as with this node's own, and records each newer
     * one there: reads {@code crl.pem} again at once and throws, naming the CA and both numbers, when it is
     * older than one another node put in force (the gateway does not start on it).
     */
    public void shareHighWater(DataSource database) throws IOException {
        shared = database;
        reload(true);
    }

    /** The trusted CAs (every certificate of {@code ca.pem}). */
    public List<X509Certificate> cas() {
        return cas;
    }

    /**
     * Why a signature by {@code signer} dated {@code at} (the signer's own word) cannot be trusted
     * for its revocation, or null: no CRL of its CA in force (unknown); revoked for
     * {@code keyCompromise}, {@code cACompromise}, {@code aACompromise}, {@code unspecified} or no
     * reason given — the key may be in other hands, who date what they sign as they like — refuses
     * every signature; revoked for another reason ({@code superseded}, {@code cessationOfOperation},
     * {@code affiliationChanged}, {@code privilegeWithdrawn}, {@code certificateHold}) refuses
     * those dated at or after the revocation date.
     */
    public String signatureProblem(X509Certificate signer, Instant at) {
        refreshIfDue();
        Map<Integer, X509CRL> current = inForce;
        int issuer = issuerOf(signer, current);
        if (issuer < 0) {
            return "the revocation of the signer's certificate is unknown (no CRL of its CA in force)";
        }
        X509CRLEntry entry = current.get(issuer).getRevokedCertificate(signer);
        if (entry == null) {
            return null;
        }
        CRLReason reason = entry.getRevocationReason();
        Instant revoked = entry.getRevocationDate().toInstant();
        String serial = signer.getSerialNumber().toString(16);
        boolean benign = reason == CRLReason.SUPERSEDED || reason == CRLReason.CESSATION_OF_OPERATION
                || reason == CRLReason.AFFILIATION_CHANGED || reason == CRLReason.PRIVILEGE_WITHDRAWN
                || reason == CRLReason.CERTIFICATE_HOLD;
        if (!benign) {
            return "the signer's certificate (serial " + serial + ") is revoked ("
                    + (reason == null ? "no reason given" : reason.name()) + ", " + revoked
                    + "): none of its signatures is trusted, whatever its date";
        }
        return at.isBefore(revoked) ? null : "the signer's certificate (serial " + serial + ") was revoked ("
                + reason.name() + ") at " + revoked + ", not after the signature's time " + at;
    }

    public boolean isRevoked(X509Certificate cert) {
        return status(cert) == Status.REVOKED;
    }

    /** Whether the CRL in force of {@code cert}'s issuer lists it. */
    public Status status(X509Certificate cert) {
        refreshIfDue();
        Map<Integer, X509CRL> current = inForce;
        int issuer = issuerOf(cert, current);
        if (issuer < 0) {
            return Status.UNKNOWN;
        }
        return current.get(issuer).isRevoked(cert) ? Status.REVOKED : Status.GOOD;
    }

    /** The CA of {@link #cas} with a CRL in force that issued {@code cert}, or -1. */
    private int issuerOf(X509Certificate cert, Map<Integer, X509CRL> current) {
        int byName = -1;
        int candidates = 0;
        byte[] aki = authorityKeyId(cert);
        for (Map.Entry<Integer, X509CRL> e : current.entrySet()) {
            X509Certificate ca = cas.get(e.getKey());
            if (!ca.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                continue;
            }
            if (aki != null && Arrays.equals(aki, subjectKeyId(ca))) {
                return e.getKey();
            }
            byName = e.getKey();
            candidates++;
        }
        if (candidates <= 1 && aki == null) {
            return byName;
        }
        // several CAs of one name (a rollover keeping the name): the one whose key signed it
        for (Map.Entry<Integer, X509CRL> e : current.entrySet()) {
            X509Certificate ca = cas.get(e.getKey());
            if (ca.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                try {
                    cert.verify(ca.getPublicKey());
                    return e.getKey();
                } catch (GeneralSecurityException wrongKey) {
                    // another CA of that name
                }
            }
        }
        return -1;
    }

    private void refreshIfDue() {
        Instant now = clock.instant();
        if (Duration.between(lastCheck, now).compareTo(checkEvery) < 0) {
            return;
        }
        lastCheck = now;
        try {
            FileTime mtime = Files.getLastModifiedTime(file);
            boolean changed = !mtime.equals(loadedMtime);
            if (changed || Duration.between(lastLoad, now).compareTo(reloadAtLeastEvery) >= 0) {
                reload(false);
            }
        } catch (IOException e) {
            LOG.warn("CRL {} not readable, keeping the one in force: {}", file, e.getMessage());
        }
    }

    private synchronized void reload(boolean required) throws IOException {
        try {
            FileTime mtime = Files.getLastModifiedTime(file);
            List<X509CRL> fresh = Pem.readCrls(file);
            Map<Integer, X509CRL> next = new HashMap<>(inForce);
            CrlState state = CrlState.read(file.resolveSibling(STATE_FILE), shared);
            boolean stateChanged = false;
            for (X509CRL crl : fresh) {
                int ca = signerOf(crl);
                if (ca < 0) {
                    throw new GeneralSecurityException("CRL not signed by a CA of ca.pem");
                }
                String unsupported = unsupported(crl);
                if (unsupported != null) {
                    throw new UnsupportedCrl("the CRL of CA " + (ca + 1) + " " + unsupported);
                }
                X509CRL old = next.get(ca);
                if (old != null && isOlder(crl, old)) {
                    LOG.warn("CRL {}: a CRL older than the one in force for CA {} (number {} < {}); keeping the one in force",
                            file, ca + 1, number(crl), number(old));
                    continue;
                }
                BigInteger seenNumber = state.number(cas.get(ca));
                long seenIssued = state.issued(cas.get(ca));
                BigInteger n = number(crl);
                boolean older = n != null && seenNumber != null ? n.compareTo(seenNumber) < 0
                        : crl.getThisUpdate().getTime() < seenIssued;
                if (older) {
                    String what = "the CRL of CA " + (ca + 1) + " (serial " + cas.get(ca).getSerialNumber().toString(16)
                            + ") is number " + n + " issued " + crl.getThisUpdate().toInstant() + ", older than number "
                            + seenNumber + " issued " + Instant.ofEpochMilli(seenIssued) + " in force before (" + STATE_FILE
                            + (shared == null ? "" : " or another node's, cluster.crl_seen")
                            + "): an older crl.pem was put back, which would un-revoke certificates";
                    if (required) {
                        throw new IOException(file + ": " + what + ". Install the newest CRL of that CA (the last one "
                                + "published); the gateway does not start with an older one");
                    }
                    LOG.warn("CRL {}: {}; keeping the one in force", file, what);
                    continue;
                }
                stateChanged |= state.raise(cas.get(ca), n, crl);
                if (old == null || !crl.equals(old)) {
                    int count = crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
                    LOG.info("CRL loaded for CA {}: {} revoked certificate(s), number {}, issued {}", ca + 1, count,
                            number(crl), crl.getThisUpdate().toInstant());
                }
                next.put(ca, crl);
            }
            inForce = Map.copyOf(next);
            loadedMtime = mtime;
            lastLoad = clock.instant();
            if (stateChanged || state.sharedBehind()) {
                state.write();
            }
        } catch (UnsupportedCrl e) {
            if (required) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
            LOG.warn("CRL {} rejected ({}), keeping the one in force", file, e.getMessage());
        } catch (GeneralSecurityException e) {
            if (required) {
                throw new IOException(file + ": CRL signature is not a CA's of ca.pem", e);
            }
            LOG.warn("CRL {} rejected (signature), keeping the one in force", file);
        } catch (IOException e) {
            if (required) {
                throw e;
            }
            LOG.warn("CRL {} not readable, keeping the one in force: {}", file, e.getMessage());
        }
    }

    /** A CRL this class does not understand fully. */
    private static final class UnsupportedCrl extends GeneralSecurityException {
        UnsupportedCrl(String why) {
            super(why);
        }
    }

    /** Why {@code crl} is not a complete CRL of the kind this class reads (RFC 5280 §5.2), or null. */
    static String unsupported(X509CRL crl) {
        if (crl.getExtensionValue(Extension.deltaCRLIndicator.getId()) != null) {
            return "is a delta CRL (deltaCRLIndicator): only complete CRLs are read";
        }
        if (crl.getExtensionValue(Extension.issuingDistributionPoint.getId()) != null) {
            return "has an issuingDistributionPoint (a partial CRL): only complete CRLs are read";
        }
        if (crl.hasUnsupportedCriticalExtension()) {
            return "has an unsupported critical extension";
        }
        if (crl.getRevokedCertificates() != null) {
            for (X509CRLEntry e : crl.getRevokedCertificates()) {
                if (e.hasUnsupportedCriticalExtension()) {
                    return "has an entry with an unsupported critical extension";
                }
                if (e.getCertificateIssuer() != null) {
                    return "has an entry of another issuer (an indirect CRL)";
                }
            }
        }
        return null;
    }

    /** The CA (position in {@link #cas}) that signed {@code crl}, or -1. */
    private int signerOf(X509CRL crl) {
        for (int i = 0; i < cas.size(); i++) {
            X509Certificate ca = cas.get(i);
            if (ca.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
                try {
                    crl.verify(ca.getPublicKey());
                    return i;
                } catch (GeneralSecurityException other) {
                    // another CA of that name
                }
            }
        }
        return -1;
    }

    private static boolean isOlder(X509CRL crl, X509CRL inForce) {
        BigInteger a = number(crl);
        BigInteger b = number(inForce);
        if (a != null && b != null) {
            return a.compareTo(b) < 0;
        }
        return crl.getThisUpdate().before(inForce.getThisUpdate());
    }

    /** The {@code cRLNumber} extension (RFC 5280 §5.2.3), or null. */
    static BigInteger number(X509CRL crl) {
        byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (ext == null) {
            return null;
        }
        try {
            return ASN1Integer.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ext)).getValue();
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] authorityKeyId(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.authorityKeyIdentifier.getId());
        try {
            return ext == null ? null
                    : AuthorityKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ext)).getKeyIdentifier();
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] subjectKeyId(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        try {
            return ext == null ? null
                    : SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(ext)).getKeyIdentifier();
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
