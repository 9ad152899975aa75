package jp.tokyo.juki.security;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, during the TLS handshake, whether the peer may talk on this line (PROTOCOL §1), and
 * whether a file signature or an SFTP login is by whom it claims. The chain is validated by the
 * JDK's PKIX ({@link CertPathValidator}, RFC 5280: signatures, validity of every certificate,
 * basic constraints and key usage of issuers, the {@code jdk.certpath.disabledAlgorithms} of
 * {@code java.security}) up to one of the CAs of {@code ca.pem} — several for a rollover — that
 * is itself valid now. On top: the project's CRL rule ({@link RevocationList}: the last CRL of
 * each CA stays in force), the key usage of the end certificate for its purpose, and the CN rule
 * of the line ({@code cs-NNNNNN} on the CS listener, {@code national} towards the national
 * server …). Anything else fails the handshake: the peer receives nothing.
 *
 * <p>A refusal's reason names the rule that refused (expired, not yet valid, CA expired,
 * untrusted issuer, revoked, revocation unknown, wrong CN, bad key usage, disabled algorithm) in
 * a few words; it never carries the certificate nor its subject.
 */
public final class PeerTrustManager extends X509ExtendedTrustManager {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTrustManager.class);
    /** more certificates than this below the CA is not a chain of ours */
    private static final int MAX_PATH = 4;
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
    private static final String SSH_CLIENT = "1.3.6.1.5.5.7.3.21";
    private static final String ANY_EKU = "2.5.29.37.0";

    /** What the peer's certificate is used for here: which key usage it must allow. */
    public enum Purpose {
        /** a TLS client: digitalSignature; extended key usage (if present) clientAuth */
        TLS_CLIENT,
        /** a TLS server: digitalSignature; extended key usage (if present) serverAuth */
        TLS_SERVER,
        /**
         * a signature by the certificate's key outside TLS (an agency file, an SFTP login):
         * digitalSignature or nonRepudiation; extended key usage (if present) emailProtection
         * (S/MIME), clientAuth or secureShellClient
         */
        SIGNATURE
    }

    /** A refused certificate: {@link #getMessage()} is the short reason, {@link #rule()} the rule that refused. */
    public static final class Refused extends CertificateException {
        private final String rule;

        Refused(String rule, String why) {
            super(why);
            this.rule = rule;
        }

        /** expired, not yet valid, CA expired, untrusted issuer, revoked, … (see the class comment) */
        public String rule() {
            return rule;
        }
    }

    private final List<X509Certificate> cas;
    private final RevocationList crl;
    private final Predicate<String> allowedCn;
    private final String line;
    private final BiConsumer<String, String> onRefusal;
    private final Clock clock;

    /**
     * @param line      a name for logs ("cs", "national")
     * @param allowedCn which subject CNs may appear on this line
     */
    public PeerTrustManager(X509Certificate ca, RevocationList crl, Predicate<String> allowedCn, String line) {
        this(List.of(ca), crl, allowedCn, line, (peer, why) -> { });
    }

    /** @param onRefusal told (peer CN or null, reason) of every certificate refused, for the audit */
    public PeerTrustManager(X509Certificate ca, RevocationList crl, Predicate<String> allowedCn, String line,
                            BiConsumer<String, String> onRefusal) {
        this(List.of(ca), crl, allowedCn, line, onRefusal);
    }

    /** @param cas the trusted CAs (every certificate of {@code ca.pem}) */
    public PeerTrustManager(List<X509Certificate> cas, RevocationList crl, Predicate<String> allowedCn, String line,
                            BiConsumer<String, String> onRefusal) {
        this(cas, crl, allowedCn, line, onRefusal, Clock.systemUTC());
    }

    PeerTrustManager(List<X509Certificate> cas, RevocationList crl, Predicate<String> allowedCn, String line,
                     BiConsumer<String, String> onRefusal, Clock clock) {
        if (cas.isEmpty()) {
            throw new IllegalArgumentException("no CA to trust");
        }
        this.cas = List.copyOf(cas);
        this.crl = crl;
        this.allowedCn = allowedCn;
        this.line = line;
        this.onRefusal = onRefusal;
        this.clock = clock;
    }

    /** Checks the certificate of a signature outside TLS (an agency file, an SFTP login); see {@link Purpose#SIGNATURE}. */
    public void check(X509Certificate[] chain) throws CertificateException {
        check(chain, Purpose.SIGNATURE);
    }

    /** Checks a peer chain (the peer's certificate first); the message of the exception says why, in a few words. */
    public void check(X509Certificate[] chain, Purpose purpose) throws CertificateException {
        if (chain == null || chain.length == 0 || chain[0] == null) {
            throw refuse(null, "no certificate", "no certificate");
        }
        X509Certificate leaf = chain[0];
        String peer = Identities.commonName(leaf);
        List<X509Certificate> path = pathOf(chain);
        if (path.size() > MAX_PATH) {
            throw refuse(peer, "untrusted issuer", "untrusted issuer (chain too long)");
        }
        Date now = Date.from(clock.instant());
        Refused refused = validate(path, now);
        if (refused != null) {
            throw refuse(peer, refused);
        }
        for (X509Certificate cert : path) {
            switch (crl.status(cert)) {
                case REVOKED -> throw refuse(peer, "revoked", (cert == leaf ? "certificate revoked (serial " : "issuer revoked (serial ")
                        + cert.getSerialNumber().toString(16) + ")");
                case UNKNOWN -> throw refuse(peer, "revocation unknown", "revocation unknown (no CRL of its issuer)");
                case GOOD -> {
                }
            }
        }
        if (peer == null || !allowedCn.test(peer)) {
            // the CN is our CA's word by now (the chain holds), bounded all the same; "identity" first:
            // AgencyRequests tells a wrong signer by it
            throw refuse(peer, "wrong CN", (peer == null ? "identity without a CN"
                    : "identity '" + (peer.length() > 64 ? peer.substring(0, 64) + "…" : peer) + "'")
                    + " may not connect on the " + line + " line (wrong CN)");
        }
        String usage = usageProblem(leaf, purpose);
        if (usage != null) {
            throw refuse(peer, "bad key usage", "bad key usage: " + usage);
        }
    }

    /**
     * The certificates to validate: the peer's and the issuers it sent, up to (without) a
     * self-issued one — a trust anchor comes from {@code ca.pem}, never from the peer.
     */
    private static List<X509Certificate> pathOf(X509Certificate[] chain) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(chain[0]);
        for (int i = 1; i < chain.length && path.size() <= MAX_PATH; i++) {
            X509Certificate c = chain[i];
            if (c == null || c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                break;
            }
            path.add(c);
        }
        return path;
    }

    /** Runs PKIX over {@code path}; null if it holds, else why not. */
    private Refused validate(List<X509Certificate> path, Date now) {
        Set<TrustAnchor> current = new LinkedHashSet<>();
        Set<TrustAnchor> all = new LinkedHashSet<>();
        for (X509Certificate ca : cas) {
            TrustAnchor anchor = new TrustAnchor(ca, null);
            all.add(anchor);
            if (!now.before(ca.getNotBefore()) && !now.after(ca.getNotAfter())) {
                current.add(anchor);
            }
        }
        CertPathValidatorException failure = null;
        if (!current.isEmpty()) {
            try {
                pkix(path, current, now);
                return null;
            } catch (CertPathValidatorException e) {
                failure = e;
            } catch (GeneralSecurityException e) {
                return new Refused("untrusted issuer", "untrusted issuer (cannot validate)");
            }
        }
        if (current.size() < all.size()) {
            // would a CA out of its validity have issued it? (PKIX takes a trust anchor's validity as given)
            try {
                X509Certificate ca = pkix(path, all, now).getTrustAnchor().getTrustedCert();
                return now.after(ca.getNotAfter()) ? new Refused("CA expired", "CA expired")
                        : new Refused("CA not yet valid", "CA not yet valid");
            } catch (CertPathValidatorException e) {
                if (failure == null) {
                    failure = e; // no CA valid now: why the chain fails even so
                }
            } catch (GeneralSecurityException e) {
                return new Refused("untrusted issuer", "untrusted issuer (cannot validate)");
            }
        }
        return failure == null ? new Refused("untrusted issuer", "untrusted issuer") : reasonOf(failure);
    }

    private static PKIXCertPathValidatorResult pkix(List<X509Certificate> path, Set<TrustAnchor> anchors, Date now)
            throws GeneralSecurityException {
        CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
        PKIXParameters params = new PKIXParameters(anchors);
        params.setDate(now);
        // revocation is the project's own CRL rule, checked after (the last CRL stays in force)
        params.setRevocationEnabled(false);
        return (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(certPath, params);
    }

    /** The rule PKIX refused by, in a few words (its own message may quote the certificate's subject). */
    private static Refused reasonOf(CertPathValidatorException e) {
        boolean leaf = e.getIndex() <= 0;
        CertPathValidatorException.Reason r = e.getReason();
        if (r == BasicReason.EXPIRED) {
            return leaf ? new Refused("expired", "expired") : new Refused("expired", "expired issuer");
        }
        if (r == BasicReason.NOT_YET_VALID) {
            return leaf ? new Refused("not yet valid", "not yet valid") : new Refused("not yet valid", "issuer not yet valid");
        }
        if (r == BasicReason.ALGORITHM_CONSTRAINED) {
            return new Refused("disabled algorithm", "disabled algorithm (jdk.certpath.disabledAlgorithms)");
        }
        if (r == BasicReason.INVALID_SIGNATURE) {
            return new Refused("untrusted issuer", "untrusted issuer (signature)");
        }
        if (r == PKIXReason.NOT_CA_CERT || r == PKIXReason.PATH_TOO_LONG
                || (r == PKIXReason.INVALID_KEY_USAGE && !leaf)) {
            return new Refused("untrusted issuer", "untrusted issuer (not a CA)");
        }
        if (r == PKIXReason.INVALID_KEY_USAGE) {
            return new Refused("bad key usage", "bad key usage");
        }
        if (r == PKIXReason.UNRECOGNIZED_CRIT_EXT) {
            return new Refused("untrusted issuer", "unrecognised critical extension");
        }
        return new Refused("untrusted issuer", "untrusted issuer");
    }

    /** Why the end certificate's key may not be used for {@code purpose}, or null (RFC 5280 §4.2.1.3, §4.2.1.12). */
    static String usageProblem(X509Certificate cert, Purpose purpose) {
        boolean[] ku = cert.getKeyUsage(); // null: no extension, any use
        boolean signs = ku == null || ku[0] || (purpose == Purpose.SIGNATURE && ku.length > 1 && ku[1]);
        if (!signs) {
            return purpose == Purpose.SIGNATURE ? "no digitalSignature nor nonRepudiation" : "no digitalSignature";
        }
        List<String> eku;
        try {
            eku = cert.getExtendedKeyUsage(); // null: no extension, any purpose
        } catch (CertificateParsingException e) {
            return "unreadable extended key usage";
        }
        if (eku == null || eku.contains(ANY_EKU)) {
            return null;
        }
        return switch (purpose) {
            case TLS_CLIENT -> eku.contains(CLIENT_AUTH) ? null : "extended key usage without clientAuth";
            case TLS_SERVER -> eku.contains(SERVER_AUTH) ? null : "extended key usage without serverAuth";
            case SIGNATURE -> eku.contains(EMAIL_PROTECTION) || eku.contains(CLIENT_AUTH) || eku.contains(SSH_CLIENT)
                    ? null : "extended key usage without emailProtection, clientAuth or secureShellClient";
        };
    }

    /**
     * Whether the peer of an established session may still talk: its certificate still valid
     * and not revoked since the handshake. Checked on every request, so that revoking a CS cuts
     * off its open connections and resumed TLS sessions (which skip the certificate check) too.
     */
    public boolean stillTrusted(SSLSession session) {
        try {
            Certificate[] certs = session.getPeerCertificates();
            if (certs.length == 0 || !(certs[0] instanceof X509Certificate leaf)) {
                return false;
            }
            leaf.checkValidity(Date.from(clock.instant()));
            RevocationList.Status status = crl.status(leaf);
            if (status != RevocationList.Status.GOOD) {
                LOG.warn("TLS peer on {} line {} since its handshake (serial {}); closing", line,
                        status == RevocationList.Status.REVOKED ? "revoked" : "of a CA without a CRL in force",
                        leaf.getSerialNumber().toString(16));
                return false;
            }
            return true;
        } catch (SSLPeerUnverifiedException | CertificateException e) {
            return false;
        }
    }

    private Refused refuse(String peer, String rule, String why) {
        return refuse(peer, new Refused(rule, why));
    }

    private Refused refuse(String peer, Refused refused) {
        LOG.warn("peer certificate refused on {} line: {}", line, refused.getMessage());
        onRefusal.accept(peer, refused.getMessage());
        return refused;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, Purpose.TLS_CLIENT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, Purpose.TLS_SERVER);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, Purpose.TLS_CLIENT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, Purpose.TLS_SERVER);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, Purpose.TLS_CLIENT);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, Purpose.TLS_SERVER);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return cas.toArray(new X509Certificate[0]);
    }
}
