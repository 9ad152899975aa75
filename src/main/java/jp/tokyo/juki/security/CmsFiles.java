package jp.tokyo.juki.security;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.util.Collection;
import java.util.List;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientId;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;

/**
 * The protected files of the agency drop folders (PROTOCOL §4): CMS SignedData (RFC 5652,
 * content encapsulated, SHA-256 with RSA, the signer's certificate included) inside CMS
 * AuthEnvelopedData (RFC 5083, AES-256-GCM per RFC 5084, the content key transported with
 * RSA-OAEP to the recipient's certificate) — the construction of {@code openssl cms -sign
 * -nodetach -binary} followed by {@code openssl cms -encrypt -aes-256-gcm -keyopt
 * rsa_padding_mode:oaep -binary}, so files made either way open either way.
 *
 * <p>{@link #open} proves only that the file is intact and signed by the certificate it carries;
 * whether that certificate may sign (CA, validity, revocation, identity) is the caller's check.
 */
public final class CmsFiles {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    /** RSA-OAEP with SHA-1 and MGF1-SHA-1: OpenSSL's default for rsa_padding_mode:oaep */
    private static final OAEPParameterSpec OAEP = new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1,
            PSource.PSpecified.DEFAULT);

    /** A file that cannot be opened or verified; the reason names the step, never the content. */
    public static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** What a verified file holds, and who signed it. */
    public record Opened(byte[] content, X509Certificate signer) {
    }

    private CmsFiles() {
    }

    /** Signs {@code content} with the signer's key and encrypts the result to {@code recipient}. */
    public static byte[] protect(byte[] content, PrivateKey signerKey, X509Certificate signer, X509Certificate recipient)
            throws IOException {
        try {
            byte[] signed = CmsSignatures.sign(content, signerKey, signer, true);

            CMSAuthEnvelopedDataGenerator enveloping = new CMSAuthEnvelopedDataGenerator();
            enveloping.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(recipient,
                    new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP, OAEP))
                    .setProvider(BC));
            OutputAEADEncryptor encryptor = (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM)
                    .setProvider(BC).build();
            // the SignedData is the enveloped content as data, exactly as `openssl cms -encrypt` of a signed file
            return enveloping.generate(new CMSProcessableByteArray(signed), encryptor).getEncoded();
        } catch (CMSException | CertificateException
                 | java.security.InvalidAlgorithmParameterException e) {
            throw new IOException("file could not be protected: " + e.getClass().getSimpleName(), e);
        }
    }

    /** Decrypts with our key and verifies the signature; returns the content and the signer's certificate. */
    public static Opened open(byte[] file, PrivateKey ourKey, X509Certificate ourCertificate) throws Refused {
        CMSAuthEnvelopedData enveloped;
        try {
            enveloped = new CMSAuthEnvelopedData(file);
        } catch (CMSException | RuntimeException e) {
            throw new Refused("not a CMS AuthEnvelopedData (RFC 5083) file");
        }
        RecipientInformation recipient = enveloped.getRecipientInfos().get(new JceKeyTransRecipientId(ourCertificate));
        if (recipient == null) {
            throw new Refused("not encrypted to the gateway's certificate");
        }
        byte[] inner;
        try {
            inner = recipient.getContent(new JceKeyTransEnvelopedRecipient(ourKey).setProvider(BC));
        } catch (CMSException | RuntimeException e) {
            throw new Refused("cannot be decrypted (wrong key or altered file)");
        }
        CMSSignedData signed;
        try {
            signed = new CMSSignedData(inner);
        } catch (CMSException | RuntimeException e) {
            throw new Refused("the decrypted content is not a CMS SignedData");
        }
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw new Refused("must carry exactly one signature, carries " + signers.size());
        }
        SignerInformation si = signers.iterator().next();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> certs = signed.getCertificates().getMatches(si.getSID());
        if (certs.isEmpty()) {
            throw new Refused("the signer's certificate is not in the file");
        }
        try {
            X509Certificate signer = new JcaX509CertificateConverter().setProvider(BC).getCertificate(certs.iterator().next());
            if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(signer))) {
                throw new Refused("the signature does not verify");
            }
            if (signed.getSignedContent() == null) {
                throw new Refused("the signed content is not encapsulated (detached signature)");
            }
            return new Opened((byte[]) signed.getSignedContent().getContent(), signer);
        } catch (CMSException | OperatorCreationException | CertificateException | RuntimeException e) {
            throw new Refused("the signature does not verify");
        }
    }
}
