package jp.tokyo.juki.cs;

import static jp.tokyo.juki.testkit.Messages.person;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static jp.tokyo.juki.testkit.TestPki.CHUO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CS line end to end, over real mutual TLS, against a gateway with its embedded
 * PostgreSQL and Artemis and a national simulator: every reply code, DUPLICATE, ordering,
 * the store and the national notice.
 */
class CsLineIT {
    private static RunningGateway gw;
    private static FrameClient chiyoda;

    @BeforeAll
    static void start() throws Exception {
        gw = RunningGateway.start(true, Map.of());
        chiyoda = gw.connect(CHIYODA);
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(chiyoda, gw);
    }

    private static Reply send(Request r) throws Exception {
        return chiyoda.send(r).get(20, TimeUnit.SECONDS);
    }

    private static Reply sendRaw(FrameClient c, String id, String json) throws Exception {
        return c.sendRaw(id, json.getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
    }

    private long residents(String code) throws Exception {
        return gw.queryLong("SELECT count(*) FROM honnin.resident WHERE juminhyo_code = ?", code);
    }

    @Test
    void pingIsAcknowledged() throws Exception {
        Request ping = Messages.ping(CHIYODA);
        Reply reply = send(ping);
        assertThat(reply.status()).isEqualTo(Status.ACK);
        assertThat(reply.inReplyTo()).isEqualTo(ping.id());
    }

    @Test
    void birthIsStoredWithGatewayItemsAndItsNoticeCarriesExactlyTheEightItems() throws Exception {
        ObjectNode record = person(CHIYODA);
        String code = record.get("juminhyoCode").asText();
        record.with("name").put("kana", "ジョウ ヴァイオレット");
        Request birth = update(CHIYODA, "BIRTH", record);

        Reply reply = send(birth);

        assertThat(reply.status()).isEqualTo(Status.ACK);
        assertThat(reply.code().name()).isEqualTo("I000");
        assertThat(gw.queryString("SELECT kana_normalized FROM honnin.resident WHERE juminhyo_code = ?", code))
                .isEqualTo("シヨオハイオレツト");
        assertThat(gw.queryString("SELECT operator_id || '/' || terminal_id || '/' || deleted || '/' || (update_seq > 0)"
                + " || '/' || (notified_date IS NOT NULL) FROM honnin.resident WHERE juminhyo_code = ?", code))
                .isEqualTo("op-0001/term-01/false/true/true");
        JsonNode notice = awaitNotice(CHIYODA, birth.id());
        assertThat(notice.get("type").asText()).isEqualTo("HONNIN_NOTICE");
        JsonNode body = notice.get("body");
        List<String> members = new ArrayList<>();
        body.fieldNames().forEachRemaining(members::add);
        assertThat(members).containsExactlyInAnyOrder("origin", "juminhyoCode", "name", "birthDate", "sex", "address",
                "myNumber", "reason", "changeDate");
        assertThat(body.get("juminhyoCode").asText()).isEqualTo(code);
        assertThat(body.get("reason").asText()).isEqualTo("BIRTH");
        assertThat(body.get("address").get("municipalityCode").asText()).isEqualTo(CHIYODA);
    }

    @Test
    void repeatOfTheSameIdIsDuplicateWithTheFirstCodeAndChangesNothing() throws Exception {
        ObjectNode record = person(CHIYODA);
        Request moveIn = update(CHIYODA, "MOVE_IN", record);
        assertThat(send(moveIn).status()).isEqualTo(Status.ACK);
        long history = gw.queryLong("SELECT count(*) FROM honnin.resident_history");

        Reply again = send(moveIn);

        assertThat(again.status()).isEqualTo(Status.DUPLICATE);
        assertThat(again.code().name()).isEqualTo("I000");
        assertThat(gw.queryLong("SELECT count(*) FROM honnin.resident_history")).isEqualTo(history);
        // Wait until the outbox has drained this request, then count what reached the national server:
        // reading the outbox and the national server at one instant races the delivery between them.
        awaitNotice(CHIYODA, moveIn.id());
        await().atMost(Duration.ofSeconds(20)).until(() ->
                gw.queryLong("SELECT count(*) FROM honnin.national_outbox WHERE origin_id = ?", moveIn.id()) == 0);
        assertThat(gw.national.notices().stream().filter(n -> n.at("/body/origin/id").asText().equals(moveIn.id())))
                .hasSize(1);
    }

    @Test
    void wrongMyNumberCheckDigitIsE120AndNothingIsWritten() throws Exception {
        ObjectNode record = person(CHIYODA);
        String mn = record.get("myNumber").asText();
        record.put("myNumber", mn.substring(0, 11) + (char) ('0' + (mn.charAt(11) - '0' + 1) % 10));

        Reply reply = send(update(CHIYODA, "MOVE_IN", record));

        assertThat(reply.status()).isEqualTo(Status.NACK);
        assertThat(reply.code().name()).isEqualTo("E120");
        assertThat(reply.detail()).contains("myNumber").doesNotContain(mn.substring(0, 11));
        assertThat(residents(record.get("juminhyoCode").asText())).isZero();
    }

    @Test
    void wrongJuminhyoCodeCheckDigitIsE120() throws Exception {
        ObjectNode record = person(CHIYODA);
        String code = record.get("juminhyoCode").asText();
        record.put("juminhyoCode", code.substring(0, 10) + (char) ('0' + (code.charAt(10) - '0' + 1) % 10));
        assertThat(send(update(CHIYODA, "MOVE_IN", record)).code().name()).isEqualTo("E120");
    }

    @Test
    void unknownItemIsRefusedWithE110NamingIt() throws Exception {
        ObjectNode record = person(CHIYODA);
        record.put("bloodType", "A");
        Reply reply = send(update(CHIYODA, "MOVE_IN", record));
        assertThat(reply.code().name()).isEqualTo("E110");
        // named by its position: a member name is the CS's text and may hold anything (R-SEC-PII)
        assertThat(reply.detail()).startsWith("body.record: member 9 unknown (allowed: ").doesNotContain("bloodType");
    }

    @Test
    void missingItemIsRefusedWithE110() throws Exception {
        ObjectNode record = person(CHIYODA);
        record.remove("sex");
        Reply reply = send(update(CHIYODA, "MOVE_IN", record));
        assertThat(reply.code().name()).isEqualTo("E110");
        assertThat(reply.detail()).contains("sex").contains("required");
    }

    @Test
    void gaijiCountThatDoesNotMatchTheTextIsE110() throws Exception {
        ObjectNode record = person(CHIYODA);
        record.with("name").put("kanji", "山田 {MJ012345}郎");
        Reply reply = send(update(CHIYODA, "MOVE_IN", record));
        assertThat(reply.code().name()).isEqualTo("E110");
        assertThat(reply.detail()).contains("gaijiCount");
    }

    @Test
    void futureChangeDateIsE110() throws Exception {
        Request r = update(CHIYODA, "MOVE_IN", person(CHIYODA));
        ((ObjectNode) r.body()).put("changeDate", "2999-01-01");
        assertThat(send(r).code().name()).isEqualTo("E110");
    }

    @Test
    void senderOtherThanTheCertificatesMunicipalityIsE130() throws Exception {
        Request r = update(CHUO, "MOVE_IN", person(CHUO));
        Reply reply = send(r);
        assertThat(reply.code().name()).isEqualTo("E130");
        assertThat(residents(r.body().at("/record/juminhyoCode").asText())).isZero();
    }

    @Test
    void recordOfAnotherTokyoMunicipalityIsE130() throws Exception {
        assertThat(send(update(CHIYODA, "MOVE_IN", person(CHUO))).code().name()).isEqualTo("E130");
    }

    @Test
    void municipalityOutsideTokyoIsE131() throws Exception {
        assertThat(send(update("271004", "MOVE_IN", person("271004"))).code().name()).isEqualTo("E131");
    }

    @Test
    void moveInForACurrentResidentIsRefusedWithE140() throws Exception {
        ObjectNode record = person(CHIYODA);
        assertThat(send(update(CHIYODA, "MOVE_IN", record)).status()).isEqualTo(Status.ACK);
        // the same 転入 again, as a new request (another id): the person already lives here
        Reply again = send(update(CHIYODA, "MOVE_IN", record));
        assertThat(again.code().name()).isEqualTo("E140");
        assertThat(again.detail()).contains("R-VAL-LOGIC").contains("already a current resident");
        assertThat(residents(record.get("juminhyoCode").asText())).isEqualTo(1);
    }

    @Test
    void moveWithinThatChangesTheNameIsRefusedWithE140() throws Exception {
        ObjectNode record = person(CHIYODA);
        assertThat(send(update(CHIYODA, "MOVE_IN", record)).status()).isEqualTo(Status.ACK);
        ObjectNode renamed = record.deepCopy();
        renamed.with("name").put("kanji", "山田 次郎");
        renamed.with("address").put("text", "東京都千代田区丸の内１番１号");
        assertThat(send(update(CHIYODA, "MOVE_WITHIN", renamed)).code().name()).isEqualTo("E140");
    }

    @Test
    void deathOfSomeoneWhoIsNotAResidentOfTheSenderIsRefusedWithE140() throws Exception {
        assertThat(send(update(CHIYODA, "DEATH", person(CHIYODA))).code().name()).isEqualTo("E140");
    }

    @Test
    void aRefusedIdIsNotRememberedSoTheSameIdCanBeSentAgainLater() throws Exception {
        ObjectNode record = person(CHIYODA);
        Request moveWithin = update(CHIYODA, "MOVE_WITHIN", record);
        assertThat(send(moveWithin).code().name()).isEqualTo("E140");
        assertThat(send(update(CHIYODA, "MOVE_IN", record)).status()).isEqualTo(Status.ACK);

        Reply retried = send(moveWithin);

        assertThat(retried.status()).isEqualTo(Status.ACK);
    }

    @Test
    void changesKeepHistoryAndDeletionKeepsThePersonWithTheDeleteFlag() throws Exception {
        ObjectNode record = person(CHIYODA);
        String code = record.get("juminhyoCode").asText();
        assertThat(send(update(CHIYODA, "MOVE_IN", record)).status()).isEqualTo(Status.ACK);
        record.with("address").put("text", "東京都千代田区丸の内２番２号");
        assertThat(send(update(CHIYODA, "MOVE_WITHIN", record)).status()).isEqualTo(Status.ACK);
        assertThat(send(update(CHIYODA, "DEATH", record)).status()).isEqualTo(Status.ACK);

        assertThat(gw.queryLong("SELECT count(*) FROM honnin.resident_history WHERE juminhyo_code = ?", code)).isEqualTo(2);
        assertThat(gw.queryString("SELECT deleted::text FROM honnin.resident WHERE juminhyo_code = ?", code)).isEqualTo("true");
        assertThat(send(update(CHIYODA, "MOVE_WITHIN", record)).code().name()).isEqualTo("E140");
    }

    @Test
    void juminhyoCodeChangeEndsTheFormerCodeAndStartsTheNewOne() throws Exception {
        ObjectNode record = person(CHIYODA);
        String former = record.get("juminhyoCode").asText();
        assertThat(send(update(CHIYODA, "MOVE_IN", record)).status()).isEqualTo(Status.ACK);
        ObjectNode renumbered = record.deepCopy();
        String fresh = Messages.newJuminhyoCode();
        renumbered.put("juminhyoCode", fresh);
        Request change = update(CHIYODA, "JUMINHYO_CODE_CHANGE", renumbered);
        ((ObjectNode) change.body()).put("formerJuminhyoCode", former);

        assertThat(send(change).status()).isEqualTo(Status.ACK);

        assertThat(gw.queryString("SELECT deleted::text FROM honnin.resident WHERE juminhyo_code = ?", former)).isEqualTo("true");
        assertThat(gw.queryString("SELECT deleted::text FROM honnin.resident WHERE juminhyo_code = ?", fresh)).isEqualTo("false");
        Request again = update(CHIYODA, "JUMINHYO_CODE_CHANGE", renumbered.deepCopy().put("juminhyoCode", Messages.newJuminhyoCode()));
        ((ObjectNode) again.body()).put("formerJuminhyoCode", former);
        assertThat(send(again).code().name()).isEqualTo("E140");
    }

    @Test
    void unknownTypeIsE102() throws Exception {
        Request r = new Request(Messages.newId(), "HONNIN_GOSSIP", CHIYODA, 1, OffsetDateTime.now(), null,
                null, Json.MAPPER.createObjectNode());
        assertThat(send(r).code().name()).isEqualTo("E102");
    }

    @Test
    void otherProtocolVersionIsE101() throws Exception {
        ObjectNode json = Messages.ping(CHIYODA).toJson();
        json.put("v", 2);
        Reply reply = sendRaw(chiyoda, json.get("id").asText(), json.toString());
        assertThat(reply.code().name()).isEqualTo("E101");
        assertThat(reply.inReplyTo()).isEqualTo(json.get("id").asText());
    }

    @Test
    void unknownEnvelopeMemberIsE110() throws Exception {
        ObjectNode json = Messages.ping(CHIYODA).toJson();
        json.put("priority", "high");
        assertThat(sendRaw(chiyoda, json.get("id").asText(), json.toString()).code().name()).isEqualTo("E110");
    }

    @Test
    void frameThatIsNotJsonIsE100AndTheConnectionIsClosed() throws Exception {
        try (FrameClient c = gw.connect(CHIYODA)) {
            Reply reply = sendRaw(c, null, "this is not json");
            assertThat(reply.code().name()).isEqualTo("E100");
            await().atMost(Duration.ofSeconds(5)).until(() -> !c.isOpen());
        }
    }

    @Test
    void frameLongerThanTheLimitIsE100AndTheConnectionIsClosed() throws Exception {
        try (FrameClient c = gw.connect(CHIYODA)) {
            byte[] header = {0x7f, 0x00, 0x00, 0x00};
            Reply reply = c.sendBytes(header).get(20, TimeUnit.SECONDS);
            assertThat(reply.code().name()).isEqualTo("E100");
            await().atMost(Duration.ofSeconds(5)).until(() -> !c.isOpen());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInRequestOrder() throws Exception {
        try (FrameClient c = gw.connect(CHIYODA)) {
            List<Request> sent = new ArrayList<>();
            List<CompletableFuture<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                Request r = switch (i % 3) {
                    case 0 -> update(CHIYODA, "MOVE_IN", person(CHIYODA));
                    case 1 -> Messages.ping(CHIYODA);
                    default -> update(CHIYODA, "DEATH", person(CHIYODA)); // E140
                };
                sent.add(r);
                replies.add(c.send(r));
            }
            for (int i = 0; i < sent.size(); i++) {
                assertThat(replies.get(i).get(30, TimeUnit.SECONDS).inReplyTo()).isEqualTo(sent.get(i).id());
            }
            assertThat(c.orderViolations()).isZero();
        }
    }

    @Test
    void aPersonsNoticesReachTheNationalServerInTheOrderSent() throws Exception {
        ObjectNode record = person(CHIYODA);
        String code = record.get("juminhyoCode").asText();
        List<String> reasons = List.of("MOVE_IN", "MOVE_WITHIN", "MINOR_CORRECTION", "MOVE_WITHIN", "MOVE_OUT");
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (String reason : reasons) {
            ObjectNode next = record.deepCopy();
            if (reason.equals("MOVE_WITHIN")) {
                next.with("address").put("text", "東京都千代田区" + replies.size() + "番");
            } else if (reason.equals("MINOR_CORRECTION")) {
                next.with("name").put("kanji", "山田 太朗");
            }
            record = next;
            replies.add(chiyoda.send(update(CHIYODA, reason, next)));  // pipelined: no wait between them
        }
        for (CompletableFuture<Reply> r : replies) {
            assertThat(r.get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> noticesOf(code).size() == reasons.size());
        assertThat(noticesOf(code)).containsExactlyElementsOf(reasons);
    }

    @Test
    void everyRequestAndRefusalIsAuditedWithThePersonOnlyAsAKeyedHash() throws Exception {
        ObjectNode record = person(CHIYODA);
        String code = record.get("juminhyoCode").asText();
        Request ok = update(CHIYODA, "MOVE_IN", record);
        Request refused = update(CHIYODA, "DEATH", person(CHIYODA));
        send(ok);
        send(refused);

        await().atMost(Duration.ofSeconds(20)).until(() ->
                gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_id IN (?, ?)", ok.id(), refused.id()) == 2);
        assertThat(gw.queryString("SELECT peer || '/' || status || '/' || code FROM audit.record WHERE msg_id = ?", ok.id()))
                .isEqualTo("cs-" + CHIYODA + "/ACK/I000");
        assertThat(gw.queryString("SELECT status || '/' || code FROM audit.record WHERE msg_id = ?", refused.id()))
                .isEqualTo("NACK/E140");
        String persons = gw.queryString("SELECT persons::text FROM audit.record WHERE msg_id = ?", ok.id());
        assertThat(persons).doesNotContain(code).matches("\\{[0-9a-f]{32}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong(
                "SELECT count(*) FROM audit.record WHERE line = 'national' AND persons && "
                        + "(SELECT persons FROM audit.record WHERE msg_id = ?)", ok.id()) >= 1);
    }

    @Test
    void theEnvelopesOperatorAndTerminalAreStoredInTheAuditRecordOfTheRequestAndOfARefusal() throws Exception {
        Request sent = update(CHIYODA, "MOVE_IN", person(CHIYODA));
        Request ok = new Request(sent.id(), sent.type(), sent.sender(), sent.seq(), sent.sentAt(), "op-7001",
                "term-kiosk-3", sent.body());
        Request other = update(CHUO, "MOVE_IN", person(CHUO));
        Request refused = new Request(other.id(), other.type(), other.sender(), other.seq(), other.sentAt(), "op-7002",
                "term-kiosk-4", other.body());
        Request ping = Messages.ping(CHIYODA);
        assertThat(send(ok).status()).isEqualTo(Status.ACK);
        assertThat(send(refused).code().name()).isEqualTo("E130");
        assertThat(send(ping).status()).isEqualTo(Status.ACK);

        await().atMost(Duration.ofSeconds(20)).until(() -> gw.queryLong(
                "SELECT count(*) FROM audit.record WHERE msg_id IN (?, ?, ?)", ok.id(), refused.id(), ping.id()) == 3);
        String columns = "SELECT status || '/' || code || '/' || coalesce(operator_id, '-') || '/' "
                + "|| coalesce(terminal_id, '-') || '/' || coalesce(reason, '-') FROM audit.record WHERE msg_id = ?";
        assertThat(gw.queryString(columns, ok.id())).isEqualTo("ACK/I000/op-7001/term-kiosk-3/-");
        // refused after the envelope was read: who sent it, and from where, is recorded too
        assertThat(gw.queryString(columns, refused.id())).isEqualTo("NACK/E130/op-7002/term-kiosk-4/-");
        // an automated message names nobody
        assertThat(ping.operator()).isNull();
        assertThat(gw.queryString(columns, ping.id())).isEqualTo("ACK/I000/-/-/-");
    }

    private static List<String> noticesOf(String code) {
        return gw.national.notices().stream()
                .filter(n -> n.at("/body/juminhyoCode").asText().equals(code))
                .map(n -> n.at("/body/reason").asText())
                .toList();
    }

    private static JsonNode awaitNotice(String sender, String id) {
        await().atMost(Duration.ofSeconds(20)).until(() -> gw.national.hasOrigin(sender, id));
        return gw.national.notices().stream()
                .filter(n -> n.at("/body/origin/id").asText().equals(id))
                .findFirst().orElseThrow();
    }
}
