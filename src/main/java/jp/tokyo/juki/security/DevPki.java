package jp.tokyo.juki.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
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
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The development PKI of PROTOCOL §1, made with BouncyCastle: one CA under {@code dir} and, for
 * every identity NAME, {@code NAME.p12}, {@code NAME.pem} and {@code NAME.key.pem}; plus
 * {@code ca.pem}, {@code ca.key.pem} and {@code crl.pem}. Existing files are kept, so running it
 * again only adds what is missing. Production keys are supplied by the operator instead.
 */
public final class DevPki {
    public static final String CA_NAME = "Juki-net Development CA";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(825);
    private static final Duration CRL_VALIDITY = Duration.ofDays(30);

    private final Path dir;
    private final char[] password;
    private final SecureRandom random = new SecureRandom();

    public DevPki(Path dir, char[] password) {
        this.dir = dir;
        this.password = password.clone();
    }

    public Path dir() {
        return dir;
    }

    /** Creates the CA (if absent), every named identity that is missing and an empty CRL (if absent). */
    public List<String> init(List<String> identities) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        List<String> created = new ArrayList<>();
        if (!Files.exists(dir.resolve("ca.pem")) || !Files.exists(dir.resolve("ca.key.pem"))) {
            createCa();
            created.add("ca");
        }
        for (String name : identities) {
            if (!Files.exists(dir.resolve(name + ".p12"))) {
                Instant now = Instant.now();
                issue(name, now.minus(Duration.ofMinutes(5)), now.plus(LEAF_VALIDITY));
                created.add(name);
            }
        }
        if (!Files.exists(dir.resolve("crl.pem"))) {
            writeCrl(List.of());
        }
        return created;
    }

    /**
     * Issues (or re-issues) a certificate for {@code name} with the given validity: the dev PKI
     * uses it for every identity; tests use it for an expired or not-yet-valid one.
     */
    public X509Certificate issue(String name, Instant notBefore, Instant notAfter)
            throws IOException, GeneralSecurityException {
        X509Certificate ca = Pem.readCertificate(dir.resolve("ca.pem"));
        PrivateKey caKey = Pem.readPrivateKey(dir.resolve("ca.key.pem"));
        KeyPair pair = newKeyPair();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(),
                Date.from(notBefore), Date.from(notAfter), new X500Principal("CN=" + name + ",O=Juki-net Tokyo"),
                pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.dataEncipherment));
        // who signs and encrypts agency files (the gateway, the agencies) also gets the S/MIME
        // purpose, which `openssl cms -verify` requires of a signer by default
        boolean signsFiles = name.equals(Identities.GATEWAY) || name.startsWith("agency-");
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(signsFiles
                ? new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth,
                        KeyPurposeId.id_kp_emailProtection}
                : new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer(caKey)));

        KeyStore p12 = KeyStore.getInstance("PKCS12");
        p12.load(null, null);
        p12.setKeyEntry(name, pair.getPrivate(), password, new X509Certificate[]{cert, ca});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p12.store(out, password);
        Pem.writePem(dir.resolve(name + ".key.pem"), new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null));
        Pem.writePem(dir.resolve(name + ".pem"), cert);
        Pem.writeAtomically(dir.resolve(name + ".p12"), out.toByteArray());
        return cert;
    }

    /** Adds the certificate of {@code name} to the CRL and re-signs it. Returns false if it was already there. */
    public boolean revoke(String name) throws IOException, GeneralSecurityException {
        Path certFile = dir.resolve(name + ".pem");
        if (!Files.exists(certFile)) {
            throw new IOException("no certificate for identity '" + name + "' in " + dir);
        }
        X509Certificate cert = Pem.readCertificate(certFile);
        List<BigInteger> revoked = new ArrayList<>();
        Path crlFile = dir.resolve("crl.pem");
        if (Files.exists(crlFile)) {
            X509CRL crl = Pem.readCrl(crlFile);
            if (crl.getRevokedCertificates() != null) {
                for (X509CRLEntry e : crl.getRevokedCertificates()) {
                    revoked.add(e.getSerialNumber());
                }
            }
        }
        if (revoked.contains(cert.getSerialNumber())) {
            return false;
        }
        revoked.add(cert.getSerialNumber());
        writeCrl(revoked);
        return true;
    }

    private void createCa() throws IOException, GeneralSecurityException {
        KeyPair pair = newKeyPair();
        Instant now = Instant.now();
        X500Principal subject = new X500Principal("CN=" + CA_NAME + ",O=Juki-net Tokyo");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer(pair.getPrivate())));
        Pem.writePem(dir.resolve("ca.key.pem"), new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null));
        Pem.writePem(dir.resolve("ca.pem"), cert);
        Files.deleteIfExists(dir.resolve("crl.pem"));
    }

    private void writeCrl(List<BigInteger> revoked) throws IOException, GeneralSecurityException {
        X509Certificate ca = Pem.readCertificate(dir.resolve("ca.pem"));
        PrivateKey caKey = Pem.readPrivateKey(dir.resolve("ca.key.pem"));
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(
                org.bouncycastle.asn1.x500.X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), Date.from(now));
        builder.setNextUpdate(Date.from(now.plus(CRL_VALIDITY)));
        for (BigInteger serial : revoked) {
            builder.addCRLEntry(serial, Date.from(now), CRLReason.keyCompromise);
        }
        X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(signer(caKey)));
        Pem.writePem(dir.resolve("crl.pem"), crl);
    }

    private KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048, random);
        return gen.generateKeyPair();
    }

    private BigInteger serial() {
        return new BigInteger(128, random).setBit(127);
    }

    private static ContentSigner signer(PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaContentSignerBuilder("SHA256withRSA").build(key);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign", e);
        }
    }
}
