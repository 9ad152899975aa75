package jp.tokyo.juki.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.security.PeerTrustManager.Purpose;
import jp.tokyo.juki.security.TestCertificates.Issued;
import jp.tokyo.juki.security.TestCertificates.Spec;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKIX rules the trust manager applies to a peer's chain (issue 15 finding 9), each with
 * certificates made here: who issued it, when it is valid, what it may be used for, how it is
 * signed, and the CRL and CN rules on top. Each refusal is told to the audit callback with a
 * short reason naming the rule.
 */
class PeerTrustManagerTest {
    private static final String CA = "Juki-net Test CA";
    private static final Instant NOW = Instant.now();

    @TempDir
    Path dir;

    private final List<String> refusals = new ArrayList<>();

    /** A trust manager of the CS line trusting {@code cas}, each with an empty CRL unless {@code crls} are given. */
    private PeerTrustManager csLine(List<Issued> cas, List<?> crls) throws Exception {
        Path caFile = TestCertificates.writePem(dir.resolve("ca.pem"), cas.stream().map(Issued::cert).toList());
        List<Object> crlObjects = new ArrayList<>(crls);
        if (crls.isEmpty()) {
            for (Issued ca : cas) {
                crlObjects.add(TestCertificates.crl(ca, 1));
            }
        }
        Path crlFile = TestCertificates.writePem(dir.resolve("crl.pem"), crlObjects);
        List<X509Certificate> anchors = Pem.readCertificates(caFile);
        RevocationList crl = new RevocationList(crlFile, anchors, Clock.systemUTC(), Duration.ZERO);
        return new PeerTrustManager(anchors, crl, Identities.csLine(), "cs", (peer, why) -> refusals.add(peer + ": " + why));
    }

    private PeerTrustManager csLine(Issued... cas) throws Exception {
        return csLine(List.of(cas), List.of());
    }

    private static X509Certificate[] chain(Issued... certs) {
        X509Certificate[] out = new X509Certificate[certs.length];
        for (int i = 0; i < certs.length; i++) {
            out[i] = certs[i].cert();
        }
        return out;
    }

    private void assertRefused(PeerTrustManager tm, X509Certificate[] chain, Purpose purpose, String rule, String reason) {
        refusals.clear();
        assertThatThrownBy(() -> tm.check(chain, purpose))
                .isInstanceOfSatisfying(PeerTrustManager.Refused.class, r -> assertThat(r.rule()).isEqualTo(rule))
                .hasMessage(reason);
        assertThat(refusals).hasSize(1);
        assertThat(refusals.get(0)).endsWith(": " + reason).hasSizeLessThan(120);
    }

