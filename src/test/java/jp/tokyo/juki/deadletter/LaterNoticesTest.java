package jp.tokyo.juki.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.NoticePage;
import jp.tokyo.juki.testkit.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay must not overtake a later notice of the same person still waiting on the queue (the dead-letter desk
 * refuses it, {@code Supersession}): the later ones are found in the relay's pages (decision 35) as well as among the
 * single notices a replay puts back, on a real broker.
 */
class LaterNoticesTest {
    private static final String PERSON = "cGVyc29uLWE";

    @TempDir
    Path dir;

    @Test
    void laterNoticesOfThePersonAreCountedInPagesAndSingleNoticesAlike() throws Exception {
        try (Broker broker = TestBroker.start(dir); Connection c = broker.connectionFactory().createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue(Broker.NATIONAL_HONNIN_QUEUE));
            // outbox ids 1..60; the person's notices are 5, 20, 41 and 58 (41 and 58 in a second page)
            List<NoticePage.Notice> notices = LongStream.rangeClosed(1, 60).mapToObj(id -> new NoticePage.Notice(id,
                    id == 5 || id == 20 || id == 41 || id == 58 ? PERSON : "other-" + id, "131016", "req-" + id,
                    "{\"n\":" + id + "}")).toList();
            for (NoticePage.Page page : NoticePage.pages(notices, 40)) {
                BytesMessage m = s.createBytesMessage();
                m.writeBytes(page.body());
                m.setIntProperty(NoticePage.NOTICES, page.count());
                p.send(m);
            }
            TextMessage replayed = s.createTextMessage("{\"n\":70}");
            replayed.setLongProperty(NoticePage.OUTBOX_ID, 70);
            replayed.setStringProperty(NoticePage.PERSON, PERSON);
            p.send(replayed);
            TextMessage unreadable = s.createTextMessage("{}"); // says it is a page, is not one
            unreadable.setIntProperty(NoticePage.NOTICES, 1);
            p.send(unreadable);

            DeadLetters letters = new DeadLetters(broker.connectionFactory());
            assertThat(letters.laterOfSamePerson(deadLetter(PERSON, 10)))
                    .as("20 and 41, 58 in pages, 70 replayed; an unreadable message is nobody's").isEqualTo(4);
            assertThat(letters.laterOfSamePerson(deadLetter(PERSON, 50))).as("58 and 70").isEqualTo(2);
            assertThat(letters.laterOfSamePerson(deadLetter(PERSON, 70))).as("none after the last").isZero();
            assertThat(letters.laterOfSamePerson(deadLetter("nobody-here", 1))).isZero();
        }
    }

    private static DeadLetters.DeadLetter deadLetter(String person, long outboxId) {
        return new DeadLetters.DeadLetter("DLQ." + Broker.NATIONAL_HONNIN_QUEUE, "id", Broker.NATIONAL_HONNIN_QUEUE,
                "HONNIN_NOTICE", "131016", "req-" + outboxId, outboxId, person, 21, "E503", "no answer",
                Instant.now(), "{}");
    }
}
