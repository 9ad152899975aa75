package jp.tokyo.juki.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import jp.tokyo.juki.audit.AuditCheckpoint;
import jp.tokyo.juki.audit.ChainVerifier;
import jp.tokyo.juki.security.TestCertificates.Issued;
import jp.tokyo.juki.security.TestCertificates.Spec;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Status;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 9, against a real gateway over real TLS: certificates checked by the JDK's
 * PKIX. A CS that turns its own certificate into a CA for another municipality is refused in the
 * handshake (and audited, naming the rule), so is a certificate of the network CA signed with a
 * disabled algorithm (MD5); a {@code ca.pem} holding the old and the new CA of a rollover admits
 * CSs of both; the gateway's certificate names its host, so a stock TLS client with host name
 * verification accepts it; and the private keys of {@code ./gateway pki init} and of the
 * keystores are readable by their owner only (finding 7).
 */
class HostilePkiIT {
    private static final String ROLLED = TestPki.CHUO;
    private static Path pki;
    private static RunningGateway gw;
    private static Issued newCa;

    @BeforeAll
    static void start() throws Exception {
        // a PKI of its own (this test changes ca.pem and crl.pem), copied from the test PKI as an
        // older version left it: private keys readable by all
        pki = Files.createTempDirectory("juki-hostile-pki");
        try (Stream<Path> files = Files.list(TestPki.dir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals("audit-hmac.key")) {
                    continue;
                }
                Path copy = pki.resolve(f.getFileName());
                Files.copy(f, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        Files.write(pki.resolve("audit-hmac.key"), TestCertificates.keyPair().getPublic().getEncoded());
        Files.setPosixFilePermissions(pki.resolve("audit-hmac.key"), PosixFilePermissions.fromString("rw-r--r--"));

        // the rollover: a new CA of the same name (another key) next to the old one in ca.pem, each with its CRL
        newCa = TestCertificates.selfSigned(Spec.ca(DevPki.CA_NAME));
        List<Object> cas = new ArrayList<>(Pem.readCertificates(pki.resolve("ca.pem")));
        cas.add(newCa.cert());
        TestCertificates.writePem(pki.resolve("ca.pem"), cas);
        List<Object> crls = new ArrayList<>(Pem.readCrls(pki.resolve("crl.pem")));
        crls.add(TestCertificates.crl(newCa, 1));
        TestCertificates.writePem(pki.resolve("crl.pem"), crls);

        gw = RunningGateway.start(false, Map.of("juki.keystores.dir", pki.toString()));
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static KeyMaterial keys() throws Exception {
        return new KeyMaterial(pki, TestPki.PASSWORD, Duration.ofSeconds(1));
    }

    /** TLS of a client presenting {@code chain} (its certificate first), trusting the gateway. */
    private static SSLContext presenting(PrivateKey key, X509Certificate... chain) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("peer", key, TestPki.PASSWORD, chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, TestPki.PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), new TrustManager[]{
                keys().trustManager(Identities.exactly(Identities.GATEWAY), "test")}, null);
        return ctx;
    }

    private static Status ping(SSLContext tls, String municipality) throws Exception {
        try (FrameClient c = FrameClient.connect("127.0.0.1", gw.csPort, tls)) {
            return c.send(Messages.ping(municipality)).get(10, TimeUnit.SECONDS).status();
        }
    }

    private static void assertRefused(SSLContext tls, String municipality) {
        assertThatThrownBy(() -> ping(tls, municipality)).isInstanceOfAny(IOException.class, ExecutionException.class);
    }

    private static void assertAudited(String peer, String detail) {
        await().atMost(Duration.ofSeconds(15)).until(() -> gw.queryLong(
                "SELECT count(*) FROM audit.record WHERE msg_type = 'TLS_HANDSHAKE' AND peer = ? AND code = 'TLS' "
                        + "AND status = 'REFUSED' AND detail = ?", peer, detail) >= 1);
    }

    @Test
    void aCsCertificateIssuedByAnotherCsIsRefusedInTheHandshakeAndAudited() throws Exception {
        // 千代田区's CS makes itself a certificate of 中央区 with its own (end-entity) key and sends both
        Issued chiyoda = new Issued(Pem.readCertificate(pki.resolve(Identities.cs(TestPki.CHIYODA) + ".pem")),
                Pem.readPrivateKey(pki.resolve(Identities.cs(TestPki.CHIYODA) + ".key.pem")));
        Issued rogue = TestCertificates.issue(Spec.client(Identities.cs(TestPki.CHUO)), chiyoda);
        assertRefused(presenting(rogue.key(), rogue.cert(), chiyoda.cert()), TestPki.CHUO);
        assertAudited(Identities.cs(TestPki.CHUO), "untrusted issuer (not a CA)");
    }

    @Test
    void aCertificateOfTheNetworkCaSignedWithMd5IsRefusedInTheHandshakeAndAudited() throws Exception {
        Issued ca = new Issued(Pem.readCertificates(pki.resolve("ca.pem")).get(0), Pem.readPrivateKey(pki.resolve("ca.key.pem")));
        Issued md5 = TestCertificates.issue(Spec.client(Identities.cs(TestPki.SHINJUKU)).signedWith("MD5withRSA"), ca);
        assertRefused(presenting(md5.key(), md5.cert()), TestPki.SHINJUKU);
        assertAudited(Identities.cs(TestPki.SHINJUKU), "disabled algorithm (jdk.certpath.disabledAlgorithms)");
    }

    @Test
    void withTheOldAndTheNewCaInCaPemCsCertificatesOfBothAreAnswered() throws Exception {
        Issued fromNew = TestCertificates.issue(Spec.client(Identities.cs(ROLLED)), newCa);
        assertThat(ping(presenting(fromNew.key(), fromNew.cert(), newCa.cert()), ROLLED)).isEqualTo(Status.ACK);
        assertThat(ping(keys().sslContext(Identities.cs(TestPki.CHIYODA), Identities.exactly(Identities.GATEWAY), "test"),
                TestPki.CHIYODA)).isEqualTo(Status.ACK);
        // a third CA of the same name is no CA of ours
        Issued stranger = TestCertificates.selfSigned(Spec.ca(DevPki.CA_NAME));
        Issued fromStranger = TestCertificates.issue(Spec.client(Identities.cs(ROLLED)), stranger);
        assertRefused(presenting(fromStranger.key(), fromStranger.cert(), stranger.cert()), ROLLED);
        assertAudited(Identities.cs(ROLLED), "untrusted issuer");
    }

    @Test
    void aStockTlsClientVerifyingTheHostNameAcceptsTheGatewayCertificate() throws Exception {
        // the JDK's own trust manager on ca.pem, and HTTPS host name verification: the gateway's SAN must name the host
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        int i = 0;
        for (X509Certificate ca : Pem.readCertificates(pki.resolve("ca.pem"))) {
            anchors.setCertificateEntry("ca" + i++, ca);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(anchors);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys().keyStore(Identities.cs(TestPki.CHIYODA)), TestPki.PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        for (String host : List.of("localhost", "127.0.0.1")) {
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(host, gw.csPort)) {
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(p);
                s.startHandshake();
                X509Certificate server = (X509Certificate) s.getSession().getPeerCertificates()[0];
                assertThat(Identities.commonName(server)).as(host).isEqualTo(Identities.GATEWAY);
            }
        }
    }

    /** Inserts a checkpoint of record {@code seq} dated {@code at}, signed by {@code signer}. */
    private static void checkpoint(Connection c, long seq, Instant at, Issued signer) throws Exception {
        byte[] hash;
        try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM audit.record WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                hash = rs.getBytes(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit.checkpoint (seq, hash, at, signature) VALUES (?,?,?,?)")) {
            ps.setLong(1, seq);
            ps.setBytes(2, hash);
            ps.setObject(3, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            ps.setBytes(4, CmsSignatures.sign(
                    AuditCheckpoint.statement(seq, hash, at), signer.key(), signer.cert(), true));
            ps.executeUpdate();
        }
    }

    @Test
    void aCheckpointSignedWithTheKeyOfARevokedGatewayCertificateOrBackdatedIsNotTrusted() throws Exception {
        Issued ca = new Issued(Pem.readCertificates(pki.resolve("ca.pem")).get(0), Pem.readPrivateKey(pki.resolve("ca.key.pem")));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // the gateway's previous certificate, whose key left the host: revoked with `pki revoke` (keyCompromise)
        Issued stolen = TestCertificates.issue(Spec.client(Identities.GATEWAY)
                .valid(now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(30)))
                .keyUsage(KeyUsage.digitalSignature)
                .eku(KeyPurposeId.id_kp_emailProtection), ca);
        Pem.writePem(pki.resolve("gateway-2025.pem"), stolen.cert());
        assertThat(new DevPki(pki, TestPki.PASSWORD).revoke("gateway-2025")).isTrue();
        // the rollover's other CRL is still there
        assertThat(Pem.readCrls(pki.resolve("crl.pem"))).hasSize(2);
        KeyMaterial.Signer real = keys().signer(Identities.GATEWAY);
        Issued gateway = new Issued(real.certificate(), real.key());
        // a few records to sign
        for (int i = 0; i < 2; i++) {
            ping(keys().sslContext(Identities.cs(TestPki.CHIYODA), Identities.exactly(Identities.GATEWAY), "test"), TestPki.CHIYODA);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> gw.queryLong("SELECT count(*) FROM audit.record") >= 2);
        long b = gw.queryLong("SELECT max(seq) FROM audit.record");
        long a = b - 1;
        try (Connection c = gw.gateway.database().dataSource().getConnection()) {
            c.createStatement().execute("DELETE FROM audit.checkpoint WHERE seq >= " + a);
            // re-signed with the stolen key, dated a day back (inside its validity, before its revocation)
            checkpoint(c, b, now.minus(Duration.ofDays(1)), stolen);
            ChainVerifier.Verdict v = new ChainVerifier(c,
                    RevocationList.of(pki)).verify(null, null);
            assertThat(v.problem()).startsWith("checkpoint at seq " + b + " cannot be trusted: the signer's certificate (serial "
                    + stolen.cert().getSerialNumber().toString(16) + ") is revoked (KEY_COMPROMISE");
            c.setAutoCommit(true);
            c.createStatement().execute("DELETE FROM audit.checkpoint WHERE seq >= " + a);

            // the gateway's own key, a checkpoint dated half a minute before the one before it
            checkpoint(c, a, now, gateway);
            checkpoint(c, b, now.minusSeconds(30), gateway);
            v = new ChainVerifier(c, RevocationList.of(pki)).verify(null, null);
            assertThat(v.problem()).startsWith("checkpoint at seq " + b + " is dated before the previous one");
            c.setAutoCommit(true);
            c.createStatement().execute("DELETE FROM audit.checkpoint WHERE seq = " + b);
            checkpoint(c, b, now.plusSeconds(1), gateway);
            v = new ChainVerifier(c, RevocationList.of(pki)).verify(null, null);
            assertThat(v.problem()).as("in order, by a key in good standing").isNull();
            c.setAutoCommit(true);
            c.createStatement().execute("DELETE FROM audit.checkpoint WHERE seq >= " + a);
        }
    }

    @Test
    void aGatewayDoesNotStartOnAnOlderCrlPutBackNorOnACaPemHoldingALeaf() throws Exception {
        // the running gateway has seen the dev CA's CRL in force (crl-state.properties beside crl.pem)
        assertThat(Files.readString(pki.resolve("crl-state.properties"))).contains(".number=");
        Issued ca = new Issued(Pem.readCertificates(pki.resolve("ca.pem")).get(0), Pem.readPrivateKey(pki.resolve("ca.key.pem")));
        Path older = copyOfPki();
        // number 1: before any revocation (TestPki revoked an agency, number 2 or more)
        TestCertificates.writePem(older.resolve("crl.pem"), List.of(TestCertificates.crl(ca, 1), TestCertificates.crl(newCa, 1)));
        assertThatThrownBy(() -> RunningGateway.start(false, Map.of("juki.keystores.dir", older.toString())).close())
                .hasStackTraceContaining("is number 1").hasStackTraceContaining("Install the newest CRL of that CA");

        Path leaf = copyOfPki();
        List<Object> cas = new ArrayList<>(Pem.readCertificates(leaf.resolve("ca.pem")));
        X509Certificate cs = Pem.readCertificate(leaf.resolve(Identities.cs(TestPki.CHIYODA) + ".pem"));
        cas.add(cs);
        TestCertificates.writePem(leaf.resolve("ca.pem"), cas);
        assertThatThrownBy(() -> RunningGateway.start(false, Map.of("juki.keystores.dir", leaf.toString())).close())
                .hasStackTraceContaining("entry 3 (serial " + cs.getSerialNumber().toString(16) + ") is not a CA certificate");
    }

    private static Path copyOfPki() throws Exception {
        Path copy = Files.createTempDirectory("juki-hostile-pki-copy");
        try (Stream<Path> files = Files.list(pki)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    @Test
    void privateKeysAreReadableByTheOwnerOnly() throws Exception {
        // left rw-r--r-- before the gateway started: tightened at its start
        List<String> wrong = new ArrayList<>();
        int secrets = 0;
        try (Stream<Path> files = Files.list(pki)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".key.pem") || name.endsWith(".p12") || name.endsWith(".key")) {
                    secrets++;
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                    if (!mode.equals("rw-------")) {
                        wrong.add(name + " " + mode);
                    }
                }
            }
        }
        assertThat(secrets).isGreaterThan(10);
        assertThat(wrong).isEmpty();

        // written 0600 by `./gateway pki init` (the packaged jar, as an operator runs it), with the gateway's host name
        Path dir = Files.createTempDirectory("juki-pki-init");
        Path municipalities = dir.resolve("municipalities.csv");
        Files.writeString(municipalities, "code,name\n131016,千代田区\n");
        Path out = dir.resolve("keystores");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of("target", "juki-gateway.jar").toString(), "pki", "init", "--dir", out.toString(),
                "--municipalities", municipalities.toString(), "--agencies", dir.resolve("none.yaml").toString(),
                "--gateway-host", "gw.example.lg.jp")
                .redirectErrorStream(true).redirectOutput(dir.resolve("pki.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("pki.log"))).isZero();
        List<String> modes = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.sorted().toList()) {
                modes.add(f.getFileName() + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            }
        }
        System.out.println("pki init wrote: " + modes);
        assertThat(modes).contains("ca.key.pem rw-------", "gateway.key.pem rw-------", "gateway.p12 rw-------",
                "cs-131016.key.pem rw-------", "cs-131016.p12 rw-------", "national.key.pem rw-------",
                "national-fuhyo.p12 rw-------");
        assertThat(modes).filteredOn(m -> m.contains(".key.pem ") || m.contains(".p12 ")).allMatch(m -> m.endsWith("rw-------"));
        List<String> sans = new ArrayList<>();
        for (List<?> n : Pem.readCertificate(out.resolve("gateway.pem")).getSubjectAlternativeNames()) {
            sans.add(String.valueOf(n.get(1)));
        }
        assertThat(sans).containsExactly("localhost", "127.0.0.1", "gw.example.lg.jp");
    }
}
