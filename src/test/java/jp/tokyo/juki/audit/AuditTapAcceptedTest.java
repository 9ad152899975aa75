package jp.tokyo.juki.audit;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.testkit.TestBroker;
import jp.tokyo.juki.wire.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AuditTap#accepted} (issue 14, juki.audit.reply-after-broker): its future completes only once the
 * records the caller tapped before it are committed on the broker's audit queue, not before.
 */
class AuditTapAcceptedTest {
    @TempDir
    Path dir;

    @Test
    void theFutureCompletesOnlyOnceTheRecordsBeforeItAreOnTheBroker() throws Exception {
        try (Broker broker = TestBroker.start(dir)) {
            AuditTap tap = new AuditTap(broker.connectionFactory(), Broker.AUDIT_QUEUE, null);
            for (int i = 0; i < 3; i++) {
                tap.record(AuditEvent.in(AuditLine.CS, "cs-131016", MessageType.PING).id("id-" + i).sender("131016")
                        .status(AuditStatus.ACK).code("I000").detail("pong"));
            }
            CompletableFuture<Void> accepted = tap.accepted();
            Thread.sleep(300);
            // not started: nothing is on the broker, and the future says so
            assertThat(accepted).isNotDone();
            assertThat(onTheQueue(broker)).isZero();
            tap.start();
            try {
                accepted.get(30, TimeUnit.SECONDS);
                assertThat(onTheQueue(broker)).isPositive();
                assertThat(tap.pending()).isZero();
                // with nothing tapped before it, the next one completes too
                tap.accepted().get(30, TimeUnit.SECONDS);
            } finally {
                tap.stop();
            }
        }
    }

    /** Audit messages on the queue (each holds a batch of records). */
    private static int onTheQueue(Broker broker) throws Exception {
        try (Connection c = broker.connectionFactory().createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            return Collections.list(s.createBrowser(s.createQueue(Broker.AUDIT_QUEUE)).getEnumeration()).size();
        }
    }
}
