package jp.tokyo.juki.security;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.InvalidAlgorithmParameterException;
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
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedDataParser;
import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataParser;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransAuthEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientId;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.io.Streams;

/**
 * The protected files of the agency drop folders (PROTOCOL §4): CMS SignedData (RFC 5652,
 * content encapsulated, SHA-256 with RSA, the signer's certificate included) inside CMS
 * AuthEnvelopedData (RFC 5083, AES-256-GCM per RFC 5084, the content key transported with
 * RSA-OAEP to the recipient's certificate) — the construction of {@code openssl cms -sign
 * -nodetach -binary} followed by {@code openssl cms -encrypt -aes-256-gcm -keyopt
 * rsa_padding_mode:oaep -binary}, so files made either way open either way.
 *
 * <p>Both directions stream (BouncyCastle's {@code CMSAuthEnvelopedDataParser} and
 * {@code CMSSignedDataParser}, {@code CMSSignedDataStreamGenerator} inside
 * {@code CMSAuthEnvelopedDataStreamGenerator}): a file of any size is read and written through
 * buffers of a few KiB, never held whole (issue 15 finding 6). Written files are BER with
 * indefinite lengths where a length is not known in advance, as {@code openssl cms -stream}
 * writes them; every CMS reader, openssl's included, takes both.
 *
 * <p>{@link #open} proves only that the file is intact and signed by the certificate it carries;
 * whether that certificate may sign (CA, validity, revocation, identity) is the caller's check.
 */