    @Test
    void aCsCertificateOfTheCaIsAccepted() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        Issued cs = TestCertificates.issue(Spec.client("cs-131016"), ca);
        PeerTrustManager tm = csLine(ca);
        assertThatCode(() -> tm.checkClientTrusted(chain(cs), "RSA")).doesNotThrowAnyException();
        // the peer may send the CA along (as the PKCS#12 chains do): it is not taken from the peer, but harmless
        assertThatCode(() -> tm.checkClientTrusted(chain(cs, ca), "RSA")).doesNotThrowAnyException();
        assertThat(refusals).isEmpty();
    }

    @Test
    void aCertificateOfAnExpiredCaIsRefused() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA).valid(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(1))));
        // the CS certificate itself is valid now: only its CA has run out
        Issued cs = TestCertificates.issue(Spec.client("cs-131016"), ca);
        assertRefused(csLine(ca), chain(cs), Purpose.TLS_CLIENT, "CA expired", "CA expired");
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsRefused() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        Issued expired = TestCertificates.issue(Spec.client("cs-131016")
                .valid(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1))), ca);
        Issued early = TestCertificates.issue(Spec.client("cs-131016")
                .valid(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30))), ca);
        PeerTrustManager tm = csLine(ca);
        assertRefused(tm, chain(expired), Purpose.TLS_CLIENT, "expired", "expired");
        assertRefused(tm, chain(early), Purpose.TLS_CLIENT, "not yet valid", "not yet valid");
    }

    @Test
    void anEndEntityCertificateUsedAsAnIssuerIsRefused() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        // a CS signs a certificate for another municipality with its own key
        Issued cs = TestCertificates.issue(Spec.client("cs-131016"), ca);
        Issued rogue = TestCertificates.issue(Spec.client("cs-131024"), cs);
        PeerTrustManager tm = csLine(ca);
        assertRefused(tm, chain(rogue, cs), Purpose.TLS_CLIENT, "untrusted issuer", "untrusted issuer (not a CA)");
        // the same with an issuer carrying no basicConstraints nor keyUsage at all (v1-like): not a CA either
        Issued bare = TestCertificates.issue(new Spec("cs-131016").basicConstraints(null).keyUsage(-1), ca);
        Issued underBare = TestCertificates.issue(Spec.client("cs-131024"), bare);
        assertRefused(tm, chain(underBare, bare), Purpose.TLS_CLIENT, "untrusted issuer", "untrusted issuer (not a CA)");
        // without the rogue issuer in the chain, nothing leads to the CA
        assertRefused(tm, chain(rogue), Purpose.TLS_CLIENT, "untrusted issuer", "untrusted issuer");
    }

    @Test
    void aCertificateSignedWithADisabledAlgorithmIsRefused() throws Exception {
        // MD5 is in jdk.certpath.disabledAlgorithms of the JDK's java.security
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        Issued md5 = TestCertificates.issue(Spec.client("cs-131016").signedWith("MD5withRSA"), ca);
        assertRefused(csLine(ca), chain(md5), Purpose.TLS_CLIENT, "disabled algorithm",
                "disabled algorithm (jdk.certpath.disabledAlgorithms)");
    }

    @Test
    void aCertificateWhoseKeyUsageDoesNotFitIsRefused() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        PeerTrustManager tm = csLine(ca);
        Issued encipherOnly = TestCertificates.issue(Spec.client("cs-131016").keyUsage(KeyUsage.keyEncipherment), ca);
        assertRefused(tm, chain(encipherOnly), Purpose.TLS_CLIENT, "bad key usage", "bad key usage: no digitalSignature");
        Issued serverOnly = TestCertificates.issue(Spec.client("cs-131016").eku(KeyPurposeId.id_kp_serverAuth), ca);
        assertRefused(tm, chain(serverOnly), Purpose.TLS_CLIENT, "bad key usage",
                "bad key usage: extended key usage without clientAuth");
        Issued clientOnly = TestCertificates.issue(Spec.client("cs-131016"), ca);
        assertRefused(tm, chain(clientOnly), Purpose.TLS_SERVER, "bad key usage",
                "bad key usage: extended key usage without serverAuth");
        // no extended key usage at all: any purpose (RFC 5280 §4.2.1.12)
        Issued anyPurpose = TestCertificates.issue(Spec.client("cs-131016").eku((KeyPurposeId[]) null), ca);
        assertThatCode(() -> tm.check(chain(anyPurpose), Purpose.TLS_CLIENT)).doesNotThrowAnyException();
    }

    @Test
    void withTwoCasInCaPemCertificatesOfEitherAreAccepted() throws Exception {
        // a rollover keeping the CA's name: the old and the new CA differ by their key
        Issued oldCa = TestCertificates.selfSigned(Spec.ca(CA));
        Issued newCa = TestCertificates.selfSigned(Spec.ca(CA));
        Issued stranger = TestCertificates.selfSigned(Spec.ca(CA));
        Issued fromOld = TestCertificates.issue(Spec.client("cs-131016"), oldCa);
        Issued fromNew = TestCertificates.issue(Spec.client("cs-131024"), newCa);
        Issued fromStranger = TestCertificates.issue(Spec.client("cs-131041"), stranger);
        PeerTrustManager tm = csLine(oldCa, newCa);
        assertThatCode(() -> tm.check(chain(fromOld), Purpose.TLS_CLIENT)).doesNotThrowAnyException();
        assertThatCode(() -> tm.check(chain(fromNew), Purpose.TLS_CLIENT)).doesNotThrowAnyException();
        assertThat(tm.getAcceptedIssuers()).containsExactly(oldCa.cert(), newCa.cert());
        assertRefused(tm, chain(fromStranger, stranger), Purpose.TLS_CLIENT, "untrusted issuer", "untrusted issuer");
    }

    @Test
    void aCertificateRevokedByItsCasCrlIsRefusedAndOnlyThatOne() throws Exception {
        Issued oldCa = TestCertificates.selfSigned(Spec.ca(CA));
        Issued newCa = TestCertificates.selfSigned(Spec.ca(CA));
        Issued revoked = TestCertificates.issue(Spec.client("cs-131016"), newCa);
        Issued kept = TestCertificates.issue(Spec.client("cs-131024"), newCa);
        Issued fromOld = TestCertificates.issue(Spec.client("cs-131041"), oldCa);
        PeerTrustManager tm = csLine(List.of(oldCa, newCa),
                List.of(TestCertificates.crl(oldCa, 3), TestCertificates.crl(newCa, 7, revoked.cert())));
        assertRefused(tm, chain(revoked), Purpose.TLS_CLIENT, "revoked",
                "certificate revoked (serial " + revoked.cert().getSerialNumber().toString(16) + ")");
        assertThatCode(() -> tm.check(chain(kept), Purpose.TLS_CLIENT)).doesNotThrowAnyException();
        assertThatCode(() -> tm.check(chain(fromOld), Purpose.TLS_CLIENT)).doesNotThrowAnyException();
    }

    @Test
    void anOlderCrlDoesNotUndoARevocation() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        Issued cs = TestCertificates.issue(Spec.client("cs-131016"), ca);
        PeerTrustManager tm = csLine(List.of(ca), List.of(TestCertificates.crl(ca, 5, cs.cert())));
        assertRefused(tm, chain(cs), Purpose.TLS_CLIENT, "revoked", "certificate revoked (serial " + cs.cert().getSerialNumber().toString(16) + ")");
        // crl.pem replaced by an earlier CRL that did not list it yet: the one in force stays
        TestCertificates.writePem(dir.resolve("crl.pem"), List.of(TestCertificates.crl(ca, 4)));
        Files.setLastModifiedTime(dir.resolve("crl.pem"),
                FileTime.from(Instant.now().plusSeconds(5)));
        assertRefused(tm, chain(cs), Purpose.TLS_CLIENT, "revoked", "certificate revoked (serial " + cs.cert().getSerialNumber().toString(16) + ")");
        // a later one that lifts it (removeFromCRL) is taken
        TestCertificates.writePem(dir.resolve("crl.pem"), List.of(TestCertificates.crl(ca, 6)));
        Files.setLastModifiedTime(dir.resolve("crl.pem"),
                FileTime.from(Instant.now().plusSeconds(10)));
        assertThatCode(() -> tm.check(chain(cs), Purpose.TLS_CLIENT)).doesNotThrowAnyException();
    }

    @Test
    void aCaWithoutACrlInForceHasItsCertificatesRefused() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        Issued second = TestCertificates.selfSigned(Spec.ca("Juki-net Test CA 2"));
        Issued cs = TestCertificates.issue(Spec.client("cs-131016"), second);
        PeerTrustManager tm = csLine(List.of(ca, second), List.of(TestCertificates.crl(ca, 1)));
        assertRefused(tm, chain(cs), Purpose.TLS_CLIENT, "revocation unknown", "revocation unknown (no CRL of its issuer)");
    }

    @Test
    void aCertificateOfTheCaWithAnotherLinesCnIsRefused() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        Issued national = TestCertificates.issue(Spec.client("national"), ca);
        assertRefused(csLine(ca), chain(national), Purpose.TLS_CLIENT, "wrong CN",
                "identity 'national' may not connect on the cs line (wrong CN)");
        assertThat(refusals.get(0)).startsWith("national: ");
    }

    @Test
    void noCertificateIsRefused() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        assertRefused(csLine(ca), new X509Certificate[0], Purpose.TLS_CLIENT, "no certificate", "no certificate");
    }

    @Test
    void aSignatureCertificateNeedsASigningUsage() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        PeerTrustManager tm = csLine(ca);
        Issued smime = TestCertificates.issue(Spec.client("cs-131016").eku(KeyPurposeId.id_kp_emailProtection), ca);
        assertThatCode(() -> tm.check(chain(smime))).doesNotThrowAnyException();
        Issued server = TestCertificates.issue(Spec.client("cs-131016").eku(KeyPurposeId.id_kp_serverAuth), ca);
        assertThatThrownBy(() -> tm.check(chain(server))).isInstanceOf(CertificateException.class)
                .hasMessageStartingWith("bad key usage");
    }

    /** Not a timed test: prints what one check costs (PKIX, CRL, CN and key usage) and one {@code stillTrusted}-like CRL look-up. */
    @Test
    void printsWhatACheckCosts() throws Exception {
        Issued ca = TestCertificates.selfSigned(Spec.ca(CA));
        Issued cs = TestCertificates.issue(Spec.client("cs-131016"), ca);
        PeerTrustManager tm = new PeerTrustManager(List.of(ca.cert()),
                new RevocationList(TestCertificates.writePem(dir.resolve("crl.pem"), List.of(TestCertificates.crl(ca, 1))),
                        List.of(ca.cert()), Clock.systemUTC(), Duration.ofSeconds(5)),
                Identities.csLine(), "cs", (peer, why) -> { });
        RevocationList crl = new RevocationList(dir.resolve("crl.pem"), List.of(ca.cert()), Clock.systemUTC(), Duration.ofSeconds(5));
        for (int i = 0; i < 500; i++) {
            tm.check(chain(cs), Purpose.TLS_CLIENT);
            crl.status(cs.cert());
        }
        int n = 3000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            tm.check(chain(cs), Purpose.TLS_CLIENT);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            crl.status(cs.cert());
        }
        long t2 = System.nanoTime();
        System.out.printf("PeerTrustManager.check: %.1f µs per chain; CRL status: %.2f µs per certificate (%d each)%n",
                (t1 - t0) / 1000.0 / n, (t2 - t1) / 1000.0 / n, n);
    }
}
