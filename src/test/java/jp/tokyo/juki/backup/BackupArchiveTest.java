package jp.tokyo.juki.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive: what goes in comes out with its modes; an altered or foreign one is refused with a code. */
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
    void aStoppedGatewayIsNotRunning() throws Exception {
        assertThat(ColdBackup.running(tree())).isFalse();
    }
}
