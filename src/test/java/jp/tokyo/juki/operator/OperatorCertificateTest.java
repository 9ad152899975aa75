package jp.tokyo.juki.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.cli.GatewayCli;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ./gateway pki issue-operator ID}: the operator's personal certificate {@code op-<ID>} from
 * the development CA, a TLS client only (extended key usage clientAuth), in a PKCS#12 a Java client
 * loads and NSS imports (Chromium's certificate store, {@code pk12util}); an ID that is not one of the
 * register, or an identity that exists, is refused.
 */
class OperatorCertificateTest {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private static int cli(String... args) {
        return new CommandLine(new GatewayCli()).execute(args);
    }

    @Test
    void issueOperatorWritesAClientOnlyCertificateOfTheDevelopmentCa() throws Exception {
        Path dir = Files.createTempDirectory("juki-pki-op");
        try {
            new DevPki(dir, TestPki.PASSWORD).init(List.of());
            assertThat(cli("pki", "issue-operator", "tanaka.h", "--dir", dir.toString())).isZero();
            X509Certificate cert = Pem.readCertificate(dir.resolve("op-tanaka.h.pem"));
            assertThat(Identities.commonName(cert)).isEqualTo("op-tanaka.h");
            assertThat(Identities.operatorOf(Identities.commonName(cert))).isEqualTo("tanaka.h");
            assertThat(cert.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
            assertThat(cert.getBasicConstraints()).isEqualTo(-1);
            cert.verify(Pem.readCertificate(dir.resolve("ca.pem")).getPublicKey());
            KeyStore p12 = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve("op-tanaka.h.p12"))) {
                p12.load(in, TestPki.PASSWORD);
            }
            assertThat(p12.isKeyEntry("op-tanaka.h")).isTrue();
            assertThat(p12.getCertificateChain("op-tanaka.h")).hasSize(2);
            assertThat(Files.exists(dir.resolve("op-tanaka.h.key.pem"))).isTrue();

            // once; again only with --replace
            assertThat(cli("pki", "issue-operator", "tanaka.h", "--dir", dir.toString())).isEqualTo(1);
            assertThat(cli("pki", "issue-operator", "tanaka.h", "--dir", dir.toString(), "--replace")).isZero();
            assertThat(Pem.readCertificate(dir.resolve("op-tanaka.h.pem")).getSerialNumber())
                    .isNotEqualTo(cert.getSerialNumber());
            // not an operator ID
            assertThat(cli("pki", "issue-operator", "Tanaka H", "--dir", dir.toString())).isEqualTo(2);
            assertThat(cli("pki", "issue-operator", "ab", "--dir", dir.toString())).isEqualTo(2);
        } finally {
            GatewayChild.deleteTree(dir);
        }
    }

    @Test
    void theOperatorLineAcceptsOpCnsOnly() {
        assertThat(Identities.operatorLine().test("op-tanaka.h")).isTrue();
        assertThat(Identities.operatorLine().test("op-ab")).isFalse();
        assertThat(Identities.operatorLine().test("cs-131016")).isFalse();
        assertThat(Identities.operatorLine().test("gateway")).isFalse();
        assertThat(Identities.operatorLine().test("op-Tanaka")).isFalse();
        assertThat(Identities.operatorLine().test(null)).isFalse();
    }

    @Test
    void theTestPkiIssuesOperatorsForTheApiTests() throws Exception {
        X509Certificate cert = TestPki.operatorCertificate("tester01");
        assertThat(Identities.commonName(cert)).isEqualTo("op-tester01");
        assertThat(Sessions.fingerprint(cert)).matches("[0-9a-f]{64}");
        assertThat(TestPki.operator("tester01").getProtocol()).isEqualTo("TLSv1.3");
    }

    @Test
    void nssImportsTheOperatorsPkcs12AsABrowserWould() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/pk12util")), "libnss3-tools is not installed");
        Path dir = Files.createTempDirectory("juki-nss");
        try {
            new DevPki(dir.resolve("ks"), TestPki.PASSWORD).init(List.of());
            assertThat(cli("pki", "issue-operator", "suzuki", "--dir", dir.resolve("ks").toString())).isZero();
            Files.createDirectories(dir.resolve("nssdb"));
            String db = "sql:" + dir.resolve("nssdb");
            assertThat(run("certutil", "-N", "-d", db, "--empty-password")).isEmpty();
            assertThat(run("pk12util", "-i", dir.resolve("ks/op-suzuki.p12").toString(), "-d", db, "-W",
                    new String(TestPki.PASSWORD))).contains("PKCS12 IMPORT SUCCESSFUL");
            assertThat(run("certutil", "-K", "-d", db)).contains("op-suzuki");
        } finally {
            GatewayChild.deleteTree(dir);
        }
    }

    /** Runs an NSS tool, which must succeed; its output. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out.strip();
    }
}
