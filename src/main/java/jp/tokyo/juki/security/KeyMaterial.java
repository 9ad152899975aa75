package jp.tokyo.juki.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Where the keys of one installation live ({@code keystores/}) and how to turn them into
 * TLS contexts. Shared by the gateway and the simulators, which load their own identity.
 */
public final class KeyMaterial {
    public static final String[] PROTOCOLS = {"TLSv1.3"};

    private final Path dir;
    private final char[] password;
    private final List<X509Certificate> cas;
    private final RevocationList crl;

    public KeyMaterial(Path dir, char[] password, Duration crlCheckEvery) throws IOException {
        this.dir = dir;
        this.password = password.clone();
        Path caFile = dir.resolve("ca.pem");
        if (!Files.exists(caFile)) {
            throw new IOException("no CA certificate at " + caFile + " (run './gateway pki init' for a development PKI)");
        }
        // every CA of the bundle is trusted: during a rollover ca.pem holds the old and the new one
        this.cas = readCas(caFile);
        this.crl = new RevocationList(dir.resolve("crl.pem"), cas, Clock.systemUTC(), crlCheckEvery);
        KeyFiles.restrictAll(dir);
    }

    /**
     * The certificates of {@code ca.pem}, each checked to be a CA (basicConstraints cA=true, and
     * keyCertSign if it has a key usage): a leaf certificate put there by mistake would be a trust
     * anchor whose holder could issue certificates PKIX takes as ours (a trust anchor's own
     * extensions are not checked by PKIX).
     *
     * @throws IOException naming the entry (position and serial) that is not a CA
     */
    public static List<X509Certificate> readCas(Path caFile) throws IOException {
        List<X509Certificate> cas = Pem.readCertificates(caFile);
        if (cas.isEmpty()) {
            throw new IOException(caFile + " holds no certificate");
        }
        for (int i = 0; i < cas.size(); i++) {
            X509Certificate ca = cas.get(i);
            boolean[] ku = ca.getKeyUsage();
            String why = ca.getBasicConstraints() < 0 ? "basicConstraints without cA=true"
                    : ku != null && (ku.length < 6 || !ku[5]) ? "key usage without keyCertSign" : null;
            if (why != null) {
                throw new IOException(caFile + ": entry " + (i + 1) + " (serial " + ca.getSerialNumber().toString(16)
                        + ") is not a CA certificate (" + why + "); remove it from ca.pem");
            }
        }
        return List.copyOf(cas);
    }

    public Path dir() {
        return dir;
    }

    public char[] password() {
        return password.clone();
    }

    /** The first CA of {@code ca.pem}. */
    public X509Certificate ca() {
        return cas.get(0);
    }

    /** Every CA of {@code ca.pem} (more than one during a rollover). */
    public List<X509Certificate> cas() {
        return cas;
    }

    public RevocationList crl() {
        return crl;
    }

    public Path keyStoreFile(String identity) {
        return dir.resolve(identity + ".p12");
    }

    public KeyStore keyStore(String identity) throws IOException, GeneralSecurityException {
        Path file = keyStoreFile(identity);
        if (!Files.exists(file)) {
            throw new IOException("no key store for identity '" + identity + "' at " + file);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    /** An identity's private key and certificate, for signing (CMS). */
    public record Signer(PrivateKey key, X509Certificate certificate) {
    }

    /** {@code identity}'s key and certificate from its key store. */
    public Signer signer(String identity) throws IOException, GeneralSecurityException {
        KeyStore ks = keyStore(identity);
        return new Signer((PrivateKey) ks.getKey(identity, password),
                (X509Certificate) ks.getCertificate(identity));
    }

    public PeerTrustManager trustManager(Predicate<String> allowedCn, String line) {
        return new PeerTrustManager(cas, crl, allowedCn, line, (peer, why) -> { });
    }

    /** As above, telling {@code onRefusal} (peer CN or null, reason) of every certificate refused. */
    public PeerTrustManager trustManager(Predicate<String> allowedCn, String line,
                                         BiConsumer<String, String> onRefusal) {
        return new PeerTrustManager(cas, crl, allowedCn, line, onRefusal);
    }

    /** A TLS 1.3 context presenting {@code identity} and trusting only peers that {@code allowedCn} admits. */
    public SSLContext sslContext(String identity, Predicate<String> allowedCn, String line)
            throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(identity), password);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), new TrustManager[]{trustManager(allowedCn, line)}, null);
        return ctx;
    }
}
