package jp.tokyo.juki.agency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import jp.tokyo.juki.platform.DatabaseLogins;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.security.Pem;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.SystemTools;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Status;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 7, as an attacker at the SFTP port (and on the gateway's host) would try it,
 * against a real gateway, its real SFTP port and its real embedded PostgreSQL: weak algorithms
 * offered by the client are refused; an agency cannot chmod its folders, make folders, or fill
 * the disk past its quota; stale uploads and stray entries are swept; an address with repeated
 * failed logins is banned; and no database role gets in without its password. And what a review
 * of that work found: a file removed (or held by a second handle) while open for writing escaped
 * the quota; bare connections and refused requests flooded the audit one record each; password and
 * "none" attempts never counted toward a ban; the sweep trusted the client-settable mtime; zero-byte
 * files had no limit; an unpublished answer could be removed; an unreadable host key was replaced.
 */
class HostileSftpIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static RunningGateway gw;
    private static int port;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        gw = RunningGateway.start(false, Map.of("juki.sftp.quota-mb", "1", "juki.sftp.sweep-seconds", "1",
                "juki.sftp.part-max-age-minutes", "1", "juki.agency.poll-ms", "200", "juki.sftp.max-inbox-files", "50"));
        port = gw.gateway.bean("dropFolderLease", SftpOnLease.class).port();
        dir = Files.createTempDirectory("hostile-sftp");
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    // ---- algorithms

    @Test
    void whatTheServerOffersIsOnlyWhatSshAuditPasses() throws Exception {
        // the server's own KEXINIT as OpenSSH prints it (sftp -vvv): a client nobody here wrote
        SystemTools.Run r = SystemTools.sftp(dir, port, "suido", TestPki.AGENCY, "ls\n", "-vvv");
        assertThat(r.exit()).as(r.output()).isZero();
        Map<String, String> offered = serverProposal(r.output());
        System.out.println("SFTP server offers: " + offered);

        assertThat(offered.get("KEX algorithms").split(",")).containsExactly("mlkem768x25519-sha256", "sntrup761x25519-sha512",
                "sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org",
                "ext-info-s", "kex-strict-s-v00@openssh.com");
        assertThat(offered.get("host key algorithms")).isEqualTo("ssh-ed25519");
        assertThat(offered.get("ciphers stoc").split(",")).containsExactly("chacha20-poly1305@openssh.com",
                "aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "aes256-ctr", "aes192-ctr", "aes128-ctr");
        assertThat(offered.get("MACs stoc").split(",")).containsExactly("hmac-sha2-512-etm@openssh.com",
                "hmac-sha2-256-etm@openssh.com");
        assertThat(offered.get("compression stoc")).isEqualTo("none");
        // what OpenSSH 9 and the server settle on
        assertThat(r.output()).contains("kex: algorithm: sntrup761x25519-sha512").contains("kex: host key algorithm: ssh-ed25519");
        // the host key is the one in sftp-host.key.pub, Ed25519
        assertThat(Files.readString(TestPki.dir().resolve("sftp-host.key.pub"))).startsWith("ssh-ed25519 ");
        assertThat(Files.getPosixFilePermissions(TestPki.dir().resolve("sftp-host.key")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aMinaClientNegotiatesEd25519APostQuantumHybridAndAnAeadCipher() throws Exception {
        try (SshClient client = client(c -> { }); ClientSession s = login(client)) {
            // the client's preference among what the server offers: a post-quantum hybrid
            assertThat(s.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS)).isIn("mlkem768x25519-sha256",
                    "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com");
            assertThat(s.getNegotiatedKexParameter(KexProposalOption.SERVERKEYS)).isEqualTo("ssh-ed25519");
            assertThat(s.getNegotiatedKexParameter(KexProposalOption.S2CENC)).isEqualTo("chacha20-poly1305@openssh.com");
            assertThat(s.getNegotiatedKexParameter(KexProposalOption.S2CCOMP)).isEqualTo("none");
        }
    }

    @Test
    void aClientOfferingOnlyNistEcdhIsRefused() throws Exception {
        assertRefused(c -> c.setKeyExchangeFactories(only(c.getKeyExchangeFactories(), "ecdh-sha2-nistp256", "ecdh-sha2-nistp384",
                "ecdh-sha2-nistp521")));
    }

    @Test
    void aClientAcceptingOnlyAnEcdsaHostKeyIsRefused() throws Exception {
        assertRefused(c -> c.setSignatureFactories(only(c.getSignatureFactories(), "ecdsa-sha2-nistp256")));
    }

    @Test
    void aClientOfferingOnlyEncryptAndMacHmacsIsRefused() throws Exception {
        assertRefused(c -> {
            c.setCipherFactories(only(c.getCipherFactories(), "aes128-ctr"));
            c.setMacFactories(only(c.getMacFactories(), "hmac-sha2-256", "hmac-sha2-512"));
        });
    }

    @Test
    void aClientAskingForZlibBeforeLoginIsRefused() throws Exception {
        assertRefused(c -> c.setCompressionFactories(List.of(BuiltinCompressions.zlib)));
    }

    @Test
    void theEcdsaHostKeyOfAnOlderGatewayIsRetiredAndReplacedByEd25519() throws Exception {
        Path keys = Files.createTempDirectory("old-host-key");
        Path hostKey = keys.resolve("sftp-host.key");
        // what the older gateway made: an ECDSA P-256 key (and its .pub), mode as MINA left it
        SimpleGeneratorHostKeyProvider old =
                new SimpleGeneratorHostKeyProvider(hostKey);
        old.setAlgorithm("EC");
        old.setKeySize(256);
        String oldPublic = PublicKeyEntry.toString(old.loadKeys(null).get(0).getPublic());
        Files.writeString(keys.resolve("sftp-host.key.pub"), oldPublic + "\n");
        List<String> audited = new CopyOnWriteArrayList<>();

        try (DropFolderServer unused = DropFolderServer.start("127.0.0.1", 0, keys.resolve("folders"), hostKey, Map.of(), a -> true,
                DropFolderServer.Settings.defaults(), (account, type, status, code, detail) -> audited.add(type + " " + status + " " + detail))) {
            String now = Files.readString(keys.resolve("sftp-host.key.pub"));
            assertThat(now).startsWith("ssh-ed25519 ").isNotEqualTo(oldPublic + "\n");
            assertThat(Files.getPosixFilePermissions(hostKey)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(keys.resolve("sftp-host.key.retired")).exists();
            assertThat(audited).singleElement().asString().startsWith("SFTP_HOST_KEY REPLACED the ecdsa-sha2-nistp256 host key was replaced by ssh-ed25519 SHA256:");
        }
        // a second start keeps the Ed25519 key
        String first = Files.readString(keys.resolve("sftp-host.key.pub"));
        try (DropFolderServer again = DropFolderServer.start("127.0.0.1", 0, keys.resolve("folders"), hostKey, Map.of())) {
            assertThat(Files.readString(keys.resolve("sftp-host.key.pub"))).isEqualTo(first);
            assertThat(again.port()).isPositive();
        }
        GatewayChild.deleteTree(keys);
    }

    // ---- inside the drop folder

    @Test
    void chmod777OfTheInboxIsRefusedAndTheModeOnDiskStays0700() throws Exception {
        Path inbox = gw.data.resolve("sftp/suido/inbox");
        assertThat(Files.getPosixFilePermissions(inbox)).isEqualTo(PosixFilePermissions.fromString("rwx------"));

        SystemTools.Run r = SystemTools.sftp(dir, port, "suido", TestPki.AGENCY, "chmod 777 inbox\n");

        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("Permission denied");
        assertThat(Files.getPosixFilePermissions(inbox)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        await().atMost(WAIT).until(() -> audited("S110", "changing permissions") > 0);
        // nor through MINA's client (setstat of owner, size), nor a folder or a link
        try (SshClient client = client(c -> { }); ClientSession s = login(client);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
            SftpClient.Attributes grow = new SftpClient.Attributes();
            grow.setSize(10L * 1024 * 1024 * 1024);
            assertThatThrownBy(() -> sftp.setStat("inbox", grow)).hasMessageContaining("not allowed");
            assertThatThrownBy(() -> sftp.mkdir("inbox/stray")).hasMessageContaining("not allowed");
            assertThatThrownBy(() -> sftp.symLink("inbox/link", "/outbox")).hasMessageContaining("not allowed");
            assertThatThrownBy(() -> sftp.write("outbox/forged.res.p7m").close()).hasMessageContaining("not allowed");
        }
        assertThat(inbox.resolve("stray")).doesNotExist();
        assertThat(inbox.resolve("link")).doesNotExist();
        assertThat(gw.data.resolve("sftp/suido/outbox/forged.res.p7m")).doesNotExist();
    }

    @Test
    void anUploadWithinTheQuotaWorksOnePastItFailsAndNothingHalfWrittenRemains() throws Exception {
        Path small = dir.resolve("small.bin");
        Path big = dir.resolve("big.bin");
        Files.write(small, new byte[300 * 1024]);
        Files.write(big, new byte[1536 * 1024]); // with the small one: past the 1 MiB quota
        Path inbox = gw.data.resolve("sftp/shuzei/inbox");

        SystemTools.Run ok = SystemTools.sftp(dir, port, "shuzei", TestPki.OTHER_AGENCY, "put small.bin inbox/small.part\n");
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(Files.getPosixFilePermissions(inbox.resolve("small.part"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        SystemTools.Run over = SystemTools.sftp(dir, port, "shuzei", TestPki.OTHER_AGENCY, "put big.bin inbox/big.part\n");

        assertThat(over.exit()).isNotZero();
        assertThat(over.output()).contains("write remote \"/inbox/big.part\": Failure");
        assertThat(inbox.resolve("big.part")).doesNotExist();
        assertThat(inbox.resolve("small.part")).hasSize(300 * 1024);
        await().atMost(WAIT).until(() -> audited("S120", "quota of 1048576 bytes") > 0);
        // the client sees why (MINA's client speaks SFTP v6, which has a quota status)
        try (SshClient client = client(c -> { }); ClientSession s = loginAs(client, "shuzei", TestPki.OTHER_AGENCY);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
            assertThatThrownBy(() -> {
                try (var out = sftp.write("inbox/again.part")) {
                    out.write(new byte[1536 * 1024]);
                }
            }).hasMessageContaining("quota");
        }
        assertThat(inbox.resolve("again.part")).doesNotExist();
        Files.delete(inbox.resolve("small.part"));
    }

    @Test
    void theSweepRemovesStrayEntriesButNotAFreshUpload() throws Exception {
        // (stale uploads: theSweepGoesByTheChangeTimeWhichAClientCannotSet)
        Path home = gw.data.resolve("sftp/shobo");
        Path fresh = home.resolve("inbox/new.req.p7m.part");
        Files.writeString(fresh, "being uploaded");
        // what an agency could make before (or someone on the host): folders, a link, a file beside the folders
        Files.createDirectories(home.resolve("inbox/stray/deeper"));
        Files.writeString(home.resolve("inbox/stray/deeper/x"), "x");
        Files.createDirectories(home.resolve("junk"));
        Files.createSymbolicLink(home.resolve("outbox/etc"), Path.of("/etc"));

        Files.setPosixFilePermissions(home.resolve("inbox"), PosixFilePermissions.fromString("rwxrwxrwx"));

        await().atMost(WAIT).until(() -> !Files.exists(home.resolve("inbox/stray"))
                && !Files.exists(home.resolve("junk")) && !Files.exists(home.resolve("outbox/etc"), LinkOption.NOFOLLOW_LINKS));

        assertThat(fresh).hasContent("being uploaded");
        assertThat(Path.of("/etc/hostname")).exists(); // the link was removed, not followed
        assertThat(Files.getPosixFilePermissions(home.resolve("inbox"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        await().atMost(WAIT).until(() -> audited("S130", "a stray folder in inbox/") > 0
                && audited("S130", "a stray folder beside inbox/") > 0 && audited("S130", "a stray link in outbox/") > 0);
        Files.delete(fresh);
    }

    @Test
    void aLinkLeftOnTheHostIsNotFollowedEvenBeforeTheSweepRemovesIt() throws Exception {
        Path root = Files.createTempDirectory("link-left");
        PublicKey suido = Pem.readCertificate(TestPki.dir().resolve(TestPki.AGENCY + ".pem")).getPublicKey();
        try (DropFolderServer server = DropFolderServer.start("127.0.0.1", 0, root.resolve("folders"), root.resolve("host.key"),
                Map.of("suido", suido))) {
            Files.createSymbolicLink(root.resolve("folders/suido/outbox/hostname.res.p7m"), Path.of("/etc/hostname"));
            try (SshClient client = client(c -> { });
                 ClientSession s = client.connect("suido", "127.0.0.1", server.port()).verify(WAIT).getSession()) {
                s.addPublicKeyIdentity(new KeyPair(suido, Pem.readPrivateKey(TestPki.dir().resolve(TestPki.AGENCY + ".key.pem"))));
                s.auth().verify(WAIT);
                try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
                    assertThatThrownBy(() -> sftp.read("outbox/hostname.res.p7m").readAllBytes()).hasMessageContaining("not allowed");
                }
            }
        } finally {
            GatewayChild.deleteTree(root);
        }
    }

    @Test
    void aFileOpenForWritingCannotBeRemovedOrRenamedAndASecondHandleCannotWritePastTheQuota() throws Exception {
        // the attack (review of finding 7): open inbox/a for writing, REMOVE it keeping the handle, write on — the
        // quota counted only the files listed in inbox/, so the unlinked file grew without limit
        Path inbox = gw.data.resolve("sftp/shuzei/inbox");
        try (SshClient client = client(c -> { }); ClientSession s = loginAs(client, "shuzei", TestPki.OTHER_AGENCY);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
            SftpClient.Handle a = sftp.open("inbox/a.part", SftpClient.OpenMode.Write, SftpClient.OpenMode.Create);
            sftp.write(a, 0, new byte[1024]);
            assertThatThrownBy(() -> sftp.remove("inbox/a.part")).hasMessageContaining("removing a file open for writing");
            assertThatThrownBy(() -> sftp.rename("inbox/a.part", "inbox/a.req.p7m")).hasMessageContaining("open for writing");
            try (var out = sftp.write("inbox/other.part")) {
                out.write(new byte[10]);
            }
            // nor replaced by a rename (the open file would leave inbox/ as well)
            assertThatThrownBy(() -> sftp.rename("inbox/other.part", "inbox/a.part")).hasMessageContaining("open for writing");
            sftp.remove("inbox/other.part");
            assertThat(inbox.resolve("a.part")).hasSize(1024);
            // so writing on stops at the quota (1 MiB), the file is removed
            assertThatThrownBy(() -> writeChunks(sftp, a, 1024, 4L * 1024 * 1024)).hasMessageContaining("quota");
            sftp.close(a);
            assertThat(inbox.resolve("a.part")).doesNotExist();

            // two handles on one file: the first goes past the quota (the file is removed), the second writes on
            SftpClient.Handle h1 = sftp.open("inbox/b.part", SftpClient.OpenMode.Write, SftpClient.OpenMode.Create);
            SftpClient.Handle h2 = sftp.open("inbox/b.part", SftpClient.OpenMode.Write);
            writeChunks(sftp, h1, 0, 800 * 1024);
            assertThatThrownBy(() -> writeChunks(sftp, h1, 800 * 1024, 1200 * 1024)).hasMessageContaining("quota");
            assertThat(inbox.resolve("b.part")).doesNotExist();
            long[] written = {0};
            assertThatThrownBy(() -> {
                for (long off = 800 * 1024; off < 4L * 1024 * 1024; off += 32 * 1024) {
                    sftp.write(h2, off, new byte[32 * 1024]);
                    written[0] += 32 * 1024;
                }
            }).hasMessageContaining("quota");
            System.out.println("SFTP second handle on a file removed past the quota: " + written[0] + " bytes written after it");
            assertThat(written[0]).isZero();
            sftp.close(h1);
            sftp.close(h2);

            // the upload pattern of the clients (write a .part, close, rename) still works
            try (var out = sftp.write("inbox/c.part")) {
                out.write(new byte[100 * 1024]);
            }
            sftp.rename("inbox/c.part", "inbox/c.done");
            assertThat(inbox.resolve("c.done")).hasSize(100 * 1024);
            sftp.remove("inbox/c.done");
        }
        await().atMost(WAIT).until(() -> audited("S110", "removing a file open for writing") > 0
                && audited("S110", "renaming a file open for writing") > 0);
    }

    @Test
    void anAgencyCannotRemoveAnAnswerNotYetPublished() throws Exception {
        Path part = gw.data.resolve("sftp/suido/outbox/unpublished.res.p7m.part");
        Files.write(part, new byte[64]); // as the gateway writes an answer before its rename
        try (SshClient client = client(c -> { }); ClientSession s = login(client);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
            assertThatThrownBy(() -> sftp.remove("outbox/unpublished.res.p7m.part")).hasMessageContaining("not allowed");
        }
        assertThat(part).hasSize(64);
        await().atMost(WAIT).until(() -> audited("S110", "removing an answer not yet published") > 0);
        Files.delete(part);
    }

    @Test
    void zeroByteFilesCannotExhaustTheInodes() throws Exception {
        // at most juki.sftp.max-inbox-files (50 here) entries in inbox/
        Path inbox = gw.data.resolve("sftp/shobo/inbox");
        int made = 0;
        String refusal = null;
        try (SshClient client = client(c -> { }); ClientSession s = loginAs(client, "shobo", TestPki.CODE_ONLY_AGENCY);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
            for (int i = 0; i < 200 && refusal == null; i++) {
                try {
                    sftp.write("inbox/empty-" + i).close();
                    made++;
                } catch (IOException e) {
                    refusal = e.getMessage();
                }
            }
        }
        long entries;
        try (var list = Files.list(inbox)) {
            entries = list.count();
        }
        System.out.println("SFTP zero-byte files: " + made + " made, then refused (\"" + refusal + "\"); " + entries
                + " entries in inbox/");
        assertThat(refusal).contains("at most 50 files");
        assertThat(entries).isEqualTo(50);
        await().atMost(WAIT).until(() -> audited("S120", "at most 50 allowed") > 0);
        try (var list = Files.list(inbox)) {
            for (Path p : list.filter(p -> p.getFileName().toString().startsWith("empty-")).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void theSweepGoesByTheChangeTimeWhichAClientCannotSet() throws Exception {
        Path root = Files.createTempDirectory("sweep-ctime");
        PublicKey suido = Pem.readCertificate(TestPki.dir().resolve(TestPki.AGENCY + ".pem")).getPublicKey();
        List<String> audited = new CopyOnWriteArrayList<>();
        DropFolderServer.Settings settings = new DropFolderServer.Settings(1024 * 1024, Duration.ofSeconds(3), Duration.ofSeconds(1),
                10, Duration.ofMinutes(10), Duration.ofMinutes(15), 1000, 8);
        try (DropFolderServer server = DropFolderServer.start("127.0.0.1", 0, root.resolve("folders"), root.resolve("host.key"),
                Map.of("suido", suido), a -> true, settings, (account, type, status, code, detail) -> audited.add(code + " " + detail));
             SshClient client = client(c -> { });
             ClientSession s = client.connect("suido", "127.0.0.1", server.port()).verify(WAIT).getSession()) {
            s.addPublicKeyIdentity(new KeyPair(suido, Pem.readPrivateKey(TestPki.dir().resolve(TestPki.AGENCY + ".key.pem"))));
            s.auth().verify(WAIT);
            Path inbox = root.resolve("folders/suido/inbox");
            try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
                try (var out = sftp.write("inbox/finished.req.p7m.part")) {
                    out.write(new byte[100]);
                }
                try (var out = sftp.write("inbox/stale.req.p7m.part")) {
                    out.write(new byte[100]);
                }
                // a modification time long past (a client that keeps the source file's times): not stale for that
                sftp.setStat("inbox/finished.req.p7m.part", new SftpClient.Attributes()
                        .modifyTime(FileTime.from(Instant.parse("2001-01-01T00:00:00Z"))));
                // one in the future: would keep a stale upload for ever
                sftp.setStat("inbox/stale.req.p7m.part", new SftpClient.Attributes()
                        .modifyTime(FileTime.from(Instant.now().plus(Duration.ofDays(3650)))));
                Thread.sleep(1500); // a sweep or more (every second), less than the 3 s an upload may stay untouched
                assertThat(inbox.resolve("finished.req.p7m.part")).as("an old mtime").exists();
                sftp.rename("inbox/finished.req.p7m.part", "inbox/finished.req.p7m");
            }
            await().atMost(WAIT).until(() -> !Files.exists(inbox.resolve("stale.req.p7m.part")));
            assertThat(inbox.resolve("finished.req.p7m")).hasSize(100);
            assertThat(audited).anyMatch(a -> a.startsWith("S130 an unfinished upload (100 bytes"));
        } finally {
            GatewayChild.deleteTree(root);
        }
    }

    // ---- floods

    @Test
    void twoThousandBareConnectionsFromOneAddressLeaveABoundedAuditAndTheCsLineStillAcks() throws Exception {
        // a TCP connect and close, again and again: one S100 record each flooded the audit past its lag bound (E503)
        String from = "127.0.0.5";
        long t0 = System.nanoTime();
        for (int i = 0; i < 2000; i++) {
            try (Socket so = new Socket()) {
                so.setReuseAddress(true);
                so.bind(new InetSocketAddress(from, 0));
                so.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // every connection is accounted for: recorded at once or counted in a later record
        await().atMost(Duration.ofSeconds(30)).until(() -> connectionsAudited(from) >= 2000);
        Thread.sleep(2500); // a sweep or two more: nothing further comes
        long records = gw.queryLong("SELECT count(*) FROM audit.record WHERE line = 'sftp' AND detail LIKE ?", "%" + from + "%");
        System.out.println("SFTP 2000 bare connections from one address in " + ms + " ms: " + records
                + " audit records (" + connectionsAudited(from) + " connections accounted for)");
        assertThat(connectionsAudited(from)).isEqualTo(2000);
        assertThat(records).isBetween(1L, 40L);
        try (FrameClient cs = gw.connect(TestPki.CHIYODA)) {
            assertThat(cs.send(Messages.update(TestPki.CHIYODA, "MOVE_IN", Messages.person(TestPki.CHIYODA)))
                    .get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
        }
    }

    @Test
    void atMostEightConnectionsFromOneAddressWaitUnauthenticated() throws Exception {
        List<Socket> open = new ArrayList<>();
        int closedByServer = 0;
        try {
            for (int i = 0; i < 12; i++) {
                Socket so = new Socket();
                so.bind(new InetSocketAddress("127.0.0.6", 0));
                so.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                open.add(so);
            }
            for (Socket so : open) {
                so.setSoTimeout(1000);
                try {
                    var in = so.getInputStream();
                    while (in.read() >= 0) {
                        // the server's identification line and key exchange offer, if it sends them
                    }
                    closedByServer++;
                } catch (SocketTimeoutException waiting) {
                    // still open: the server waits for our identification
                } catch (IOException reset) {
                    closedByServer++;
                }
            }
        } finally {
            for (Socket so : open) {
                so.close();
            }
        }
        System.out.println("SFTP 12 idle connections from one address: " + closedByServer + " closed by the server at once");
        assertThat(closedByServer).isEqualTo(4);
        await().atMost(WAIT).until(() -> audited("S100", "not logged in at once from 127.0.0.6") > 0);
    }

    @Test
    void aLoopOfRefusedRequestsLeavesABoundedAudit() throws Exception {
        long before = audited("S110", "making a folder is not allowed");
        try (SshClient client = client(c -> { }); ClientSession s = login(client);
             SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
            for (int i = 0; i < 1000; i++) {
                assertThatThrownBy(() -> sftp.mkdir("inbox/d")).hasMessageContaining("not allowed");
            }
        }
        Thread.sleep(2500); // the repeats are reported at the next sweep
        long records = gw.queryLong("SELECT count(*) FROM audit.record WHERE line = 'sftp' AND code = 'S110' AND detail LIKE ?",
                "%making a folder%");
        System.out.println("SFTP 1000 refused mkdir: " + (audited("S110", "making a folder is not allowed") - before)
                + " records at once, " + records + " making-a-folder records in all");
        assertThat(records).isBetween(1L, 20L);
        assertThat(audited("S110", "more refused request(s): making a folder")).isPositive();
    }

    // ---- failed logins

    @Test
    void passwordAndNoneAttemptsCountTowardABan() throws Exception {
        // MINA sets the user name only on success, and the public-key authenticator sees only public-key attempts:
        // a peer trying passwords (it first sends "none") was never banned. From 127.0.0.3, its own address.
        for (int i = 0; i < 10; i++) {
            try (SshClient client = client(c -> { });
                 ClientSession s = client.connect("suido", new InetSocketAddress("127.0.0.1", port),
                         new InetSocketAddress("127.0.0.3", 0)).verify(WAIT).getSession()) {
                s.addPasswordIdentity("guess-" + i);
                assertThatThrownBy(() -> s.auth().verify(WAIT)).isInstanceOf(Exception.class);
            }
        }
        await().atMost(WAIT).until(() -> audited("S140", "address 127.0.0.3 banned for 15 min after 10 failed logins") > 0);
    }

    // ---- failed logins

    @Test
    void tenFailedLoginsBanTheAddressEvenForTheRightKeyAndOnlyThatAddress() throws Exception {
        // from 127.0.0.2, so the other tests' connections from 127.0.0.1 are not banned
        for (int i = 0; i < 10; i++) {
            SystemTools.Run wrong = SystemTools.sftp(dir, port, "suido", TestPki.OTHER_AGENCY, "ls\n", "-o", "BindAddress=127.0.0.2");
            assertThat(wrong.exit()).isNotZero();
        }
        await().atMost(WAIT).until(() -> audited("S140", "address 127.0.0.2 banned for 15 min after 10 failed logins") > 0);

        SystemTools.Run right = SystemTools.sftp(dir, port, "suido", TestPki.AGENCY, "ls\n", "-o", "BindAddress=127.0.0.2",
                "-o", "ConnectTimeout=10");

        assertThat(right.exit()).isNotZero();
        assertThat(right.output()).doesNotContain("Permission denied").contains("kex_exchange_identification"); // no key asked
        await().atMost(WAIT).until(() -> audited("S140", "from banned address 127.0.0.2 refused") > 0);
        SystemTools.Run elsewhere = SystemTools.sftp(dir, port, "suido", TestPki.AGENCY, "ls\n");
        assertThat(elsewhere.exit()).as(elsewhere.output()).isZero();
    }

    // ---- the embedded PostgreSQL

    @Test
    void noDatabaseRoleGetsInWithoutItsPasswordAndThePasswordsAre0600() throws Exception {
        String url = gw.gateway.database().jdbcUrl();
        Path file = gw.data.resolve(DatabaseLogins.FILE);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        DatabaseLogins logins = DatabaseLogins.of(gw.data);
        for (String role : List.of("postgres", "juki_honnin", "juki_fuhyo", "juki_link", "juki_agency")) {
            // without a password the server asks for one (pgjdbc then gives up: 08004), with a wrong one it refuses (28P01)
            assertThat(refusal(url, role, "")).as(role + " without a password").isIn("08004", "28P01");
            assertThat(refusal(url, role, "juki-dev")).as(role + " with a wrong password").isEqualTo("28P01");
            try (Connection c = DriverManager.getConnection(url, role, logins.password(role))) {
                assertThat(c.isValid(5)).as(role).isTrue();
            }
        }
        assertThat(Files.readString(gw.data.resolve("pg/pg_hba.conf"))).doesNotContain("trust").contains("scram-sha-256");
    }

    @Test
    void aDataDirectoryOfAnOlderGatewayWithTrustIsUpgradedAtStart() throws Exception {
        Path old = Files.createTempDirectory("juki-old-data");
        int pgPort = Ports.free();
        // what an older gateway left: zonky's initdb (trust for everyone) and the schema with its roles, no passwords
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(old.resolve("pg")).setCleanDataDirectory(false)
                .setPort(pgPort).setServerConfig("shared_buffers", "32MB").start()) {
            Flyway.configure().dataSource("jdbc:postgresql://localhost:" + pgPort + "/postgres", "postgres", "")
                    .locations("classpath:db/migration").load().migrate();
        }
        assertThat(Files.readString(old.resolve("pg/pg_hba.conf"))).contains("trust");

        try (RunningGateway upgraded = RunningGateway.start(false, Map.of("juki.data.dir", old.toString(),
                "juki.sftp.enabled", "false"))) {
            String url = upgraded.gateway.database().jdbcUrl();
            assertThat(Files.getPosixFilePermissions(old.resolve(DatabaseLogins.FILE)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            for (String role : List.of("postgres", "juki_honnin", "juki_fuhyo", "juki_link", "juki_agency")) {
                assertThat(refusal(url, role, "")).as(role).isIn("08004", "28P01");
                assertThat(refusal(url, role, "x")).as(role).isEqualTo("28P01");
            }
            assertThat(Files.readString(old.resolve("pg/pg_hba.conf"))).doesNotContain("trust");
            // the operator tools find the owner's password in the data directory
            assertThat(upgraded.queryLong("SELECT count(*) FROM pg_authid WHERE rolcanlogin AND rolpassword IS NULL")).isZero();
        } finally {
            GatewayChild.deleteTree(old);
        }
    }

    @Test
    void anUnreadableHostKeyFailsTheStartAndIsNeitherRetiredNorReplaced() throws Exception {
        Path keys = Files.createTempDirectory("bad-host-key");
        try {
            // a read error (here: a folder where the key should be; as root a mode 000 file would still be read)
            Path hostKey = keys.resolve("sftp-host.key");
            Files.createDirectory(hostKey);
            assertThatThrownBy(() -> DropFolderServer.start("127.0.0.1", 0, keys.resolve("folders"), hostKey, Map.of()).close())
                    .hasMessageContaining("cannot be read").hasMessageContaining("does not start rather than replace it");
            assertThat(hostKey).isDirectory();
            assertThat(keys.resolve("sftp-host.key.retired")).doesNotExist();
            Files.delete(hostKey);
            // a damaged file: no key type at all, so not "another type"
            Files.writeString(hostKey, "-----BEGIN OPENSSH PRIVATE KEY-----\ndamaged\n");
            assertThatThrownBy(() -> DropFolderServer.start("127.0.0.1", 0, keys.resolve("folders"), hostKey, Map.of()).close())
                    .hasMessageContaining("is not a key the gateway can read");
            assertThat(hostKey).hasContent("-----BEGIN OPENSSH PRIVATE KEY-----\ndamaged\n");
            assertThat(keys.resolve("sftp-host.key.retired")).doesNotExist();
            Files.delete(hostKey);

            // an earlier retired key is never overwritten: the next one gets a time suffix
            Files.writeString(keys.resolve("sftp-host.key.retired"), "the key retired before");
            SimpleGeneratorHostKeyProvider old =
                    new SimpleGeneratorHostKeyProvider(hostKey);
            old.setAlgorithm("EC");
            old.setKeySize(256);
            old.loadKeys(null);
            byte[] ecdsa = Files.readAllBytes(hostKey);
            try (DropFolderServer server = DropFolderServer.start("127.0.0.1", 0, keys.resolve("folders"), hostKey, Map.of())) {
                assertThat(server.port()).isPositive();
            }
            assertThat(keys.resolve("sftp-host.key.retired")).hasContent("the key retired before");
            try (var list = Files.list(keys)) {
                List<Path> retired = list.filter(p -> p.getFileName().toString().startsWith("sftp-host.key.retired-")).toList();
                assertThat(retired).singleElement().satisfies(p -> assertThat(Files.readAllBytes(p)).isEqualTo(ecdsa));
            }
            assertThat(Files.readString(keys.resolve("sftp-host.key.pub"))).startsWith("ssh-ed25519 ");
        } finally {
            GatewayChild.deleteTree(keys);
        }
    }

    // ---- helpers

    /** writes zeros from {@code from} to {@code to} in 32 KiB SFTP writes */
    private static void writeChunks(SftpClient sftp, SftpClient.Handle h, long from, long to) throws Exception {
        byte[] chunk = new byte[32 * 1024];
        for (long off = from; off < to; off += chunk.length) {
            sftp.write(h, off, chunk, 0, (int) Math.min(chunk.length, to - off));
        }
    }

    /** the connections from {@code address} closed without a login that the audit accounts for (at once or counted) */
    private static long connectionsAudited(String address) throws Exception {
        long atOnce = gw.queryLong("SELECT count(*) FROM audit.record WHERE line = 'sftp' AND code = 'S100' AND detail LIKE ? "
                + "AND detail NOT LIKE '% more connection(s) from %'", "%" + address + "%");
        long counted = gw.queryLong("SELECT coalesce(sum(split_part(detail, ' ', 1)::bigint), 0) FROM audit.record WHERE line = 'sftp' "
                + "AND code = 'S100' AND detail LIKE ?", "% more connection(s) from " + address + " %");
        return atOnce + counted;
    }

    // ---- helpers

    private static long audited(String code, String detail) throws Exception {
        return gw.queryLong("SELECT count(*) FROM audit.record WHERE line = 'sftp' AND code = ? AND detail LIKE ?",
                code, "%" + detail + "%");
    }

    private static String refusal(String url, String role, String password) {
        try (Connection c = DriverManager.getConnection(url, role, password)) {
            return "connected";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    /** the lines after "peer server KEXINIT proposal" in ssh -vvv: name → comma-separated list */
    private static Map<String, String> serverProposal(String output) {
        Map<String, String> out = new LinkedHashMap<>();
        boolean in = false;
        for (String line : output.split("\n")) {
            if (line.contains("peer server KEXINIT proposal")) {
                in = true;
                continue;
            }
            if (in) {
                String l = line.replaceFirst("^debug2: ", "").strip();
                int colon = l.indexOf(": ");
                if (colon < 0 || l.startsWith("first_kex_follows")) {
                    break;
                }
                out.put(l.substring(0, colon), l.substring(colon + 2));
            }
        }
        return out;
    }

    private static <T extends NamedResource> List<T> only(List<T> available, String... names) {
        List<T> out = new ArrayList<>();
        for (T f : available) {
            if (List.of(names).contains(f.getName())) {
                out.add(f);
            }
        }
        assertThat(out).as("the client has %s", List.of(names)).isNotEmpty();
        return out;
    }

    private static SshClient client(Consumer<SshClient> configure) {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        configure.accept(client);
        client.start();
        return client;
    }

    private static ClientSession login(SshClient client) throws Exception {
        return loginAs(client, "suido", TestPki.AGENCY);
    }

    private static ClientSession loginAs(SshClient client, String account, String identity) throws Exception {
        KeyPair key = new KeyPair(Pem.readCertificate(TestPki.dir().resolve(identity + ".pem")).getPublicKey(),
                Pem.readPrivateKey(TestPki.dir().resolve(identity + ".key.pem")));
        ClientSession s = client.connect(account, "127.0.0.1", port).verify(WAIT).getSession();
        s.addPublicKeyIdentity(key);
        s.auth().verify(WAIT);
        return s;
    }

    /** a client so configured gets no session: the key exchange fails */
    private static void assertRefused(Consumer<SshClient> configure) throws Exception {
        try (SshClient client = client(configure)) {
            assertThatThrownBy(() -> login(client).close()).isInstanceOf(Exception.class);
        }
        await().atMost(WAIT).until(() -> audited("S100", "key exchange failed") > 0);
    }
}