public final class CmsFiles {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    /** RSA-OAEP with SHA-1 and MGF1-SHA-1: OpenSSL's default for rsa_padding_mode:oaep */
    private static final OAEPParameterSpec OAEP = new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1,
            PSource.PSpecified.DEFAULT);
    private static final int BUFFER = 64 * 1024;
    private static final String UNDECRYPTABLE = "cannot be decrypted (wrong key or altered file)";
    /**
     * BouncyCastle's ASN.1 parsers recurse into nested constructed values: 100,000 nested
     * indefinite-length SEQUENCEs (400 KB) overflow the stack. Every parse step catches
     * {@link StackOverflowError} and refuses the file, which is no CMS file the gateway can read.
     */
    private static final String TOO_DEEP = "not a CMS file the gateway can read (its ASN.1 nests too deeply)";

    /** A file that cannot be opened or verified; the reason names the step, never the content. */
    public static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** What a verified file holds, and who signed it. */
    public record Opened(byte[] content, X509Certificate signer) {
    }

    /** Reads a file's content as it is decrypted (it is not yet authenticated while it is read). */
    @FunctionalInterface
    public interface ContentReader<T> {
        T read(InputStream content) throws Exception;
    }

    /**
     * A verified file: what the reader made of its content, or what the reader threw (only
     * reported once the whole file was authenticated and its signature verified), and the signer.
     */
    public record Verified<T>(T value, Exception readFailure, X509Certificate signer) {
    }

    /** Writes the content to be protected. */
    @FunctionalInterface
    public interface ContentWriter {
        void write(OutputStream content) throws IOException;
    }

    private CmsFiles() {
    }

    /** Signs {@code content} with the signer's key and encrypts the result to {@code recipient}. */
    public static byte[] protect(byte[] content, PrivateKey signerKey, X509Certificate signer, X509Certificate recipient)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 4096);
        protect(out, signerKey, signer, recipient, c -> c.write(content));
        return out.toByteArray();
    }

    /**
     * Signs what {@code content} writes and encrypts it to {@code recipient}, streaming into
     * {@code file} (which is not closed).
     */
    public static void protect(OutputStream file, PrivateKey signerKey, X509Certificate signer, X509Certificate recipient,
                               ContentWriter content) throws IOException {
        try {
            CMSAuthEnvelopedDataStreamGenerator enveloping = new CMSAuthEnvelopedDataStreamGenerator();
            enveloping.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(recipient,
                    new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP, OAEP))
                    .setProvider(BC));
            enveloping.setBufferSize(BUFFER);
            OutputAEADEncryptor encryptor = (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM)
                    .setProvider(BC).build();
            CMSSignedDataStreamGenerator signing = new CMSSignedDataStreamGenerator();
            signing.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(digests())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").setProvider(BC).build(signerKey), signer));
            signing.addCertificates(new JcaCertStore(List.of(signer)));
            signing.setBufferSize(BUFFER);
            // the SignedData is the enveloped content as data, exactly as `openssl cms -encrypt` of a signed file
            try (OutputStream enveloped = enveloping.open(new CloseShield(file), encryptor);
                 OutputStream signed = signing.open(enveloped, true)) {
                content.write(signed);
            }
        } catch (CMSException | CertificateException | OperatorCreationException
                 | InvalidAlgorithmParameterException e) {
            throw new IOException("file could not be protected: " + e.getClass().getSimpleName(), e);
        }
    }

    /** Decrypts with our key and verifies the signature; returns the content and the signer's certificate. */
    public static Opened open(byte[] file, PrivateKey ourKey, X509Certificate ourCertificate) throws Refused {
        try {
            Verified<byte[]> v = open(new ByteArrayInputStream(file), ourKey, ourCertificate, InputStream::readAllBytes);
            if (v.readFailure() != null) {
                throw new Refused(UNDECRYPTABLE);
            }
            return new Opened(v.value(), v.signer());
        } catch (IOException e) {
            throw new Refused("not a CMS AuthEnvelopedData (RFC 5083) file"); // a byte array does not fail to be read
        }
    }

    /**
     * Decrypts with our key as it reads, hands the content to {@code reader} as a stream, then
     * checks the authentication tag and the signature. Nothing the reader made or threw counts
     * unless both hold: a reader's failure is returned in {@link Verified#readFailure()} only
     * for an authentic file. The file is read once and not closed.
     *
     * @throws Refused     the file is not one the gateway can open, or it is altered or its signature fails
     * @throws IOException the file itself could not be read (its folder, the disk): nothing is known of it
     */
    public static <T> Verified<T> open(InputStream file, PrivateKey ourKey, X509Certificate ourCertificate,
                                       ContentReader<T> reader) throws Refused, IOException {
        Guarded source = new Guarded(new BufferedInputStream(file, BUFFER));
        CMSAuthEnvelopedDataParser enveloped;
        try {
            enveloped = new CMSAuthEnvelopedDataParser(source);
        } catch (CMSException | IOException | RuntimeException | StackOverflowError e) {
            source.rethrow();
            throw new Refused("not a CMS AuthEnvelopedData (RFC 5083) file");
        }
        RecipientInformation recipient = enveloped.getRecipientInfos().get(new JceKeyTransRecipientId(ourCertificate));
        if (recipient == null) {
            throw new Refused("not encrypted to the gateway's certificate");
        }
        Guarded plain;
        try {
            plain = new Guarded(recipient.getContentStream(new JceKeyTransAuthEnvelopedRecipient(ourKey).setProvider(BC))
                    .getContentStream());
        } catch (CMSException | IOException | RuntimeException | StackOverflowError e) {
            source.rethrow();
            throw new Refused(UNDECRYPTABLE);
        }
        CMSSignedDataParser signed;
        CMSTypedStream content;
        try {
            signed = new CMSSignedDataParser(digests(), plain);
            content = signed.getSignedContent();
        } catch (CMSException | RuntimeException | StackOverflowError e) {
            failed(source, plain);
            throw new Refused("the decrypted content is not a CMS SignedData");
        }
        if (content == null) {
            throw new Refused("the signed content is not encapsulated (detached signature)");
        }
        T value = null;
        Exception readFailure = null;
        try {
            // a reader that closes what it reads (a CSV parser does) must not close the file's streams beneath
            value = reader.read(new FilterInputStream(content.getContentStream()) {
                @Override
                public void close() {
                }
            });
        } catch (Exception e) {
            readFailure = e;
        } catch (StackOverflowError e) {
            // the content's own structure (BER octet strings inside octet strings) nested too deeply to be read
            failed(source, plain);
            throw new Refused(TOO_DEEP);
        }
        try {
            content.drain(); // the digest covers what the reader left unread
        } catch (IOException | RuntimeException e) {
            failed(source, plain);
            throw new Refused(UNDECRYPTABLE);
        } catch (StackOverflowError e) {
            failed(source, plain);
            throw new Refused(TOO_DEEP);
        }
        failed(source, plain);
        X509Certificate signer;
        try {
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
            signer = new JcaX509CertificateConverter().setProvider(BC).getCertificate(certs.iterator().next());
            if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(signer))) {
                throw new Refused("the signature does not verify");
            }
        } catch (CMSException | OperatorCreationException | CertificateException | RuntimeException e) {
            failed(source, plain);
            throw new Refused("the signature does not verify");
        } catch (StackOverflowError e) {
            // its certificates or signer infos (parsed before the GCM tag is checked) nested too deeply
            failed(source, plain);
            throw new Refused("the decrypted content is not a CMS SignedData");
        }
        try {
            // the rest of the decrypted stream, to its end: only there is the GCM tag checked
            Streams.drain(plain);
        } catch (IOException | RuntimeException e) {
            failed(source, plain);
            throw new Refused(UNDECRYPTABLE);
        } catch (StackOverflowError e) {
            failed(source, plain);
            throw new Refused(TOO_DEEP);
        }
        failed(source, plain);
        return new Verified<>(value, readFailure, signer);
    }

    /** After a step failed or a reader returned: the file unreadable is an IOException, a decryption failure a refusal. */
    private static void failed(Guarded source, Guarded plain) throws IOException, Refused {
        source.rethrow();
        if (plain.failure != null) {
            throw new Refused(UNDECRYPTABLE);
        }
    }

    private static DigestCalculatorProvider digests() {
        try {
            return new JcaDigestCalculatorProviderBuilder().setProvider(BC).build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Remembers the first failure of the stream beneath, so that it is told apart from a parser's complaint. */
    private static final class Guarded extends FilterInputStream {
        private Exception failure;

        Guarded(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException | RuntimeException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }

        /** The file could not be read: an IOException, whatever a parser made of it. */
        void rethrow() throws IOException {
            if (failure instanceof IOException e) {
                throw new IOException("the file could not be read (" + e.getClass().getSimpleName() + ")", e);
            }
        }
    }
}
