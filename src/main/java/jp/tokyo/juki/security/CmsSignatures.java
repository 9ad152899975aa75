package jp.tokyo.juki.security;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
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
     * Why {@code signed} is not a signature by {@code identity} (its certificate issued by
     * {@code ca} and valid at {@code at}), or null when it is: exactly one signer, its certificate
     * included, the signature verifying over the content.
     */
    public static String problem(CMSSignedData signed, X509Certificate ca, String identity, Instant at) {
        return problem(signed, List.of(ca), identity, at);
    }

    /**
     * As above with every CA of {@code ca.pem} (a rollover): the signer's certificate is checked by
     * the JDK's PKIX at {@code at} (the CA's signature, validity, the disabled algorithms of
     * {@code java.security}); revocation is not (a signature made before a revocation stays good).
     */
    public static String problem(CMSSignedData signed, List<X509Certificate> cas, String identity, Instant at) {
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
                java.util.Set<java.security.cert.TrustAnchor> anchors = new java.util.HashSet<>();
                for (X509Certificate ca : cas) {
                    anchors.add(new java.security.cert.TrustAnchor(ca, null));
                }
                java.security.cert.PKIXParameters params = new java.security.cert.PKIXParameters(anchors);
                params.setDate(Date.from(at));
                params.setRevocationEnabled(false);
                java.security.cert.CertPathValidator.getInstance("PKIX").validate(
                        java.security.cert.CertificateFactory.getInstance("X.509").generateCertPath(List.of(signer)), params);
            } catch (Exception e) {
                return "the signer's certificate is not one of this CA valid at " + at;
            }
            if (!identity.equals(Identities.commonName(signer))) {
                return "signed by '" + Identities.commonName(signer) + "', not by " + identity;
            }
            return null;
        } catch (Exception e) {
            return "the signature cannot be read (" + e.getClass().getSimpleName() + ")";
        }
    }
}
