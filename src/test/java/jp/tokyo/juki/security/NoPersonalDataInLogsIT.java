package jp.tokyo.juki.security;

import static jp.tokyo.juki.testkit.Messages.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.link.LinkOutcome;
import jp.tokyo.juki.link.LinkRefusal;
import jp.tokyo.juki.link.MyNumberLink;
import jp.tokyo.juki.testkit.ConsistencyMessages;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.TestAgencies;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * R-SEC-PII: plant a name, a My Number and a 住民票コード, send them through every path —
 * accepted, refused for each reason, delivered to a national server that is down, then up —
 * and find none of them in anything the gateway logged, in any reply detail, or in the audit.
 */
class NoPersonalDataInLogsIT {
    private static final String NAME = "漏洩検査 花子";
    private static final String KANA = "ロウエイケンサ ハナコ";

    @Test
    void plantedPersonalDataAppearsInNoLogNoReplyDetailAndNoAuditRecord() throws Exception {
        // the log searched must be this run's: a stale file (or a logger silently gone NOP) would pass
        String marker = "no-pii-run-" + UUID.randomUUID();
        LoggerFactory.getLogger(NoPersonalDataInLogsIT.class).info(marker);
        String code = Messages.newJuminhyoCode();
        String myNumber = Messages.newMyNumber();
        List<Reply> replies = new ArrayList<>();
        Path agencies = TestAgencies.withMyNumber(Files.createTempDirectory("juki-pii-agencies"),
                "pii-requester", "PII-TEST");
        try (RunningGateway gw = RunningGateway.start(false, Map.of("juki.agencies", agencies.toString()));
             FrameClient cs = gw.connect(TestPki.CHIYODA)) {
            ObjectNode record = Messages.person(TestPki.CHIYODA, code, myNumber, NAME, KANA);
            List<Request> requests = new ArrayList<>();
            requests.add(update(TestPki.CHIYODA, "MOVE_IN", record));
            requests.add(update(TestPki.CHIYODA, "MOVE_IN", record)); // E140
            ObjectNode badDigit = record.deepCopy();
            badDigit.put("myNumber", myNumber.substring(0, 11) + (char) ('0' + (myNumber.charAt(11) - '0' + 1) % 10));
            requests.add(update(TestPki.CHIYODA, "MOVE_WITHIN", badDigit)); // E120
            ObjectNode badKana = record.deepCopy();
            badKana.with("name").put("kana", NAME);
            requests.add(update(TestPki.CHIYODA, "MOVE_WITHIN", badKana)); // E110
            requests.add(update(TestPki.CHUO, "MOVE_IN", record)); // E130
            ObjectNode annex = Messages.fuhyoPerson(TestPki.CHIYODA).put("juminhyoCode", code);
            annex.with("name").put("kanji", NAME).put("kana", KANA);
            requests.add(Messages.fuhyoUpdate(TestPki.CHIYODA, "BIRTH", annex)); // fuhyo I000, notice undeliverable
            ObjectNode death = annex.deepCopy().put("noticeKind", "DELETION");
            requests.add(Messages.fuhyoUpdate(TestPki.CHIYODA, "DEATH", death));
            requests.add(Messages.fuhyoUpdate(TestPki.CHIYODA, "DEATH", death)); // E140 already deleted
            requests.add(Messages.fuhyoUpdate(TestPki.CHIYODA, "BIRTH", annex.deepCopy().put("myNumber", myNumber))); // E110
            ObjectNode plantedMember = record.deepCopy();
            plantedMember.put(NAME + " " + myNumber + " " + code + "\r\n", 1); // a member named with personal data: E110
            requests.add(update(TestPki.CHIYODA, "MOVE_WITHIN", plantedMember));
            for (Request r : requests) {
                replies.add(cs.send(r).get(20, TimeUnit.SECONDS));
            }
            // the consistency check: a record that differs, a chunk refused for a bad record, the result
            ObjectNode differing = record.deepCopy().put("birthDate", "1999-09-09");
            ObjectNode badRecord = record.deepCopy();
            badRecord.with("name").put("kana", NAME);
            replies.add(cs.send(ConsistencyMessages.begin(TestPki.CHIYODA, "HONNIN", "pii-check", 1)).get(20, TimeUnit.SECONDS));
            replies.add(cs.send(ConsistencyMessages.chunk(TestPki.CHIYODA, "pii-check", 0, List.of(badRecord)))
                    .get(20, TimeUnit.SECONDS)); // E110
            replies.add(cs.send(ConsistencyMessages.chunk(TestPki.CHIYODA, "pii-check", 0, List.of(differing)))
                    .get(20, TimeUnit.SECONDS));
            Reply result = cs.send(ConsistencyMessages.end(TestPki.CHIYODA, "pii-check", null)).get(20, TimeUnit.SECONDS);
            replies.add(result);
            // codes are what the result is for (PROTOCOL §2.5); names and numbers never
            assertThat(result.body().toString()).contains(code).doesNotContain(myNumber, NAME, KANA, "漏洩");
            // R-LINK refusals: a business not allowed, and a person whose annex was deleted
            MyNumberLink link = gw.gateway.bean("myNumberLink", MyNumberLink.class);
            assertThat(link.obtain("NOT-ALLOWED", "pii-requester", "pii-delivery-1", code))
                    .isEqualTo(new LinkOutcome.Refused(LinkRefusal.BUSINESS_NOT_ALLOWED));
            assertThat(link.obtain("PII-TEST", "pii-requester", "pii-delivery-2", code))
                    .isEqualTo(new LinkOutcome.Refused(LinkRefusal.DELETED_IN_FUHYO));
            // an agency request: a row found, a row refused (My Number not allowed), a row with the name as its
            // 住民票コード (INVALID), a 4-item row; and a file signed by another agency (A110)
            byte[] csv = ("request_id,business,key_type,juminhyo_code,my_number,name_kana,name_kanji,birth_date,sex,address\n"
                    + "p1,SUIDO-FEE,JUMINHYO_CODE," + code + ",,,,,,\n"
                    + "p2,SUIDO-FEE,MY_NUMBER,," + myNumber + ",,,,,\n"
                    + "p3,SUIDO-FEE,JUMINHYO_CODE," + NAME + ",,,,,,\n"
                    + "p4,SUIDO-FEE,FOUR_INFO,,," + KANA + "," + NAME + ",1980-04-01,,\n"
                    + NAME + ",SUIDO-FEE,JUMINHYO_CODE," + code + ",,,,,,\n").getBytes(StandardCharsets.UTF_8); // as request id
            Path inbox = gw.data.resolve("sftp/suido/inbox");
            Path outbox = gw.data.resolve("sftp/suido/outbox");
            X509Certificate gateway = Pem.readCertificate(
                    TestPki.dir().resolve("gateway.pem"));
            for (String signer : List.of(TestPki.AGENCY, TestPki.OTHER_AGENCY)) {
                byte[] file = CmsFiles.protect(csv,
                        Pem.readPrivateKey(TestPki.dir().resolve(signer + ".key.pem")),
                        Pem.readCertificate(TestPki.dir().resolve(signer + ".pem")), gateway);
                Files.write(inbox.resolve(signer + ".part"), file);
                Files.move(inbox.resolve(signer + ".part"), inbox.resolve(signer + ".req.p7m"));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(outbox.resolve(TestPki.AGENCY + ".res.p7m"))
                    && Files.exists(outbox.resolve(TestPki.OTHER_AGENCY + ".err.p7m")));
            String provisions = gw.queryString("SELECT string_agg(concat_ws('|', row_ref, business, key_type, person, "
                    + "items::text, outcome, reason), E'\n' ORDER BY line) FROM agency.provision");
            assertThat(provisions).contains("p1|SUIDO-FEE|JUMINHYO_CODE|").contains("|REFUSED|").contains("|INVALID|")
                    .doesNotContain(code, myNumber, NAME, KANA, "漏洩");
            replies.add(cs.sendRaw("x", ("{\"v\":1,\"id\":\"x\",\"name\":\"" + NAME + "\"}").getBytes(StandardCharsets.UTF_8))
                    .get(20, TimeUnit.SECONDS));
            replies.add(cs.sendRaw("y", ("{\"v\":1,\"id\":\"y\",\"" + NAME + " " + myNumber + "\":1}")
                    .getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS));
            Thread.sleep(1500); // delivery attempts to the absent national server are logged
            gw.startNational();
            await().atMost(Duration.ofSeconds(30)).until(() -> gw.national.noticeCount() == 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong("SELECT count(*) FROM audit.record") >= 11);
            String audit = gw.queryString("SELECT string_agg(concat_ws('|', peer, msg_type, msg_id, sender, status, code, "
                    + "detail, persons::text), E'\\n') FROM audit.record");
            assertThat(audit).doesNotContain(code, myNumber, NAME, KANA, "漏洩");
            // what operators scrape after all of it: metrics (labels included) and every health detail
            for (String path : List.of("/observe/metrics", "/observe/health?exposureLevel=full&data=true")) {
                String scraped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gw.managementPort() + path)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(scraped).contains("juki").doesNotContain(code, myNumber, NAME, KANA, "漏洩");
            }
        }
        assertThat(replies).extracting(Reply::code).extracting(Enum::name)
                .containsExactly("I000", "E140", "E120", "E110", "E130", "I000", "I000", "E140", "E110", "E110",
                        "I000", "E110", "I000", "I000", "E110", "E110");
        for (Reply r : replies) {
            assertThat(r.detail()).doesNotContain(code, myNumber, NAME, KANA, "漏洩");
        }
        String log = Files.readString(Path.of("target/test-logs/tests.log"), StandardCharsets.UTF_8);
        assertThat(log).contains(marker).contains("juki-gateway ready");
        assertThat(log).doesNotContain(code).doesNotContain(myNumber).doesNotContain(NAME).doesNotContain(KANA)
                .doesNotContain("漏洩");
    }
}
