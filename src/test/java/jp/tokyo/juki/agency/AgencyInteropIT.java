package jp.tokyo.juki.agency;

import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.SystemTools;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agency that uses only tools nobody here wrote (PROTOCOL §4): it signs and encrypts its
 * request with the {@code openssl cms} command line, uploads it with OpenSSH {@code sftp} to the
 * gateway's drop folder, downloads the answer the same way, and opens and verifies it with
 * {@code openssl cms} against the network CA.
 */
class AgencyInteropIT {
    private static RunningGateway gw;
    private static String code;
    private static Path dir;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        gw = RunningGateway.start(false, Map.of("juki.agency.poll-ms", "200"));
        port = gw.gateway.bean("dropFolderLease", SftpOnLease.class).port();
        code = Messages.newJuminhyoCode();
        try (FrameClient chiyoda = gw.connect(CHIYODA)) {
            assertThat(chiyoda.send(update(CHIYODA, "MOVE_IN", Messages.person(CHIYODA, code, Messages.newMyNumber(),
                    "相互 運用", "ソウゴ ウンヨウ"))).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
        }
        dir = Files.createTempDirectory("agency-interop");
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static String pki(String file) throws Exception {
        return TestPki.dir().resolve(file).toString();
    }

    @Test
    void aRequestMadeWithOpensslAndUploadedWithSftpIsAnsweredAndTheAnswerVerifiesWithOpenssl() throws Exception {
        Files.writeString(dir.resolve("req.csv"), "request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,"
                + "birth_date,sex,address\r\nq1,SUIDO-FEE,JUMINHYO_CODE," + code + ",,,,,,\r\n", StandardCharsets.UTF_8);
        SystemTools.openssl(dir, "cms", "-sign", "-nodetach", "-binary", "-in", "req.csv", "-signer", pki(TestPki.AGENCY + ".pem"),
                "-inkey", pki(TestPki.AGENCY + ".key.pem"), "-md", "sha256", "-outform", "DER", "-out", "signed.der");
        SystemTools.openssl(dir, "cms", "-encrypt", "-binary", "-aes-256-gcm", "-in", "signed.der", "-recip",
                pki(Identities.GATEWAY + ".pem"), "-keyopt", "rsa_padding_mode:oaep", "-outform", "DER", "-out", "q.req.p7m");

        // the agency knows the gateway's host key from the public file the gateway writes, and checks it
        Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " "
                + Files.readString(TestPki.dir().resolve("sftp-host.key.pub")));
        SystemTools.Run up = SystemTools.sftp(dir, port, "suido", TestPki.AGENCY,
                "put q.req.p7m inbox/q.req.p7m.part\nrename inbox/q.req.p7m.part inbox/q.req.p7m\n",
                "-o", "StrictHostKeyChecking=yes");
        assertThat(up.exit()).as(up.output()).isZero();

        await().atMost(Duration.ofSeconds(30)).until(() -> SystemTools.sftp(dir, port, "suido", TestPki.AGENCY, "ls outbox\n")
                .output().contains("q.res.p7m"));
        SystemTools.Run down = SystemTools.sftp(dir, port, "suido", TestPki.AGENCY,
                "get outbox/q.res.p7m q.res.p7m\nrm outbox/q.res.p7m\nls inbox\n");
        assertThat(down.exit()).as(down.output()).isZero();
        assertThat(down.output()).as("the request left the inbox").doesNotContain("q.req.p7m");
        SystemTools.openssl(dir, "cms", "-decrypt", "-inform", "DER", "-in", "q.res.p7m", "-recip", pki(TestPki.AGENCY + ".pem"),
                "-inkey", pki(TestPki.AGENCY + ".key.pem"), "-out", "res-signed.der");
        SystemTools.openssl(dir, "cms", "-verify", "-binary", "-inform", "DER", "-in", "res-signed.der", "-CAfile", pki("ca.pem"),
                "-out", "res.csv");

        assertThat(Files.readString(dir.resolve("res.csv"), StandardCharsets.UTF_8)).isEqualTo(
                "request_id,status,juminhyo_code,name_kanji,name_kana,birth_date,sex,address,my_number,reason,change_date\r\n"
                        + "q1,FOUND," + code + ",相互 運用,ソウゴ ウンヨウ,,,東京都千代田区千代田１番１号,,MOVE_IN,"
                        + gw.queryString("SELECT change_date::text FROM honnin.resident WHERE juminhyo_code = ?", code) + "\r\n");
    }

    @Test
    void aLoginWithAnotherAgencysKeyIsRefusedAndAudited() throws Exception {
        SystemTools.Run r = SystemTools.sftp(dir, port, "suido", TestPki.OTHER_AGENCY, "ls\n");

        assertThat(r.exit()).isNotZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong("SELECT count(*) FROM audit.record WHERE line = 'sftp' "
                + "AND msg_type = 'SFTP_LOGIN' AND status = 'REFUSED' AND detail LIKE '%account suido, from 127.0.0.1%'") > 0);
    }
}
