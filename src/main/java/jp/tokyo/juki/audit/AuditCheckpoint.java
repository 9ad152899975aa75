package jp.tokyo.juki.audit;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import jp.tokyo.juki.security.Identities;
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
 * A signed checkpoint of the audit chain: the gateway's statement "the record at {@code seq}
 * has hash {@code hash}, at {@code at}", as CMS SignedData (SHA-256 with RSA, the statement
 * encapsulated, the gateway's certificate included). Whoever rewrites the chain after it cannot
 * make it end in the signed hash again without the gateway's key.
 */
public record AuditCheckpoint(long seq, byte[] hash, Instant at, byte[] signature) {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /** The signed statement: plain ASCII, readable with {@code openssl cms -verify -print}. */
    public static byte[] statement(long seq, byte[] hash, Instant at) {
        return ("juki-gateway audit checkpoint\nseq=" + seq + "\nhash=" + AuditChain.hex(hash) + "\nat=" + at + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Signs the chain's head as of now. */
    public static AuditCheckpoint sign(AuditChain.Head head, PrivateKey key, X509Certificate certificate) {
        Instant at = AuditChain.stored(Instant.now());
        try {
            CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
            gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().setProvider(BC).build())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(BC).build(key), certificate));
            gen.addCertificates(new JcaCertStore(List.of(certificate)));
            byte[] signed = gen.generate(new CMSProcessableByteArray(statement(head.seq(), head.hash(), at)), true)
                    .getEncoded("DER");
            return new AuditCheckpoint(head.seq(), head.hash(), at, signed);
        } catch (Exception e) {
            throw new IllegalStateException("audit checkpoint could not be signed: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Why this checkpoint cannot be trusted, or null when it can: the signature must verify, the
     * signed statement must be exactly this checkpoint's seq, hash and time, and the signer must
     * be the gateway's certificate, issued by {@code ca} and valid at the checkpoint's time.
     */
    public String problem(X509Certificate ca) {
        try {
            CMSSignedData signed = new CMSSignedData(signature);
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
            byte[] content = signed.getSignedContent() == null ? null : (byte[]) signed.getSignedContent().getContent();
            if (!Arrays.equals(content, statement(seq, hash, at))) {
                return "the signed statement is not this checkpoint's seq, hash and time";
            }
            try {
                signer.verify(ca.getPublicKey());
                signer.checkValidity(Date.from(at));
            } catch (Exception e) {
                return "the signer's certificate is not one of this CA valid at " + at;
            }
            if (!Identities.GATEWAY.equals(Identities.commonName(signer))) {
                return "signed by '" + Identities.commonName(signer) + "', not by the gateway";
            }
            return null;
        } catch (Exception e) {
            return "the signature cannot be read (" + e.getClass().getSimpleName() + ")";
        }
    }
}
