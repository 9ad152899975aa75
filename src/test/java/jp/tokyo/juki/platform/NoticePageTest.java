package jp.tokyo.juki.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import jp.tokyo.juki.testkit.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The national queues' messages (decision 35): the relay's pages of notices and the single notices of dead letters
 * and replays, written and read back across a real broker as the delivery and the dead-letter tools read them.
 */
class NoticePageTest {
    @TempDir
    Path dir;

    private static NoticePage.Notice notice(long id, String body) {
        return new NoticePage.Notice(id, "person-" + (id % 7), "131016", "req-" + id, body);
    }

    private static List<NoticePage.Notice> notices(int n, int bodyChars) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> notice(i, "{\"juminhyoCode\":\"" + "1".repeat(11)
                + "\",\"name\":\"山田 太郎\",\"pad\":\"" + "x".repeat(bodyChars) + "\"}")).toList();
    }

    @Test
    void aPageHoldsAtMostTheGivenNumberOfNoticesInOutboxOrder() {
        List<NoticePage.Page> pages = NoticePage.pages(notices(450, 10), 200);

        assertThat(pages).extracting(NoticePage.Page::count).containsExactly(200, 200, 50);
        assertThat(pages).extracting(NoticePage.Page::firstId).containsExactly(1L, 201L, 401L);
        assertThat(pages).extracting(NoticePage.Page::lastId).containsExactly(200L, 400L, 450L);
    }

    @Test
    void aPageCutAgainFromMoreRowsIsNotTakenForTheSameByTheBroker() {
        List<NoticePage.Notice> first = List.of(notice(1, "{}"), notice(2, "{}"), notice(4, "{}"));
        List<NoticePage.Notice> again = List.of(notice(1, "{}"), notice(2, "{}"), notice(3, "{}"), notice(4, "{}"));

        String once = NoticePage.duplicateId("honnin.national_outbox", NoticePage.pages(first, 200).get(0));
        assertThat(NoticePage.duplicateId("honnin.national_outbox", NoticePage.pages(first, 200).get(0)))
                .as("the same rows").isEqualTo(once);
        assertThat(NoticePage.duplicateId("honnin.national_outbox", NoticePage.pages(again, 200).get(0)))
                .as("row 3 committed after the first cut").isNotEqualTo(once);
    }

    @Test
    void aPageStaysUnderTheBrokersLargeMessageSizeUnlessOneNoticeIsLargerAlone() {
        List<NoticePage.Page> pages = NoticePage.pages(notices(200, 1000), 200);

        assertThat(pages).hasSizeGreaterThan(4);
        assertThat(pages).allSatisfy(p -> assertThat(p.body().length).isLessThanOrEqualTo(Jms.MESSAGE_BYTES));
        assertThat(pages.stream().mapToInt(NoticePage.Page::count).sum()).isEqualTo(200);

        List<NoticePage.Page> alone = NoticePage.pages(notices(3, Jms.MESSAGE_BYTES), 200);
        assertThat(alone).extracting(NoticePage.Page::count).containsExactly(1, 1, 1);
    }

    @Test
    void pagesAndSingleNoticesComeBackAsTheyWereSentAcrossTheBroker() throws Exception {
        List<NoticePage.Notice> sent = notices(120, 300);
        List<NoticePage.Notice> read = new ArrayList<>();
        try (Broker broker = startBroker(); Connection c = broker.connectionFactory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue(Broker.NATIONAL_HONNIN_QUEUE));
            for (NoticePage.Page page : NoticePage.pages(sent.subList(0, 100), 40)) {
                p.send(page(s, page.body(), page.count()));
            }
            for (NoticePage.Notice n : sent.subList(100, 120)) {
                TextMessage m = s.createTextMessage(n.body());
                m.setLongProperty(NoticePage.OUTBOX_ID, n.outboxId());
                m.setStringProperty(NoticePage.PERSON, n.person());
                m.setStringProperty(NoticePage.ORIGIN_SENDER, n.originSender());
                m.setStringProperty(NoticePage.ORIGIN_ID, n.originId());
                p.send(m);
            }
            MessageConsumer consumer = s.createConsumer(s.createQueue(Broker.NATIONAL_HONNIN_QUEUE));
            List<Boolean> kinds = new ArrayList<>();
            for (Message m = consumer.receive(5000); m != null; m = consumer.receive(200)) {
                kinds.add(NoticePage.isPage(m));
                read.addAll(NoticePage.read(m));
            }
            assertThat(kinds).as("three pages of 40, 40 and 20, then 20 single notices").hasSize(23);
            assertThat(kinds.subList(0, 3)).containsOnly(true);
            assertThat(kinds.subList(3, 23)).containsOnly(false);
        }
        assertThat(read).containsExactlyElementsOf(sent);
    }

    @Test
    void aMessageThatIsNeitherANoticeNorAPageIsRefusedWithoutItsContent() throws Exception {
        try (Broker broker = startBroker(); Connection c = broker.connectionFactory().createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            String planted = "{\"name\":\"山田 太郎\",\"myNumber\":\"123456789018\"";

            assertThatThrownBy(() -> NoticePage.read(page(s, planted.getBytes(StandardCharsets.UTF_8), 1)))
                    .isInstanceOf(IOException.class).hasMessageContaining("not a JSON array of notices")
                    .hasMessageNotContaining("山田").hasMessageNotContaining("123456789018");
            byte[] two = NoticePage.pages(notices(2, 5), 200).get(0).body();
            assertThatThrownBy(() -> NoticePage.read(page(s, two, 3)))
                    .isInstanceOf(IOException.class).hasMessage("a page of 2 notices that says it holds 3");
            assertThatThrownBy(() -> NoticePage.read(page(s, "[{\"outboxId\":1}]".getBytes(StandardCharsets.UTF_8), 1)))
                    .isInstanceOf(IOException.class).hasMessage("a page with a notice that lacks its body or origin");
            assertThatThrownBy(() -> NoticePage.read(s.createTextMessage(planted)))
                    .isInstanceOf(IOException.class).hasMessage("neither a notice nor a page of notices");
            BytesMessage countNoNumber = page(s, two, 2);
            countNoNumber.setStringProperty(NoticePage.NOTICES, "two");
            assertThatThrownBy(() -> NoticePage.read(countNoNumber)).isInstanceOf(IOException.class)
                    .hasMessage("a message whose properties are not a notice's or a page's (NumberFormatException)");
            TextMessage idNoNumber = s.createTextMessage("{}");
            idNoNumber.setBooleanProperty(NoticePage.OUTBOX_ID, true);
            assertThatThrownBy(() -> NoticePage.read(idNoNumber)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("a message whose properties are not a notice's or a page's");
        }
    }

    private static BytesMessage page(Session s, byte[] body, int count) throws Exception {
        BytesMessage m = s.createBytesMessage();
        m.writeBytes(body);
        m.setIntProperty(NoticePage.NOTICES, count);
        return m;
    }

    private Broker startBroker() throws Exception {
        return TestBroker.start(dir);
    }
}
