package jp.tokyo.juki.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
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
    private final List<String> hostNames;
    private final SecureRandom random = new SecureRandom();

    public DevPki(Path dir, char[] password) {
        this(dir, password, List.of());
    }

    /** @param gatewayHostNames names (or addresses) of the gateway host for its certificate, besides localhost and 127.0.0.1 */
    public DevPki(Path dir, char[] password, List<String> gatewayHostNames) {
        this.dir = dir;
        this.password = password.clone();
        this.hostNames = List.copyOf(gatewayHostNames);
    }

    public Path dir() {
        return dir;
    }

    /** Creates the CA (if absent), every named identity that is missing and an empty CRL (if absent). */
    public List<String> init(List<String> identities) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        KeyFiles.restrictAll(dir);
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
            writeCrl(null, null, BigInteger.ONE, List.of());
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
        KeyPair pair = newKeyPair();
        X509Certificate cert = certificate(ca, name, pair, notBefore, notAfter);
        KeyStore p12 = KeyStore.getInstance("PKCS12");
        p12.load(null, null);
        p12.setKeyEntry(name, pair.getPrivate(), password, new X509Certificate[]{cert, ca});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p12.store(out, password);
        Pem.writePrivatePem(dir.resolve(name + ".key.pem"), new JcaPKCS8Generator(pair.getPrivate(), null));
        Pem.writePem(dir.resolve(name + ".pem"), cert);
        KeyFiles.writePrivately(dir.resolve(name + ".p12"), out.toByteArray());
        return cert;
    }

    /**
     * Issues the backup certificate ({@link Identities#BACKUP}: RSA-OAEP recipient of the backup
     * archives, issue 14): its key only into {@code keyDir} as {@code backup.p12} (this PKI's
     * password; no unencrypted key file), kept apart from this directory because the archives
     * carry this directory whole; the certificate as {@code backup.pem} into both.
     */
    public X509Certificate issueBackup(Path keyDir, Instant notBefore, Instant notAfter)
            throws IOException, GeneralSecurityException {
        X509Certificate ca = Pem.readCertificate(dir.resolve("ca.pem"));
        KeyPair pair = newKeyPair();
        String name = Identities.BACKUP;
        X509Certificate cert = certificate(ca, name, pair, notBefore, notAfter);
        KeyStore p12 = KeyStore.getInstance("PKCS12");
        p12.load(null, null);
        p12.setKeyEntry(name, pair.getPrivate(), password, new X509Certificate[]{cert, ca});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p12.store(out, password);
        Files.createDirectories(keyDir);
        KeyFiles.writePrivately(keyDir.resolve(name + ".p12"), out.toByteArray());
        Pem.writePem(keyDir.resolve(name + ".pem"), cert);
        Pem.writePem(dir.resolve(name + ".pem"), cert);
        return cert;
    }

    private X509Certificate certificate(X509Certificate ca, String name, KeyPair pair, Instant notBefore, Instant notAfter)
            throws IOException, GeneralSecurityException {
        PrivateKey caKey = Pem.readPrivateKey(dir.resolve("ca.key.pem"));
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(),
                Date.from(notBefore), Date.from(notAfter), new X500Principal("CN=" + name + ",O=Juki-net Tokyo"),
                pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        Usage usage = usageOf(name);
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage.keyUsage()));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage.purposes()));
        if (usage.server()) {
            builder.addExtension(Extension.subjectAlternativeName, false, serverNames());
        }
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(ca));
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer(caKey)));
    }

    /**
     * Adds the certificate of {@code name} to the CRL of its CA (reason keyCompromise, dated now)
     * and re-signs it with the next {@code cRLNumber}; the entries already there keep their dates
     * and reasons, and the other CAs' CRLs of {@code crl.pem} (a rollover) are kept as they are.
     * Returns false if it was already there.
     */
    public boolean revoke(String name) throws IOException, GeneralSecurityException {
        Path certFile = dir.resolve(name + ".pem");
        if (!Files.exists(certFile)) {
            throw new IOException("no certificate for identity '" + name + "' in " + dir);
        }
        X509Certificate cert = Pem.readCertificate(certFile);
        X509Certificate ca = Pem.readCertificate(dir.resolve("ca.pem"));
        Path crlFile = dir.resolve("crl.pem");
        List<X509CRL> others = new ArrayList<>();
        X509CRL own = null;
        if (Files.exists(crlFile)) {
            for (X509CRL crl : Pem.readCrls(crlFile)) {
                if (own == null && crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal()) && signedBy(crl, ca)) {
                    own = crl;
                } else {
                    others.add(crl);
                }
            }
        }
        BigInteger number = BigInteger.ONE;
        if (own != null) {
            BigInteger last = RevocationList.number(own);
            number = last == null ? BigInteger.TWO : last.add(BigInteger.ONE);
            if (own.getRevokedCertificate(cert.getSerialNumber()) != null) {
                return false;
            }
        }
        writeCrl(own, cert.getSerialNumber(), number, others);
        return true;
    }

    private static boolean signedBy(X509CRL crl, X509Certificate ca) {
        try {
            crl.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
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
        Pem.writePrivatePem(dir.resolve("ca.key.pem"), new JcaPKCS8Generator(pair.getPrivate(), null));
        Pem.writePem(dir.resolve("ca.pem"), cert);
        Files.deleteIfExists(dir.resolve("crl.pem"));
    }

    /**
     * Signs a CRL numbered {@code number} ({@code cRLNumber}, one more at each revocation) naming
     * its CA's key (AKI), RFC 5280 §5.2: the entries of {@code previous} (if any) as they were,
     * plus {@code serial} (if not null) revoked now for keyCompromise; written to {@code crl.pem}
     * after {@code others} (the other CAs' CRLs, kept).
     */
    private void writeCrl(X509CRL previous, BigInteger serial, BigInteger number, List<X509CRL> others)
            throws IOException, GeneralSecurityException {
        X509Certificate ca = Pem.readCertificate(dir.resolve("ca.pem"));
        PrivateKey caKey = Pem.readPrivateKey(dir.resolve("ca.key.pem"));
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(
                X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), Date.from(now));
        builder.setNextUpdate(Date.from(now.plus(CRL_VALIDITY)));
        if (previous != null) {
            // every entry as it was: its revocation date and reason (extensions) unchanged
            builder.addCRL(new X509CRLHolder(previous.getEncoded()));
        }
        if (serial != null) {
            builder.addCRLEntry(serial, Date.from(now), CRLReason.keyCompromise);
        }
        builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
        builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(ca));
        X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(signer(caKey)));
        StringBuilder pem = new StringBuilder();
        for (X509CRL other : others) {
            pem.append(Pem.toPem(other));
        }
        pem.append(Pem.toPem(crl));
        Pem.writeAtomically(dir.resolve("crl.pem"), pem.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** What an identity's key is for: key usage and extended key usage; a server also gets its host names. */
    private record Usage(int keyUsage, KeyPurposeId[] purposes, boolean server) {
    }

    /**
     * A CS and an operator ({@code op-ID}) are TLS clients; the national servers TLS servers; the gateway both (CS line, national
     * line) and, like the agencies, signs agency files (S/MIME: {@code openssl cms -verify}
     * requires it of a signer) and receives files encrypted to it (RSA-OAEP key transport:
     * keyEncipherment). An agency logs in over SFTP with its key (clientAuth).
     */
    private static Usage usageOf(String name) {
        int sign = KeyUsage.digitalSignature;
        int signAndReceive = KeyUsage.digitalSignature | KeyUsage.keyEncipherment;
        if (name.equals(Identities.GATEWAY)) {
            return new Usage(signAndReceive, new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth,
                    KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_emailProtection}, true);
        }
        if (name.startsWith("agency-")) {
            return new Usage(signAndReceive, new KeyPurposeId[]{KeyPurposeId.id_kp_clientAuth,
                    KeyPurposeId.id_kp_emailProtection}, false);
        }
        if (Identities.municipalityOf(name) != null || Identities.operatorOf(name) != null) {
            return new Usage(sign, new KeyPurposeId[]{KeyPurposeId.id_kp_clientAuth}, false);
        }
        if (name.equals(Identities.BACKUP)) {
            // only receives: the content key of a backup archive is transported to it (RSA-OAEP)
            return new Usage(KeyUsage.keyEncipherment, new KeyPurposeId[]{KeyPurposeId.id_kp_emailProtection}, false);
        }
        if (name.equals(Identities.NATIONAL) || name.equals(Identities.NATIONAL_FUHYO)) {
            return new Usage(sign, new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth}, true);
        }
        return new Usage(sign, new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}, false);
    }

    /** subjectAltName of a server: localhost, 127.0.0.1 and the host names given (an IP literal as an address). */
    private GeneralNames serverNames() {
        List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        for (String host : hostNames) {
            boolean ip = host.matches("[0-9.]+") || host.contains(":");
            GeneralName n = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host);
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    /** The CA's key identifier (its subjectKeyIdentifier), as RFC 5280 §4.2.1.1 wants it in what the CA signs. */
    private static AuthorityKeyIdentifier authorityKeyId(X509Certificate ca) throws GeneralSecurityException {
        byte[] ski = ca.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        try {
            return ski != null
                    ? new AuthorityKeyIdentifier(SubjectKeyIdentifier.getInstance(
                            JcaX509ExtensionUtils.parseExtensionValue(ski)).getKeyIdentifier())
                    : new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.getPublicKey());
        } catch (IOException e) {
            throw new GeneralSecurityException("unreadable CA key identifier", e);
        }
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
