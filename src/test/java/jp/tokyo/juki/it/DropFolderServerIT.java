package jp.tokyo.juki.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.platform.DropFolderServer;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.security.Pem;
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

    /** Runs {@code sftp -b} as {@code user} with {@code identity}'s key; returns exit code and output. */
    private static Object[] sftp(String user, String identity, String batch, String... options) throws Exception {
        Path key = Files.createTempFile("id", ".pem");
        Files.copy(TestPki.dir().resolve(identity + ".key.pem"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path batchFile = Files.createTempFile("batch", ".txt");
        Files.writeString(batchFile, batch, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of("sftp", "-b", batchFile.toString(), "-i", key.toString(),
                "-P", Integer.toString(server.port()), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=" + root.resolve("known_hosts"), "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes"));
        cmd.addAll(List.of(options));
        cmd.add(user + "@127.0.0.1");
        Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Object[]{p.exitValue(), out};
    }

    @Test
    void anAgencyUploadsUnderATemporaryNameAndRenamesIntoItsInbox() throws Exception {
        Files.writeString(root.resolve("req.bin"), "not really a request", StandardCharsets.UTF_8);

        Object[] r = sftp("suido", TestPki.AGENCY, "put req.bin inbox/a.req.p7m.part\nrename inbox/a.req.p7m.part inbox/a.req.p7m\nls outbox\n");

        assertThat(r[0]).as("%s", r[1]).isEqualTo(0);
        assertThat(root.resolve("folders/suido/inbox/a.req.p7m")).hasContent("not really a request");
    }

    @Test
    void anAgencyIsConfinedToItsOwnFolder() throws Exception {
        Files.writeString(root.resolve("x.bin"), "x", StandardCharsets.UTF_8);

        Object[] r = sftp("suido", TestPki.AGENCY, "put x.bin ../shuzei/inbox/x.req.p7m\n");

        // the path resolves inside suido's own folder, never into shuzei's
        assertThat(Files.exists(root.resolve("folders/shuzei/inbox/x.req.p7m"))).isFalse();
        assertThat(r[0]).as("%s", r[1]).isNotEqualTo(0);
    }

    @Test
    void anotherAgencysKeyDoesNotOpenTheAccount() throws Exception {
        Object[] r = sftp("suido", TestPki.OTHER_AGENCY, "ls\n");

        assertThat(r[0]).isNotEqualTo(0);
        assertThat((String) r[1]).contains("Permission denied");
    }

    @Test
    void passwordsAreRefused() throws Exception {
        Object[] r = sftp("suido", TestPki.AGENCY, "ls\n", "-o", "PubkeyAuthentication=no",
                "-o", "PreferredAuthentications=password,keyboard-interactive");

        assertThat(r[0]).isNotEqualTo(0);
        assertThat((String) r[1]).contains("Permission denied");
    }

    @Test
    void aClientOfferingOnlyWeakCiphersIsRefused() throws Exception {
        Object[] r = sftp("suido", TestPki.AGENCY, "ls\n", "-o", "Ciphers=aes128-cbc");

        assertThat(r[0]).isNotEqualTo(0);
        assertThat((String) r[1]).containsIgnoringCase("no matching cipher");
    }
}
