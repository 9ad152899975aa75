package jp.tokyo.juki.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The development PKI's certificates and CRL carry what RFC 5280 and the JDK's PKIX expect
 * (key identifiers, basic constraints, key usage fitting each identity, a numbered CRL, the
 * gateway's host names), and its private keys are readable by their owner only.
 */
class DevPkiTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void init() throws Exception {
        new DevPki(dir, "pw".toCharArray(), List.of("gw.example.lg.jp", "10.0.0.5"))
                .init(List.of("gateway", "national", "cs-131016", "agency-suido"));
    }

    private static byte[] keyIdOf(X509Certificate ca) throws Exception {
        return SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
                ca.getExtensionValue(Extension.subjectKeyIdentifier.getId()))).getKeyIdentifier();
    }

    private static BigInteger crlNumber(X509CRL crl) throws Exception {
        return ASN1Integer.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
                crl.getExtensionValue(Extension.cRLNumber.getId()))).getValue();
    }

    @Test
    void theCrlIsNumberedAndNamesTheCaKeyAndTheNumberGrowsAtEachRevocation() throws Exception {
        X509Certificate ca = Pem.readCertificate(dir.resolve("ca.pem"));
        X509CRL crl = Pem.readCrl(dir.resolve("crl.pem"));
        assertThat(crlNumber(crl)).isEqualTo(BigInteger.ONE);
        byte[] aki = AuthorityKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
                crl.getExtensionValue(Extension.authorityKeyIdentifier.getId()))).getKeyIdentifier();
        assertThat(aki).isEqualTo(keyIdOf(ca));
        crl.verify(ca.getPublicKey());

        Path copy = Files.createTempDirectory("juki-pki-copy");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        DevPki pki = new DevPki(copy, "pw".toCharArray());
        pki.revoke("cs-131016");
        pki.revoke("agency-suido");
        X509CRL after = Pem.readCrl(copy.resolve("crl.pem"));
        assertThat(crlNumber(after)).isEqualTo(BigInteger.valueOf(3));
        assertThat(after.getRevokedCertificates()).hasSize(2);
        assertThat(after.getExtensionValue(Extension.authorityKeyIdentifier.getId())).isNotNull();
    }

    @Test
    void aRevocationKeepsTheEarlierEntriesAndTheOtherCasCrls() throws Exception {
        Path copy = Files.createTempDirectory("juki-pki-rollover");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        // a rollover: crl.pem holds another CA's CRL before this CA's
        TestCertificates.Issued other = TestCertificates.selfSigned(TestCertificates.Spec.ca("Juki-net Old CA"));
        X509CRL otherCrl = TestCertificates.crl(other, 41);
        List<Object> both = new ArrayList<>(List.of(otherCrl));
        both.addAll(Pem.readCrls(copy.resolve("crl.pem")));
        TestCertificates.writePem(copy.resolve("crl.pem"), both);
        DevPki pki = new DevPki(copy, "pw".toCharArray());
        pki.revoke("cs-131016");
        X509Certificate cs = Pem.readCertificate(copy.resolve("cs-131016.pem"));
        X509CRLEntry first = ownCrl(copy).getRevokedCertificate(cs);
        Thread.sleep(1100); // CRL dates are in seconds
        pki.revoke("agency-suido");
        List<X509CRL> after = Pem.readCrls(copy.resolve("crl.pem"));
        assertThat(after).hasSize(2);
        assertThat(after).contains(otherCrl);
        X509CRL own = ownCrl(copy);
        assertThat(crlNumber(own)).isEqualTo(BigInteger.valueOf(3));
        X509CRLEntry kept = own.getRevokedCertificate(cs);
        assertThat(kept.getRevocationDate()).isEqualTo(first.getRevocationDate());
        assertThat(kept.getRevocationReason()).isEqualTo(CRLReason.KEY_COMPROMISE);
        assertThat(own.getRevokedCertificates()).hasSize(2);
        // and the gateway reads both
        assertThat(new RevocationList(copy.resolve("crl.pem"), List.of(Pem.readCertificate(copy.resolve("ca.pem")), other.cert()),
                Clock.systemUTC(), Duration.ZERO).isRevoked(cs)).isTrue();
    }

    private static X509CRL ownCrl(Path pki) throws Exception {
        X509Certificate ca = Pem.readCertificate(pki.resolve("ca.pem"));
        return Pem.readCrls(pki.resolve("crl.pem")).stream()
                .filter(c -> c.getIssuerX500Principal().equals(ca.getSubjectX500Principal())).findFirst().orElseThrow();
    }

    @Test
    void theCaIsACaAndTheOthersAreNot() throws Exception {
        X509Certificate ca = Pem.readCertificate(dir.resolve("ca.pem"));
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(ca.getKeyUsage()[6]).as("cRLSign").isTrue();
        assertThat(ca.getKeyUsage()[0]).as("digitalSignature").isFalse();
        assertThat(ca.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
        for (String name : List.of("gateway", "national", "cs-131016", "agency-suido")) {
            X509Certificate c = Pem.readCertificate(dir.resolve(name + ".pem"));
            assertThat(c.getBasicConstraints()).as(name).isEqualTo(-1);
            assertThat(c.getKeyUsage()[0]).as(name + " digitalSignature").isTrue();
            assertThat(c.getKeyUsage()[5]).as(name + " keyCertSign").isFalse();
            byte[] aki = AuthorityKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
                    c.getExtensionValue(Extension.authorityKeyIdentifier.getId()))).getKeyIdentifier();
            assertThat(aki).as(name).isEqualTo(keyIdOf(ca));
            assertThat(c.getExtensionValue(Extension.subjectKeyIdentifier.getId())).as(name).isNotNull();
        }
    }

    @Test
    void eachIdentityMayDoWhatItDoesAndNoMore() throws Exception {
        String serverAuth = "1.3.6.1.5.5.7.3.1";
        String clientAuth = "1.3.6.1.5.5.7.3.2";
        String email = "1.3.6.1.5.5.7.3.4";
        X509Certificate cs = Pem.readCertificate(dir.resolve("cs-131016.pem"));
        assertThat(cs.getExtendedKeyUsage()).containsExactly(clientAuth);
        assertThat(cs.getKeyUsage()[2]).as("keyEncipherment").isFalse();
        X509Certificate national = Pem.readCertificate(dir.resolve("national.pem"));
        assertThat(national.getExtendedKeyUsage()).containsExactly(serverAuth);
        // files are encrypted to the gateway and the agencies with RSA-OAEP key transport: keyEncipherment
        X509Certificate gateway = Pem.readCertificate(dir.resolve("gateway.pem"));
        assertThat(gateway.getExtendedKeyUsage()).containsExactlyInAnyOrder(serverAuth, clientAuth, email);
        assertThat(gateway.getKeyUsage()[2]).as("keyEncipherment").isTrue();
        X509Certificate agency = Pem.readCertificate(dir.resolve("agency-suido.pem"));
        assertThat(agency.getExtendedKeyUsage()).containsExactlyInAnyOrder(clientAuth, email);
        assertThat(agency.getKeyUsage()[2]).as("keyEncipherment").isTrue();
    }

    @Test
    void theGatewayCertificateNamesItsHost() throws Exception {
        X509Certificate gateway = Pem.readCertificate(dir.resolve("gateway.pem"));
        List<String> names = new ArrayList<>();
        for (List<?> n : gateway.getSubjectAlternativeNames()) {
            names.add(n.get(0) + ":" + n.get(1));
        }
        // 2 = dNSName, 7 = iPAddress
        assertThat(names).containsExactly("2:localhost", "7:127.0.0.1", "2:gw.example.lg.jp", "7:10.0.0.5");
        assertThat(Pem.readCertificate(dir.resolve("cs-131016.pem")).getSubjectAlternativeNames()).isNull();
    }

    @Test
    void privateKeysAreReadableByTheOwnerOnly() throws Exception {
        List<String> secrets = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                if (KeyFiles.isSecret(f)) {
                    secrets.add(f.getFileName() + " " + mode);
                    assertThat(mode).as(f.getFileName().toString()).isEqualTo("rw-------");
                }
            }
        }
        assertThat(secrets).hasSize(9); // ca.key.pem, and .key.pem + .p12 of the four identities
    }

    @Test
    void keyFilesLeftReadableByAnOlderVersionAreTightenedAtStart() throws Exception {
        Path old = Files.createTempDirectory("juki-old-pki");
        new DevPki(old, "pw".toCharArray()).init(List.of("cs-131016"));
        for (String name : List.of("ca.key.pem", "cs-131016.key.pem", "cs-131016.p12")) {
            Files.setPosixFilePermissions(old.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.write(old.resolve("audit-hmac.key"), new byte[32]);
        Files.setPosixFilePermissions(old.resolve("audit-hmac.key"), PosixFilePermissions.fromString("rw-r--r--"));

        new KeyMaterial(old, "pw".toCharArray(), Duration.ofSeconds(5));

        for (String name : List.of("ca.key.pem", "cs-131016.key.pem", "cs-131016.p12", "audit-hmac.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(old.resolve(name)))).as(name)
                    .isEqualTo("rw-------");
        }
        // certificates and the CRL are public
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(old.resolve("ca.pem")))).isNotEqualTo("rw-------");
    }
}
