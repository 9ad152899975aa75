package jp.tokyo.juki.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import jp.tokyo.juki.security.TestCertificates.Issued;
import jp.tokyo.juki.security.TestCertificates.Spec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 review: a signature's time is its signer's word, so the CRL decides whose signatures
 * stand (a key revoked for compromise signs nothing any more, whatever date it writes); the CRL
 * in force cannot be rolled back by putting an older crl.pem back before a restart; CRLs this
 * gateway does not fully understand, and certificates of ca.pem that are not CAs, are refused.
 */
class SignatureRevocationTest {
    private static final String CA = "Juki-net Test CA";

    @TempDir
    Path dir;

    private static Issued gateway(Issued ca) throws Exception {
        return TestCertificates.issue(Spec.client("gateway").keyUsage(KeyUsage.digitalSignature)
                .eku(KeyPurposeId.id_kp_emailProtection), ca);
    }

    /** A CRL of {@code ca} numbered {@code number} revoking {@code cert} at {@code revoked} for {@code reason} (-1: none given). */
    private static X509CRL crl(Issued ca, long number, X509Certificate cert, Instant revoked, int reason) throws Exception {
        X509v2CRLBuilder b = new X509v2CRLBuilder(
                X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded()),
                Date.from(Instant.now().minusSeconds(60)));
        b.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(7))));
        if (cert != null) {
            if (reason < 0) {
                b.addCRLEntry(cert.getSerialNumber(), Date.from(revoked), (Extensions) null);
            } else {
                b.addCRLEntry(cert.getSerialNumber(), Date.from(revoked), reason);
            }
        }
        b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
        b.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.cert().getPublicKey()));
        return new JcaX509CRLConverter().getCRL(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.key())));
    }

    private RevocationList revocations(Issued ca, X509CRL crl) throws Exception {
        TestCertificates.writePem(dir.resolve("crl.pem"), List.of(crl));
        return new RevocationList(dir.resolve("crl.pem"), List.of(ca.cert()), Clock.systemUTC(), Duration.ZERO);
    }

    private static String check(Issued signer, Instant at, RevocationList crl) throws Exception {
        CMSSignedData signed = new CMSSignedData(CmsSignatures.sign("checkpoint".getBytes(), signer.key(), signer.cert(), true));
        return CmsSignatures.problem(signed, crl, "gateway", at);
    }

    @Test
    void aKeyRevokedForCompromiseSignsNothingWhateverItsDate() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        Issued gw = gateway(ca);
        Instant revoked = Instant.now().minus(Duration.ofHours(1));
        Instant backdated = revoked.minus(Duration.ofHours(5));
        assertThat(check(gw, backdated, revocations(ca, crl(ca, 1, null, null, 0)))).isNull();
        assertThat(check(gw, backdated, revocations(ca, crl(ca, 2, gw.cert(), revoked, CRLReason.keyCompromise))))
                .contains("is revoked (KEY_COMPROMISE").contains("none of its signatures is trusted");
        // no reason given (nor unspecified): taken as a compromise
        assertThat(check(gw, backdated, revocations(ca, crl(ca, 3, gw.cert(), revoked, -1))))
                .contains("no reason given");
        // unspecified (BouncyCastle leaves the reason out then, as RFC 5280 §5.3.1 says a CA should)
        assertThat(check(gw, backdated, revocations(ca, crl(ca, 4, gw.cert(), revoked, CRLReason.unspecified))))
                .contains("is revoked").contains("none of its signatures is trusted");
    }

    @Test
    void aKeyRetiredForAnotherReasonKeepsItsEarlierSignatures() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        Issued gw = gateway(ca);
        Instant revoked = Instant.now().minus(Duration.ofHours(1));
        RevocationList crl = revocations(ca, crl(ca, 2, gw.cert(), revoked, CRLReason.superseded));
        assertThat(check(gw, revoked.minusSeconds(1), crl)).isNull();
        assertThat(check(gw, revoked, crl)).contains("was revoked (SUPERSEDED)");
        assertThat(check(gw, Instant.now(), crl)).contains("was revoked (SUPERSEDED)");
    }

    @Test
    void aSignerWhoseKeyMayNotSignIsRefused() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        Issued tlsOnly = TestCertificates.issue(Spec.client("gateway").keyUsage(KeyUsage.keyEncipherment)
                .eku(KeyPurposeId.id_kp_serverAuth), ca);
        assertThat(check(tlsOnly, Instant.now(), revocations(ca, crl(ca, 1, null, null, 0))))
                .startsWith("the signer's certificate may not sign");
    }

    @Test
    void anOlderCrlPutBackBeforeARestartIsRefusedAtStart() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        Issued gw = gateway(ca);
        revocations(ca, crl(ca, 7, gw.cert(), Instant.now(), CRLReason.keyCompromise));
        Path state = dir.resolve(RevocationList.STATE_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rw-------");
        assertThat(Files.readString(state)).contains(".number=7");
        // the gateway stops; someone puts back number 6, which did not list the gateway yet
        assertThatThrownBy(() -> revocations(ca, crl(ca, 6, null, null, 0)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is number 6").hasMessageContaining("older than number 7")
                .hasMessageContaining("Install the newest CRL of that CA");
        // the same one, or a newer one, starts
        assertThat(revocations(ca, crl(ca, 7, gw.cert(), Instant.now(), CRLReason.keyCompromise)).isRevoked(gw.cert())).isTrue();
        assertThat(revocations(ca, crl(ca, 8, null, null, 0)).isRevoked(gw.cert())).isFalse();
        assertThat(Files.readString(state)).contains(".number=8");
    }

    @Test
    void deltaPartialAndUnknownCriticalCrlsAreRefused() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        for (Extension ext : List.of(
                new Extension(Extension.deltaCRLIndicator, true, new CRLNumber(BigInteger.ONE).getEncoded()),
                new Extension(Extension.issuingDistributionPoint, true, new IssuingDistributionPoint(
                        new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier,
                                "http://crl.example/part1.crl"))), false, false).getEncoded()),
                new Extension(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), true,
                        DERNull.INSTANCE.getEncoded()))) {
            X509v2CRLBuilder b = new X509v2CRLBuilder(
                    X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded()),
                    Date.from(Instant.now().minusSeconds(60)));
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.TEN));
            b.addExtension(ext);
            X509CRL crl = new JcaX509CRLConverter().getCRL(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.key())));
            assertThatThrownBy(() -> revocations(ca, crl)).isInstanceOf(IOException.class)
                    .hasMessageContaining("the CRL of CA 1 ");
        }
    }

    @Test
    void aCertificateOfCaPemThatIsNotACaStopsTheStartNamingIt() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        Issued leaf = TestCertificates.issue(Spec.client("cs-131016"), ca);
        Issued noCertSign = TestCertificates.selfSigned(Spec.ca("Juki-net Other CA").keyUsage(KeyUsage.cRLSign));
        Path caFile = TestCertificates.writePem(dir.resolve("ca.pem"), List.of(ca.cert(), leaf.cert()));
        assertThatThrownBy(() -> KeyMaterial.readCas(caFile)).isInstanceOf(IOException.class)
                .hasMessageContaining("entry 2 (serial " + leaf.cert().getSerialNumber().toString(16) + ")")
                .hasMessageContaining("basicConstraints without cA=true");
        TestCertificates.writePem(caFile, List.of(noCertSign.cert(), ca.cert()));
        assertThatThrownBy(() -> KeyMaterial.readCas(caFile)).hasMessageContaining("entry 1")
                .hasMessageContaining("without keyCertSign");
        TestCertificates.writePem(caFile, List.of(ca.cert()));
        assertThat(KeyMaterial.readCas(caFile)).hasSize(1);
    }

    @Test
    void aSecretIsWrittenWholeAndOwnerOnly() throws Exception {
        Path f = dir.resolve("x.key");
        KeyFiles.writePrivately(f, "secret".getBytes());
        KeyFiles.writePrivately(f, "secret2".getBytes());
        assertThat(Files.readString(f)).isEqualTo("secret2");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("x.key");
        }
    }
}
