package jp.tokyo.juki.testkit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;
import org.bouncycastle.util.encoders.Hex;

/**
 * Hostile agency files whose ASN.1 nests deeper than BouncyCastle's recursive parsers can follow
 * (issue 15 review): {@code depth} indefinite-length constructed values inside each other, each
 * 2 bytes to open and 2 to close — 100,000 of them are a 400 KB file.
 */
public final class NestedCms {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private NestedCms() {
    }

    /** {@code open} {@code depth} times, then {@code inner}, then as many end-of-contents. */
    private static void nest(ByteArrayOutputStream out, String open, int depth, String inner) {
        byte[] o = Hex.decode(open);
        for (int i = 0; i < depth; i++) {
            out.writeBytes(o);
        }
        out.writeBytes(Hex.decode(inner));
        for (int i = 0; i < depth; i++) {
            out.writeBytes(new byte[]{0, 0});
        }
    }

    /** A ContentInfo of AuthEnvelopedData (RFC 5083) whose recipientInfos hold {@code depth} nested SEQUENCEs. */
    public static byte[] nestedRecipientInfos(int depth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4 * depth + 64);
        // ContentInfo { id-ct-authEnvelopedData, [0] AuthEnvelopedData { version 0, recipientInfos SET {
        out.writeBytes(Hex.decode("3080" + "060b2a864886f70d0109100117" + "a080" + "3080" + "020100" + "3180"));
        nest(out, "3080", depth, "");
        out.writeBytes(Hex.decode("0000" + "0000" + "0000" + "0000"));
        return out.toByteArray();
    }

    /**
     * An AuthEnvelopedData anyone can make, encrypted to {@code recipient}, whose content is a
     * SignedData whose certificates hold {@code depth} nested SEQUENCEs (parsed before the
     * authentication tag is checked).
     */
    public static byte[] nestedSignedDataCertificates(int depth, X509Certificate recipient) throws Exception {
        ByteArrayOutputStream signed = new ByteArrayOutputStream(4 * depth + 128);
        // ContentInfo { id-signedData, [0] SignedData { version 1, digestAlgorithms { sha256 },
        //   encapContentInfo { id-data, [0] "x" }, certificates [0] {
        signed.writeBytes(Hex.decode("3080" + "06092a864886f70d010702" + "a080" + "3080" + "020101"
                + "310f300d0609608648016503040201" + "0500"
                + "3080" + "06092a864886f70d010701" + "a080" + "040178" + "0000" + "0000"
                + "a080"));
        nest(signed, "3080", depth, "");
        // } signerInfos {} } }
        signed.writeBytes(Hex.decode("0000" + "3100" + "0000" + "0000" + "0000"));
        return encrypted(signed.toByteArray(), recipient);
    }

    /** Like a request, but the signed content is {@code depth} constructed OCTET STRINGs inside each other. */
    public static byte[] nestedSignedContent(int depth, X509Certificate recipient) throws Exception {
        ByteArrayOutputStream signed = new ByteArrayOutputStream(4 * depth + 128);
        signed.writeBytes(Hex.decode("3080" + "06092a864886f70d010702" + "a080" + "3080" + "020101"
                + "310f300d0609608648016503040201" + "0500"
                + "3080" + "06092a864886f70d010701" + "a080"));
        nest(signed, "2480", depth, "040178");
        signed.writeBytes(Hex.decode("0000" + "0000" + "3100" + "0000" + "0000" + "0000"));
        return encrypted(signed.toByteArray(), recipient);
    }

    /** {@code content} as AES-256-GCM AuthEnvelopedData to {@code recipient}, RSA-OAEP, unsigned. */
    private static byte[] encrypted(byte[] content, X509Certificate recipient) throws Exception {
        CMSAuthEnvelopedDataStreamGenerator g = new CMSAuthEnvelopedDataStreamGenerator();
        g.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(recipient,
                new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP,
                        new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT)))
                .setProvider(BC));
        OutputAEADEncryptor encryptor = (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM)
                .setProvider(BC).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 4096);
        try (OutputStream o = g.open(out, encryptor)) {
            o.write(content);
        }
        return out.toByteArray();
    }
}
