package jp.tokyo.juki.security;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, during the TLS handshake, whether the peer may talk on this line (PROTOCOL §1):
 * its certificate must be signed by the network CA, valid now, not revoked, and its subject
 * CN must fit the line ({@code cs-NNNNNN} on the CS listener, {@code national} towards the
 * national server …). Anything else fails the handshake: the peer receives nothing.
 */
public final class PeerTrustManager extends X509ExtendedTrustManager {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTrustManager.class);

    private final X509Certificate ca;
    private final RevocationList crl;
    private final Predicate<String> allowedCn;
    private final String line;
    private final java.util.function.BiConsumer<String, String> onRefusal;

    /**
     * @param line      a name for logs ("cs", "national")
     * @param allowedCn which subject CNs may appear on this line
     */
    public PeerTrustManager(X509Certificate ca, RevocationList crl, Predicate<String> allowedCn, String line) {
        this(ca, crl, allowedCn, line, (peer, why) -> { });
    }

    /** @param onRefusal told (peer CN or null, reason) of every certificate refused, for the audit */
    public PeerTrustManager(X509Certificate ca, RevocationList crl, Predicate<String> allowedCn, String line,
                            java.util.function.BiConsumer<String, String> onRefusal) {
        this.ca = ca;
        this.crl = crl;
        this.allowedCn = allowedCn;
        this.line = line;
        this.onRefusal = onRefusal;
    }

    /** Checks a peer chain; the message of the exception says why, without personal data. */
    public void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw refuse(null, "no certificate");
        }
        X509Certificate leaf = chain[0];
        String peer = Identities.commonName(leaf);
        if (!leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            throw refuse(peer, "certificate not issued by the network CA");
        }
        try {
            leaf.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw refuse(peer, "certificate signature is not the network CA's");
        }
        try {
            leaf.checkValidity();
        } catch (CertificateException e) {
            throw refuse(peer, "certificate expired or not yet valid");
        }
        if (crl.isRevoked(leaf)) {
            throw refuse(peer, "certificate revoked (serial " + leaf.getSerialNumber().toString(16) + ")");
        }
        if (peer == null || !allowedCn.test(peer)) {
            throw refuse(peer, "identity '" + peer + "' may not connect on this line");
        }
    }

    /**
     * Whether the peer of an established session may still talk: its certificate still valid
     * and not revoked since the handshake. Checked on every request, so that revoking a CS cuts
     * off its open connections and resumed TLS sessions (which skip the certificate check) too.
     */
    public boolean stillTrusted(javax.net.ssl.SSLSession session) {
        try {
            java.security.cert.Certificate[] certs = session.getPeerCertificates();
            if (certs.length == 0 || !(certs[0] instanceof X509Certificate leaf)) {
                return false;
            }
            leaf.checkValidity();
            if (crl.isRevoked(leaf)) {
                LOG.warn("TLS peer on {} line revoked since its handshake (serial {}); closing", line,
                        leaf.getSerialNumber().toString(16));
                return false;
            }
            return true;
        } catch (javax.net.ssl.SSLPeerUnverifiedException | CertificateException e) {
            return false;
        }
    }

    private CertificateException refuse(String peer, String why) {
        LOG.warn("peer certificate refused on {} line: {}", line, why);
        onRefusal.accept(peer, why);
        return new CertificateException(why);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[]{ca};
    }
}
