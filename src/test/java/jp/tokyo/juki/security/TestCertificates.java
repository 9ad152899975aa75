package jp.tokyo.juki.security;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made in a test, each property chosen: validity, basic constraints, key usage,
 * signature algorithm. RSA key pairs are made once and reused (making one takes a moment).
 */
public final class TestCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final KeyPair[] KEYS = new KeyPair[5];
    private static int next;

    private TestCertificates() {
    }

    /** One of a few RSA-2048 key pairs, in turn. */
    public static synchronized KeyPair keyPair() throws Exception {
        int i = next++ % KEYS.length;
        if (KEYS[i] == null) {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048, RANDOM);
            KEYS[i] = gen.generateKeyPair();
        }
        return KEYS[i];
    }

    /** A certificate and its key. */
    public record Issued(X509Certificate cert, PrivateKey key) {
    }

    /** What to put in a certificate. */
    public static final class Spec {
        String subject;
        Instant notBefore = Instant.now().minus(Duration.ofDays(1));
        Instant notAfter = Instant.now().plus(Duration.ofDays(30));
        /** null: no basicConstraints; true: CA:true (critical); false: CA:false */
        Boolean ca;
        /** -1: no keyUsage extension */
        int keyUsage = -1;
        KeyPurposeId[] eku;
        String algorithm = "SHA256withRSA";
        KeyPair keys;

        public Spec(String cn) {
            subject = "CN=" + cn + ",O=Juki-net Tokyo";
        }

        public static Spec ca(String cn) {
            Spec s = new Spec(cn);
            s.ca = true;
            s.keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
            return s;
        }

        public static Spec client(String cn) {
            Spec s = new Spec(cn);
            s.ca = false;
            s.keyUsage = KeyUsage.digitalSignature;
            s.eku = new KeyPurposeId[]{KeyPurposeId.id_kp_clientAuth};
            return s;
        }

        public Spec valid(Instant from, Instant to) {
            notBefore = from;
            notAfter = to;
            return this;
        }

        public Spec basicConstraints(Boolean isCa) {
            ca = isCa;
            return this;
        }

        public Spec keyUsage(int bits) {
            keyUsage = bits;
            return this;
        }

        public Spec eku(KeyPurposeId... purposes) {
            eku = purposes;
            return this;
        }

        public Spec signedWith(String alg) {
            algorithm = alg;
            return this;
        }

        public Spec keys(KeyPair pair) {
            keys = pair;
            return this;
        }
    }

    /** A self-signed CA. */
    public static Issued selfSigned(Spec spec) throws Exception {
        return issue(spec, null);
    }

    /** Issues {@code spec}, signed by {@code issuer} (null: self-signed). */
    public static Issued issue(Spec spec, Issued issuer) throws Exception {
        KeyPair pair = spec.keys != null ? spec.keys : keyPair();
        X500Principal subject = new X500Principal(spec.subject);
        X500Principal issuerName = issuer == null ? subject : issuer.cert().getSubjectX500Principal();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(64, RANDOM).setBit(63),
                Date.from(spec.notBefore), Date.from(spec.notAfter), subject, pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        if (spec.ca != null) {
            b.addExtension(Extension.basicConstraints, true, spec.ca ? new BasicConstraints(true) : new BasicConstraints(false));
        }
        if (spec.keyUsage >= 0) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(spec.keyUsage));
        }
        if (spec.eku != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(spec.eku));
        }
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        if (issuer != null) {
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(issuer.cert().getPublicKey()));
        }
        PrivateKey signingKey = issuer == null ? pair.getPrivate() : issuer.key();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder(spec.algorithm).build(signingKey)));
        return new Issued(cert, pair.getPrivate());
    }

    /** A CRL of {@code ca} numbered {@code number}, revoking {@code revoked}. */
    public static X509CRL crl(Issued ca, long number, X509Certificate... revoked) throws Exception {
        Instant now = Instant.now();
        X509v2CRLBuilder b = new X509v2CRLBuilder(
                X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded()),
                Date.from(now.minusSeconds(60)));
        b.setNextUpdate(Date.from(now.plus(Duration.ofDays(7))));
        for (X509Certificate c : revoked) {
            b.addCRLEntry(c.getSerialNumber(), Date.from(now.minusSeconds(60)), CRLReason.keyCompromise);
        }
        b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
        b.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.cert().getPublicKey()));
        return new JcaX509CRLConverter().getCRL(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.key())));
    }

    /** Writes PEM objects (certificates, CRLs) one after the other: a bundle. */
    public static Path writePem(Path file, List<?> objects) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Object o : objects) {
            sb.append(Pem.toPem(o));
        }
        Files.writeString(file, sb.toString(), StandardCharsets.US_ASCII);
        return file;
    }
}
