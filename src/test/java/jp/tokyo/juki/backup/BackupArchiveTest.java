package jp.tokyo.juki.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.security.RevocationList;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive: what goes in comes out with its modes; an altered one, one for another key, and one
 * signed by a gateway of another CA are refused with a code.
 */
class BackupArchiveTest {
    private static KeyMaterial.Signer gateway;
    private static X509Certificate backupCert;
    private static PrivateKey backupKey;

    @TempDir
    Path tmp;

    @BeforeAll
    static void keys() throws Exception {
        gateway = TestPki.keys().signer(Identities.GATEWAY);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TestPki.backupKeyDir().resolve("backup.p12"))) {
            ks.load(in, TestPki.PASSWORD);
        }
        backupKey = (PrivateKey) ks.getKey(Identities.BACKUP, TestPki.PASSWORD);
        backupCert = Pem.readCertificate(TestPki.dir().resolve("backup.pem"));
        assertThat(Files.exists(TestPki.dir().resolve("backup.p12"))).as("the backup key is kept apart").isFalse();
    }

    private Path tree() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("src/data"));
        Files.createDirectories(data.resolve("pg/base"));
        Files.setPosixFilePermissions(data.resolve("pg"), PosixFilePermissions.fromString("rwx------"));
        Files.writeString(data.resolve("pg/base/1"), "relation pages ".repeat(10_000));
        Files.writeString(data.resolve("pg/postmaster.pid"), "4711");
        Files.writeString(data.resolve("pg-credentials.properties"), "postgres=secret");
        Files.setPosixFilePermissions(data.resolve("pg-credentials.properties"), PosixFilePermissions.fromString("rw-------"));
        return data;
    }

    private byte[] archive(Path data, X509Certificate recipient) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int files = BackupArchive.write(out, gateway.key(), gateway.certificate(), recipient,
                List.of(new BackupArchive.Tree("data", data, rel -> rel.toString().equals("pg/postmaster.pid"))),
                JsonNodeFactory.instance.objectNode().put("operator", "admin1"));
        assertThat(files).isEqualTo(2);
        return out.toByteArray();
    }

    @Test
    void whatGoesInComesOutWithItsModesAndWithoutWhatIsLeftOut() throws Exception {
        Path data = tree();
        byte[] file = archive(data, backupCert);
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        BackupArchive.Opened o = BackupArchive.read(new ByteArrayInputStream(file), backupKey, backupCert, staging);
        assertThat(o.manifest().path("format").asText()).isEqualTo(BackupArchive.FORMAT);
        assertThat(o.manifest().path("operator").asText()).isEqualTo("admin1");
        assertThat(o.manifest().path("files").has("data/pg/base/1")).isTrue();
        assertThat(Identities.commonName(o.signer())).isEqualTo(Identities.GATEWAY);
        assertThat(Files.readString(staging.resolve("data/pg/base/1"))).isEqualTo(Files.readString(data.resolve("pg/base/1")));
        assertThat(staging.resolve("data/pg/postmaster.pid")).doesNotExist();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(staging.resolve("data/pg-credentials.properties"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(staging.resolve("data/pg"))))
                .isEqualTo("rwx------");
    }

    @Test
    void anAlteredArchiveIsRefused() throws Exception {
        byte[] file = archive(tree(), backupCert);
        file[file.length / 2] ^= 0x01;
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        assertThatThrownBy(() -> BackupArchive.read(new ByteArrayInputStream(file), backupKey, backupCert, staging))
                .isInstanceOfSatisfying(BackupRefused.class, r -> assertThat(r.code()).isEqualTo("R422"))
                .hasMessageContaining("cannot be opened");
    }

    @Test
    void anArchiveForAnotherKeyIsRefused() throws Exception {
        byte[] file = archive(tree(), gateway.certificate());
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        assertThatThrownBy(() -> BackupArchive.read(new ByteArrayInputStream(file), backupKey, backupCert, staging))
                .isInstanceOfSatisfying(BackupRefused.class, r -> assertThat(r.code()).isEqualTo("R422"))
                .hasMessageContaining("not encrypted to");
    }

    @Test
    void aLinkIsNotCopiedSilently() throws Exception {
        Path data = tree();
        Files.createSymbolicLink(data.resolve("elsewhere"), tmp);
        assertThatThrownBy(() -> archive(data, backupCert)).hasMessageContaining("a link in data");
    }

    @Test
    void anArchiveSignedByAGatewayOfAnotherCaIsRefusedBeforeAnyLogin() throws Exception {
        Path otherCa = tmp.resolve("other-ca");
        new DevPki(otherCa, TestPki.PASSWORD).init(List.of(Identities.GATEWAY));
        KeyMaterial.Signer foreign = new KeyMaterial(otherCa, TestPki.PASSWORD, Duration.ofMinutes(1)).signer(Identities.GATEWAY);
        Path data = tree();
        Files.createDirectories(tmp.resolve("src/keystores"));
        Path archive = tmp.resolve("foreign.tar.p7m");
        try (OutputStream out = Files.newOutputStream(archive)) {
            BackupArchive.write(out, foreign.key(), foreign.certificate(), backupCert,
                    List.of(new BackupArchive.Tree("data", data, rel -> false),
                            new BackupArchive.Tree("keystores", tmp.resolve("src/keystores"), rel -> false)),
                    JsonNodeFactory.instance.objectNode());
        }
        Gate noLogin = new Gate() {
            @Override
            public String admit(DataSource ds, GatewayConfig cfg, List<X509Certificate> cas, RevocationList crl) {
                throw new AssertionError("a foreign archive must be refused before the login");
            }

            @Override
            public String claimed() {
                return null;
            }
        };
        GatewayConfig cfg = GatewayConfig.load(Path.of("config/application.properties"), Map.of());
        Path target = tmp.resolve("restored");
        assertThatThrownBy(() -> Restore.run(cfg, noLogin, archive, backupKey, backupCert, TestPki.keys().cas(), target, null,
                "it"))
                .isInstanceOfSatisfying(BackupRefused.class, r -> assertThat(r.code()).isEqualTo("R403"))
                .hasMessageContaining("another CA");
        assertThat(target).doesNotExist();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("restoring"));
        }
    }

    @Test
    void aStoppedGatewayIsNotRunning() throws Exception {
        assertThat(ColdBackup.running(tree())).isFalse();
    }
}
