package jp.tokyo.juki.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.ActiveMQConnectionTimedOutException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What per-person notice order rests on when a delivering node is lost (issue 14, decisions 29): a node takes a
 * page of notices in one transaction, holds more in its consumer's buffer, and is then cut off until the broker's
 * connection TTL fails its connection. Artemis gives everything back sorted — the page's acknowledged part (in the
 * lost session's transaction) and its delivering rest — but only once its journal has written the rollback, after
 * the consumer is already gone: a consumer that takes from the queue at once may get a person's later notice first
 * (this test's first version, which did so, failed that way on a fresh clone). So the next node waits as the
 * national delivery's takeover fence does — no consumer left on the queue, then the settle
 * ({@code juki.national.takeover-settle-ms}, 1,000 ms) — and must then get each person's notices in order.
 */
class LostSessionOrderTest {
    private static final int PERSONS = 5;
    private static final int NOTICES = 300;
    private static final int PAGE = 200;

    @TempDir
    Path dir;

    @Test
    void aNodeLostHoldingAPageLeavesEachPersonsNoticesInOrderForTheNext() throws Exception {
        GatewayConfig config = GatewayConfig.load(Path.of("config/application.properties"),
                Map.of("juki.data.dir", dir.toString(), "juki.broker.acceptor", "tcp://127.0.0.1:" + Ports.free()));
        try (Broker broker = Broker.start(config)) {
            String body = "x".repeat(8000);
            try (Connection c = broker.connectionFactory().createConnection()) {
                Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer p = s.createProducer(s.createQueue(Broker.NATIONAL_HONNIN_QUEUE));
                p.setDeliveryMode(DeliveryMode.PERSISTENT);
                for (int i = 0; i < NOTICES; i++) {
                    TextMessage m = s.createTextMessage(body);
                    m.setStringProperty("JMSXGroupID", "person-" + (i % PERSONS));
                    m.setIntProperty("seq", i);
                    p.send(m);
                }
                s.commit();
            }

            // node A, over TCP as a second node would be: takes a page in its transaction, then is lost
            BrokerAccess access = BrokerAccess.of(config);
            ActiveMQConnectionFactory factoryA = access.connectionFactory();
            // acknowledgements sent every 64 KiB: the page is partly in A's transaction, partly still delivering
            factoryA.setTransactionBatchSize(64 * 1024);
            Connection nodeA = factoryA.createConnection();
            nodeA.start();
            Session a = nodeA.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer pageReader = a.createConsumer(a.createQueue(Broker.NATIONAL_HONNIN_QUEUE));
            List<Integer> page = new ArrayList<>();
            for (int i = 0; i < PAGE; i++) {
                Message m = pageReader.receive(5000);
                assertThat(m).as("message %d of the page", i).isNotNull();
                page.add(m.getIntProperty("seq"));
            }
            assertThat(page).as("the page node A took").isSorted();
            // what the broker does when node A's connection TTL runs out while A is cut off
            int failed = 0;
            for (RemotingConnection rc : broker.server().getRemotingService().getConnections()) {
                if (rc.getRemoteAddress() != null && rc.getRemoteAddress().contains("127.0.0.1")) {
                    rc.fail(new ActiveMQConnectionTimedOutException("cut off (test)"));
                    failed++;
                }
            }
            assertThat(failed).as("node A's connection failed on the broker").isEqualTo(1);
            // the fence: node A's consumer gone, then the settle
            await().atMost(Duration.ofSeconds(10)).until(() -> Jms.consumers(broker.connectionFactory(),
                    Broker.NATIONAL_HONNIN_QUEUE) == 0);
            Thread.sleep(1000);

            // node B takes everything
            Map<String, List<Integer>> byPerson = new LinkedHashMap<>();
            List<Integer> arrival = new ArrayList<>();
            try (Connection nodeB = broker.connectionFactory().createConnection()) {
                nodeB.start();
                Session b = nodeB.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = b.createConsumer(b.createQueue(Broker.NATIONAL_HONNIN_QUEUE));
                for (Message m = consumer.receive(10_000); m != null && arrival.size() < NOTICES;
                     m = arrival.size() < NOTICES ? consumer.receive(10_000) : null) {
                    arrival.add(m.getIntProperty("seq"));
                    byPerson.computeIfAbsent(m.getStringProperty("JMSXGroupID"), k -> new ArrayList<>())
                            .add(m.getIntProperty("seq"));
                }
                b.commit();
            } finally {
                Jms.closeQuietly(nodeA);
            }

            assertThat(arrival).as("every notice reaches node B once").hasSize(NOTICES).doesNotHaveDuplicates();
            byPerson.forEach((person, seqs) -> assertThat(seqs).as("%s's notices at node B", person).isSorted());
        }
    }
}
