package jp.tokyo.juki.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import jp.tokyo.juki.agency.DropFolderServer;
import jp.tokyo.juki.agency.RequestCsv;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.security.CmsFiles;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agency client against the real drop folder server (PROTOCOL §4), the test playing the
 * gateway's part on the folders: what arrives in inbox/, what is answered in outbox/.
 */
class AgencyClientIT {
    private static final String CSV = String.join(",", RequestCsv.HEADER)
            + "\r\nR1,SHUZEI-TAX,JUMINHYO_CODE,24727059608,,,,,,\r\n";
    private static final String RESULT = String.join(",", AgencyAnswer.RESULT_HEADER)
            + "\r\nR1,FOUND,24727059608,山田 太郎,ヤマダ タロウ,1980-04-01,1,東京都世田谷区,,,\r\n";

    private static Path keystores;
    private static Path folder;
    private static DropFolderServer server;

    @BeforeAll
    static void start() throws Exception {
        Path root = Files.createTempDirectory("agency-client");
        keystores = root.resolve("keystores");
        new DevPki(keystores, "juki-dev".toCharArray()).init(List.of(Identities.GATEWAY, "agency-shuzei", "agency-suido"));
        server = DropFolderServer.start("127.0.0.1", Ports.free(), root.resolve("sftp"), keystores.resolve("sftp-host.key"),
                Map.of("shuzei", Pem.readCertificate(keystores.resolve("agency-shuzei.pem")).getPublicKey()));
        folder = root.resolve("sftp/shuzei");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static AgencyClient.Options options(Path keys, Path knownHosts) {
        return new AgencyClient.Options("127.0.0.1", server.port(), "shuzei", keys, knownHosts, Duration.ofMillis(50));
    }

    private static AgencyClient client() throws Exception {
        return AgencyClient.connect(options(keystores, null));
    }

    /** Writes an answer as the gateway does: signed by {@code signer}, encrypted to the agency, renamed into place. */
    private static void answer(String file, String content, String signer) throws Exception {
        PrivateKey key = Pem.readPrivateKey(keystores.resolve(signer + ".key.pem"));
        X509Certificate cert = Pem.readCertificate(keystores.resolve(signer + ".pem"));
        byte[] bytes = CmsFiles.protect(content.getBytes(StandardCharsets.UTF_8), key, cert,
                Pem.readCertificate(keystores.resolve("agency-shuzei.pem")));
        Path tmp = folder.resolve("outbox/" + file + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, folder.resolve("outbox/" + file), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void theRequestArrivesUnderItsFinalNameSignedByTheAgencyAndEncryptedToTheGateway() throws Exception {
        try (AgencyClient c = client()) {
            c.submit("q1", CSV.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(folder.resolve("inbox/q1.req.p7m.part")).doesNotExist();
        CmsFiles.Opened opened = CmsFiles.open(Files.readAllBytes(folder.resolve("inbox/q1.req.p7m")),
                Pem.readPrivateKey(keystores.resolve("gateway.key.pem")), Pem.readCertificate(keystores.resolve("gateway.pem")));
        assertThat(new String(opened.content(), StandardCharsets.UTF_8)).isEqualTo(CSV);
        assertThat(Identities.commonName(opened.signer())).isEqualTo("agency-shuzei");
    }

    @Test
    void aResultIsVerifiedReadAndCollectedFromTheOutbox() throws Exception {
        answer("q2.res.p7m", RESULT, Identities.GATEWAY);

        AgencyAnswer a;
        try (AgencyClient c = client()) {
            a = c.awaitAnswer("q2", Duration.ofSeconds(10));
        }

        assertThat(a).isInstanceOf(AgencyAnswer.Result.class);
        assertThat(((AgencyAnswer.Result) a).summary()).startsWith("FOUND 1, NOT_FOUND 0");
        assertThat(new String(((AgencyAnswer.Result) a).csv(), StandardCharsets.UTF_8)).isEqualTo(RESULT);
        assertThat(folder.resolve("outbox/q2.res.p7m")).doesNotExist();
    }

    @Test
    void anAnswerArrivingWhileTheClientWaitsIsCollected() throws Exception {
        try (AgencyClient c = client()) {
            Thread late = new Thread(() -> {
                try {
                    Thread.sleep(500);
                    answer("q3.res.p7m", RESULT, Identities.GATEWAY);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            late.start();
            AgencyAnswer a = c.awaitAnswer("q3", Duration.ofSeconds(10));
            late.join();

            assertThat(a.file()).isEqualTo("q3.res.p7m");
        }
    }

    @Test
    void anErrorAnswerGivesTheGatewaysReason() throws Exception {
        answer("q4.err.p7m", "A120: line 1: the header must be request_id,…\n", Identities.GATEWAY);

        try (AgencyClient c = client()) {
            AgencyAnswer a = c.awaitAnswer("q4", Duration.ofSeconds(10));

            assertThat(a).isEqualTo(new AgencyAnswer.FileError("q4.err.p7m", "A120: line 1: the header must be request_id,…"));
        }
        assertThat(folder.resolve("outbox/q4.err.p7m")).doesNotExist();
    }

    @Test
    void anAnswerSignedByAnyoneButTheGatewayIsRefusedAndLeftInTheOutbox() throws Exception {
        answer("q5.res.p7m", RESULT, "agency-suido");

        try (AgencyClient c = client()) {
            assertThatThrownBy(() -> c.awaitAnswer("q5", Duration.ofSeconds(10)))
                    .isInstanceOf(AgencyClient.UntrustedAnswer.class)
                    .hasMessageContaining("identity 'agency-suido' may not connect");
        }
        assertThat(folder.resolve("outbox/q5.res.p7m")).exists();
    }

    @Test
    void noAnswerWithinTheTimeoutIsATimeout() throws Exception {
        try (AgencyClient c = client()) {
            assertThatThrownBy(() -> c.awaitAnswer("q6", Duration.ofMillis(300))).isInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void aNameWhoseAnswerIsStillUncollectedIsNotReused() throws Exception {
        answer("q7.res.p7m", RESULT, Identities.GATEWAY);

        try (AgencyClient c = client()) {
            assertThatThrownBy(() -> c.submit("q7", CSV.getBytes(StandardCharsets.UTF_8)))
                    .hasMessageContaining("outbox/q7.res.p7m is waiting to be collected");
        }
        assertThat(folder.resolve("inbox/q7.req.p7m")).doesNotExist();
    }

    @Test
    void aServerWithAnotherHostKeyThanThePinnedOneIsRefused() throws Exception {
        Path other = Files.createTempDirectory("other-keys");
        try (var pems = Files.newDirectoryStream(keystores, "*.pem")) {
            for (Path f : pems) {
                Files.copy(f, other.resolve(f.getFileName()));
            }
        }
        // another server's host key, made as the drop folder server makes its own at start
        DropFolderServer.start("127.0.0.1", Ports.free(), other.resolve("sftp"), other.resolve("sftp-host.key"), Map.of())
                .close();

        assertThatThrownBy(() -> AgencyClient.connect(options(other, null)))
                .hasMessageContaining("host key not accepted");
    }

    @Test
    void aKnownHostsFileListingTheServerIsAcceptedAndOneWithoutItRefused() throws Exception {
        String key = PublicKeyEntry.toString(AgencyClient.pinnedHostKey(keystores.resolve("sftp-host.key.pub")));
        Path listed = Files.createTempFile("known_hosts", "");
        Files.writeString(listed, "[127.0.0.1]:" + server.port() + " " + key + "\n");
        Path otherPort = Files.createTempFile("known_hosts", "");
        Files.writeString(otherPort, "[127.0.0.1]:" + (server.port() + 1) + " " + key + "\n");

        try (AgencyClient c = AgencyClient.connect(options(keystores, listed))) {
            assertThatThrownBy(() -> c.awaitAnswer("q8", Duration.ofMillis(50))).isInstanceOf(TimeoutException.class);
        }
        assertThatThrownBy(() -> AgencyClient.connect(options(keystores, otherPort)))
                .hasMessageContaining("host key not accepted");
        assertThat(Files.readString(otherPort)).as("an unknown host is never added").hasLineCount(1);
    }
}
