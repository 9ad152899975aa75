package jp.tokyo.juki.agency;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.SystemTools;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SFTP drop folders with a client nobody here wrote: the system OpenSSH {@code sftp}, logging
 * in with the agency's certificate key as its identity file (PROTOCOL §4).
 */
class DropFolderServerIT {
    private static Path root;
    private static DropFolderServer server;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("drop");
        server = DropFolderServer.start("127.0.0.1", Ports.free(), root.resolve("folders"), root.resolve("host-key"), Map.of(
                "suido", Pem.readCertificate(TestPki.dir().resolve(TestPki.AGENCY + ".pem")).getPublicKey(),
                "shuzei", Pem.readCertificate(TestPki.dir().resolve(TestPki.OTHER_AGENCY + ".pem")).getPublicKey()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static SystemTools.Run sftp(String user, String identity, String batch, String... options) throws Exception {
        return SystemTools.sftp(root, server.port(), user, identity, batch, options);
    }

    @Test
    void anAgencyUploadsUnderATemporaryNameAndRenamesIntoItsInbox() throws Exception {
        Files.writeString(root.resolve("req.bin"), "not really a request", StandardCharsets.UTF_8);

        SystemTools.Run r = sftp("suido", TestPki.AGENCY, "put req.bin inbox/a.req.p7m.part\nrename inbox/a.req.p7m.part inbox/a.req.p7m\nls outbox\n");

        assertThat(r.exit()).as("%s", r.output()).isEqualTo(0);
        assertThat(root.resolve("folders/suido/inbox/a.req.p7m")).hasContent("not really a request");
    }

    @Test
    void anAgencyIsConfinedToItsOwnFolder() throws Exception {
        Files.writeString(root.resolve("x.bin"), "x", StandardCharsets.UTF_8);

        SystemTools.Run r = sftp("suido", TestPki.AGENCY, "put x.bin ../shuzei/inbox/x.req.p7m\n");

        // the path resolves inside suido's own folder, never into shuzei's
        assertThat(Files.exists(root.resolve("folders/shuzei/inbox/x.req.p7m"))).isFalse();
        assertThat(r.exit()).as("%s", r.output()).isNotEqualTo(0);
    }

    @Test
    void anotherAgencysKeyDoesNotOpenTheAccount() throws Exception {
        SystemTools.Run r = sftp("suido", TestPki.OTHER_AGENCY, "ls\n");

        assertThat(r.exit()).isNotEqualTo(0);
        assertThat(r.output()).contains("Permission denied");
    }

    @Test
    void passwordsAreRefused() throws Exception {
        SystemTools.Run r = sftp("suido", TestPki.AGENCY, "ls\n", "-o", "PubkeyAuthentication=no",
                "-o", "PreferredAuthentications=password,keyboard-interactive");

        assertThat(r.exit()).isNotEqualTo(0);
        assertThat(r.output()).contains("Permission denied");
    }

    @Test
    void aClientOfferingOnlyWeakCiphersIsRefused() throws Exception {
        SystemTools.Run r = sftp("suido", TestPki.AGENCY, "ls\n", "-o", "Ciphers=aes128-cbc");

        assertThat(r.exit()).isNotEqualTo(0);
        assertThat(r.output()).containsIgnoringCase("no matching cipher");
    }
}
