package jp.tokyo.juki.national;

import static jp.tokyo.juki.testkit.Messages.person;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.deadletter.DeadLetters;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.NoticePage;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.Test;

/**
 * R-REL-OUTAGE / R-REL-DURABLE: while the national server is down, updates are still
 * acknowledged; their notices wait and arrive, in order, once it is up.
 */
class NationalOutageIT {

    @Test
    void noticesAcknowledgedDuringANationalOutageArriveInOrderWhenItReturns() throws Exception {
        try (RunningGateway gw = RunningGateway.start(false, Map.of("juki.national.max-redeliveries", "1000"));
             FrameClient cs = gw.connect(SHINJUKU)) {
            ObjectNode record = person(SHINJUKU);
            String code = record.get("juminhyoCode").asText();
            List<Request> sent = new ArrayList<>();
            sent.add(update(SHINJUKU, "MOVE_IN", record));
            for (int i = 0; i < 5; i++) {
                ObjectNode moved = record.deepCopy();
                moved.with("address").put("text", "東京都新宿区西新宿" + (i + 1) + "丁目");
                sent.add(update(SHINJUKU, "MOVE_WITHIN", moved));
            }
            for (Request r : sent) {
                assertThat(cs.send(r).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            }
            Thread.sleep(2000); // several delivery attempts fail meanwhile

            gw.startNational();

            await().atMost(Duration.ofSeconds(60)).until(() -> gw.national.noticeCount() == sent.size());
            List<String> arrived = gw.national.notices().stream()
                    .filter(n -> n.at("/body/juminhyoCode").asText().equals(code))
                    .map(n -> n.at("/body/origin/id").asText()).toList();
            assertThat(arrived).containsExactlyElementsOf(sent.stream().map(Request::id).toList());
            assertThat(gw.queryLong("SELECT count(*) FROM honnin.national_outbox")).isZero();
        }
    }

    @Test
    void fuhyoNoticesAcknowledgedDuringAFuhyoNationalOutageArriveInOrderWhenItReturns() throws Exception {
        try (RunningGateway gw = RunningGateway.start(true, Map.of("juki.national.max-redeliveries", "1000"));
             FrameClient cs = gw.connect(SHINJUKU)) {
            ObjectNode record = Messages.fuhyoPerson(SHINJUKU);
            String code = record.get("juminhyoCode").asText();
            List<Request> sent = new ArrayList<>();
            sent.add(Messages.fuhyoUpdate(SHINJUKU, "BIRTH", record));
            ObjectNode changed = record.deepCopy().put("noticeKind", "CHANGE");
            for (int i = 0; i < 4; i++) {
                changed = changed.deepCopy();
                changed.with("address").put("text", "東京都新宿区西新宿" + (i + 1) + "丁目");
                sent.add(Messages.fuhyoUpdate(SHINJUKU, "MOVE_WITHIN", changed));
            }
            sent.add(Messages.fuhyoUpdate(SHINJUKU, "MOVE_OUT_ABROAD", Messages.abroad(changed)));
            for (Request r : sent) {
                assertThat(cs.send(r).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            }
            Thread.sleep(2000); // several delivery attempts to the fuhyo national server fail meanwhile

            gw.startFuhyo();

            await().atMost(Duration.ofSeconds(60)).until(() -> gw.fuhyo.noticeCount() == sent.size());
            List<String> arrived = gw.fuhyo.notices().stream()
                    .filter(n -> n.at("/body/juminhyoCode").asText().equals(code))
                    .map(n -> n.at("/body/origin/id").asText()).toList();
            assertThat(arrived).containsExactlyElementsOf(sent.stream().map(Request::id).toList());
            assertThat(gw.queryLong("SELECT count(*) FROM fuhyo.national_outbox")).isZero();
            // the honnin national server, up all along, received none of them
            assertThat(gw.national.noticeCount()).isZero();
        }
    }

    @Test
    void aNoticeTheNationalServerKeepsRefusingEndsInTheDeadLetterQueue() throws Exception {
        try (RunningGateway gw = RunningGateway.start(false, Map.of("juki.national.max-redeliveries", "2",
                "juki.national.redelivery-delay-ms", "50"));
             FrameClient cs = gw.connect(SHINJUKU)) {
            Request r = update(SHINJUKU, "MOVE_IN", person(SHINJUKU));
            assertThat(cs.send(r).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);

            await().atMost(Duration.ofSeconds(30)).until(() -> gw.queryLong(
                    "SELECT count(*) FROM audit.record WHERE msg_type = 'DEAD_LETTER'") == 1);
            try (Connection c = gw.brokerConnectionFactory().createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Message m = s.createConsumer(s.createQueue("DLQ.juki.national.honnin")).receive(5000);
                assertThat(m).isNotNull();
                assertThat(m.getStringProperty("jukiOriginId")).isEqualTo(r.id());
                assertThat(m.getJMSExpiration()).isZero();
            }
        }
    }

    @Test
    void aMessageOnTheQueueThatIsNoNoticeIsDeadLetteredAtOnceAsItCameAndTheNoticesAroundItAreDelivered() throws Exception {
        // retries that would take hours: an unreadable message must not wait for them, nor hold the queue up
        try (RunningGateway gw = RunningGateway.start(true, Map.of("juki.national.max-redeliveries", "1000"));
             FrameClient cs = gw.connect(SHINJUKU)) {
            Request before = update(SHINJUKU, "MOVE_IN", person(SHINJUKU));
            assertThat(cs.send(before).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            await().atMost(Duration.ofSeconds(30)).until(() -> gw.national.noticeCount() == 1);

            // says it is a page of two notices (decision 35), but its body is cut off
            byte[] cut = "[{\"outboxId\":1,\"body\":\"{\\\"name\\\":\\\"山田 太郎\\\"".getBytes(StandardCharsets.UTF_8);
            try (Connection c = gw.brokerConnectionFactory().createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(cut);
                m.setIntProperty(NoticePage.NOTICES, 2);
                m.setStringProperty("origin", "written by hand");
                m.setStringProperty(NoticePage.OUTBOX_ID, "not a number");
                s.createProducer(s.createQueue(Broker.NATIONAL_HONNIN_QUEUE)).send(m);
            }
            Request after = update(SHINJUKU, "MOVE_IN", person(SHINJUKU));
            assertThat(cs.send(after).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);

            await().atMost(Duration.ofSeconds(30)).until(() -> gw.queryLong(
                    "SELECT count(*) FROM audit.record WHERE msg_type = 'DEAD_LETTER'") == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> gw.national.notices().stream()
                    .anyMatch(n -> n.at("/body/origin/id").asText().equals(after.id())));
            // the operators' list shows it (an outbox id that is not a number is none)
            List<DeadLetters.DeadLetter> listed = new DeadLetters(gw.brokerConnectionFactory()).list("DLQ.juki.national.honnin");
            assertThat(listed).singleElement().satisfies(d -> {
                assertThat(d.outboxId()).isEqualTo(-1);
                assertThat(d.error()).startsWith("not a notice the gateway can read: ");
            });
            try (Connection c = gw.brokerConnectionFactory().createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Message m = s.createConsumer(s.createQueue("DLQ.juki.national.honnin")).receive(5000);
                assertThat(m).isInstanceOf(BytesMessage.class);
                byte[] kept = new byte[(int) ((BytesMessage) m).getBodyLength()];
                ((BytesMessage) m).readBytes(kept);
                assertThat(kept).as("the message as it came").isEqualTo(cut);
                assertThat(m.getIntProperty(NoticePage.NOTICES)).isEqualTo(2);
                assertThat(m.getStringProperty("origin")).isEqualTo("written by hand");
                assertThat(m.getIntProperty("jukiDeadLetterAttempts")).as("at its first attempt").isEqualTo(1);
                assertThat(m.getStringProperty("jukiDeadLetterError"))
                        .isEqualTo("not a notice the gateway can read: a page of notices that is not a JSON array of notices");
                assertThat(s.createConsumer(s.createQueue("DLQ.juki.national.honnin")).receive(500))
                        .as("nothing else dead-lettered").isNull();
            }
            assertThat(gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'DEAD_LETTER' AND detail LIKE "
                    + "'not a notice the gateway can read%'")).isEqualTo(1);
        }
    }
}
