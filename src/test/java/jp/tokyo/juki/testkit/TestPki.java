package jp.tokyo.juki.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import jp.tokyo.juki.agency.DropFolderServer;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.security.Pem;

/**
 * One development PKI for the whole test run (RSA keys take a moment): the identities the
 * tests use, an expired CS certificate, a CS certificate that is later revoked, and a second
 * CA that issues a look-alike {@code cs-131016}.
 */
public final class TestPki {
    public static final char[] PASSWORD = "juki-dev".toCharArray();
    public static final String SHINJUKU = "131041";
    public static final String CHIYODA = "131016";
    public static final String CHUO = "131024";
    /** agencies of config/agencies.yaml with certificates in the test PKI */
    public static final String AGENCY = "agency-suido";
    public static final String OTHER_AGENCY = "agency-shuzei";
    /** an agency whose certificate is revoked from the start */
    public static final String REVOKED_AGENCY = "agency-kyoiku";
    /** an agency whose one business may ask by 住民票コード only (config/agencies.yaml) */
    public static final String CODE_ONLY_AGENCY = "agency-shobo";
    /** its certificate expired yesterday */
    public static final String EXPIRED = "131032";
    /** revoked by CertificateRefusalIT */
    public static final String REVOKED = "131059";

    private static Path dir;
    private static Path otherCaDir;
    private static Path backupKeys;

    private TestPki() {
    }

    public static synchronized Path dir() throws Exception {
        if (dir == null) {
            Path d = Files.createTempDirectory("juki-pki");
            DevPki pki = new DevPki(d, PASSWORD);
            List<String> ids = new ArrayList<>(Identities.all(List.of(CHIYODA, CHUO, SHINJUKU, REVOKED)));
            ids.addAll(List.of(AGENCY, OTHER_AGENCY, REVOKED_AGENCY, CODE_ONLY_AGENCY));
            pki.init(ids);
            sharedSecrets(d);
            pki.revoke(REVOKED_AGENCY);
            Instant now = Instant.now();
            pki.issue(Identities.cs(EXPIRED), now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
            Path other = Files.createTempDirectory("juki-other-ca");
            new DevPki(other, PASSWORD).init(List.of(Identities.cs(CHIYODA)));
            otherCaDir = other;
            dir = d;
        }
        return dir;
    }

    /**
     * Where the backup certificate's key is ({@code backup.p12}, password {@link #PASSWORD}), issued the
     * first time it is asked for as {@code ./gateway pki issue-backup} issues it: apart from {@link #dir()},
     * which gets {@code backup.pem} only.
     */
    public static synchronized Path backupKeyDir() throws Exception {
        if (backupKeys == null) {
            Path keys = Files.createTempDirectory("juki-backup-key");
            Instant now = Instant.now();
            new DevPki(dir(), PASSWORD).issueBackup(keys, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(30)));
            backupKeys = keys;
            // a private key: not left in /tmp after the run
            Runtime.getRuntime().addShutdownHook(new Thread(() -> GatewayChild.deleteTree(keys), "juki-backup-key-cleanup"));
        }
        return backupKeys;
    }

    /**
     * The secrets a node of several never makes (issue 14): the audit key and the SFTP host key, made here by
     * the gateway's own code as a single node makes them on its first start, so the cluster tests' nodes find them.
     */
    private static void sharedSecrets(Path d) throws Exception {
        PersonHasher.fromKeyFile(d.resolve("audit-hmac.key"));
        Path root = Files.createTempDirectory("juki-sftp-key");
        DropFolderServer.start("127.0.0.1", 0, root, d.resolve("sftp-host.key"), Map.of()).close();
        GatewayChild.deleteTree(root);
    }

    public static KeyMaterial keys() throws Exception {
        return new KeyMaterial(dir(), PASSWORD, Duration.ofSeconds(1));
    }

    /** TLS of a CS (or any identity of our CA) that trusts only the gateway. */
    public static SSLContext client(String identity) throws Exception {
        return keys().sslContext(identity, Identities.exactly(Identities.GATEWAY), "test-client");
    }

    public static SSLContext cs(String municipality) throws Exception {
        return client(Identities.cs(municipality));
    }

    /** A cs-131016 certificate from another CA, presented with the real CA's trust. */
    public static SSLContext csFromOtherCa() throws Exception {
        dir();
        KeyMaterial other = new KeyMaterial(otherCaDir, PASSWORD, Duration.ofSeconds(1));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(other.keyStore(Identities.cs(CHIYODA)), PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), new TrustManager[]{
                keys().trustManager(Identities.exactly(Identities.GATEWAY), "test")}, null);
        return ctx;
    }

    /** TLS with no client certificate at all. */
    public static SSLContext anonymous() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, new TrustManager[]{
                keys().trustManager(Identities.exactly(Identities.GATEWAY), "test")}, null);
        return ctx;
    }

    public static SSLContext national() throws Exception {
        return keys().sslContext(Identities.NATIONAL, Identities.exactly(Identities.GATEWAY), "test-national");
    }

    public static SSLContext nationalFuhyo() throws Exception {
        return keys().sslContext(Identities.NATIONAL_FUHYO, Identities.exactly(Identities.GATEWAY), "test-national-fuhyo");
    }

    /**
     * The personal certificate {@code op-<id>} of an operator (clientAuth), issued in the test PKI
     * the first time it is asked for, as {@code ./gateway pki issue-operator} issues it.
     */
    public static synchronized X509Certificate operatorCertificate(String operatorId) throws Exception {
        String name = Identities.operator(operatorId);
        Path d = dir();
        if (!Files.exists(d.resolve(name + ".p12"))) {
            Instant now = Instant.now();
            new DevPki(d, PASSWORD).issue(name, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(365)));
        }
        return Pem.readCertificate(d.resolve(name + ".pem"));
    }

    /** TLS of operator {@code operatorId} ({@code op-<id>}, issued if need be) that trusts only the gateway. */
    public static SSLContext operator(String operatorId) throws Exception {
        operatorCertificate(operatorId);
        return client(Identities.operator(operatorId));
    }
}
