package jp.tokyo.juki.security;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * CMS SignedData (RFC 5652) as the gateway makes it — SHA-256 with RSA, the signer's certificate
 * included — and the check that one was made by a given identity of our CA. Used for the agency
 * files, the audit checkpoints and the audit archives' manifests.
 */
public final class CmsSignatures {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private CmsSignatures() {
    }

    /** Signs {@code content}; {@code encapsulate}: the content inside the SignedData, else a detached signature. */
    public static byte[] sign(byte[] content, PrivateKey key, X509Certificate certificate, boolean encapsulate)
            throws IOException {
        try {
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().setProvider(BC).build())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(BC).build(key), certificate));
            gen.addCertificates(new JcaCertStore(List.of(certificate)));
            return gen.generate(new CMSProcessableByteArray(content), encapsulate).getEncoded("DER");
        } catch (Exception e) {
            throw new IOException("could not be signed: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Why {@code signed} is not a signature by {@code identity}, or null when it is: exactly one
     * signer, its certificate included, the signature verifying over the content; the signer's
     * certificate checked by the JDK's PKIX at {@code at} up to a CA of {@code crl} (every CA of
     * {@code ca.pem}: a rollover), its key usage allowing signatures ({@link PeerTrustManager.Purpose#SIGNATURE}),
     * and not revoked by the CRL in force ({@link RevocationList#signatureProblem}): {@code at}
     * is the signer's own word, so a certificate revoked for a compromise of its key (or for no
     * reason given) refuses every signature, whatever its date; one revoked for another reason
     * refuses those dated at or after its revocation.
     */
    public static String problem(CMSSignedData signed, RevocationList crl, String identity, Instant at) {
        List<X509Certificate> cas = crl.cas();
        try {
            Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                return "carries " + signers.size() + " signatures, not 1";
            }
            SignerInformation si = signers.iterator().next();
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> certs = signed.getCertificates().getMatches(si.getSID());
            if (certs.isEmpty()) {
                return "the signer's certificate is missing";
            }
            X509Certificate signer = new JcaX509CertificateConverter().setProvider(BC).getCertificate(certs.iterator().next());
            if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(signer))) {
                return "the signature does not verify";
            }
            try {
                Set<TrustAnchor> anchors = new HashSet<>();
                for (X509Certificate ca : cas) {
                    anchors.add(new TrustAnchor(ca, null));
                }
                PKIXParameters params = new PKIXParameters(anchors);
                params.setDate(Date.from(at));
                params.setRevocationEnabled(false);
                CertPathValidator.getInstance("PKIX").validate(
                        CertificateFactory.getInstance("X.509").generateCertPath(List.of(signer)), params);
            } catch (Exception e) {
                return "the signer's certificate is not one of this CA valid at " + at;
            }
            if (!identity.equals(Identities.commonName(signer))) {
                return "signed by '" + Identities.commonName(signer) + "', not by " + identity;
            }
            String usage = PeerTrustManager.usageProblem(signer, PeerTrustManager.Purpose.SIGNATURE);
            if (usage != null) {
                return "the signer's certificate may not sign (" + usage + ")";
            }
            return crl.signatureProblem(signer, at);
        } catch (Exception e) {
            return "the signature cannot be read (" + e.getClass().getSimpleName() + ")";
        }
    }
}
