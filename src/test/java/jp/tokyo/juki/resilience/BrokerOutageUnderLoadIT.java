package jp.tokyo.juki.resilience;

import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.BrokerAccess;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.sim.NationalSimulator;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.Test;

/**
 * R-REL-OUTAGE for the broker, with real processes: the gateway runs on an external Artemis
 * (configured as the embedded one is, started here with a TCP acceptor), which is stopped for
 * 15 s while a CS sends updates and then started again on the same journal. Updates are durable
 * in the store's outbox before their ACK, so ACKs continue; the outbox grows while the broker is
 * away and drains once it is back; every notice arrives and every request is in the audit record
 * (the audit tap holds what it could not publish in memory meanwhile).
 */
class BrokerOutageUnderLoadIT {
    private static final int COUNT = 4000;
    private static final double RATE = 100;
    private static final int CONNECTIONS = 4;

    @Test
    void acksContinueWhileTheBrokerIsStoppedAndNothingIsLostWhenItReturns() throws Exception {
        Path dir = Files.createTempDirectory("juki-external-broker");
        int port = Ports.free();
        Broker broker = startBroker(dir, port);
        // the broker's one login, made at its first start (as an operator would configure it)
        BrokerAccess login = BrokerAccess.of(brokerConfig(dir, port));
        try (NationalSimulator national = NationalSimulator.start(TestPki.national(), 0, null);
             GatewayChild gw = GatewayChild.start(national.port(), Map.of("juki.broker.url", login.url(),
                     "juki.broker.user", login.user(), "juki.broker.password", login.password()))) {
            CompletableFuture<CsSimulator.Result> load = gw.load(SHINJUKU, COUNT, RATE, CONNECTIONS, 531);
            await().atMost(Duration.ofSeconds(60)).until(() -> gw.queryLong(
                    "SELECT count(*) FROM honnin.accepted_request") >= 1000);

            broker.close();
            long acceptedAtStop = gw.queryLong("SELECT count(*) FROM honnin.accepted_request");
            Thread.sleep(15_000);
            long acceptedAtRestart = gw.queryLong("SELECT count(*) FROM honnin.accepted_request");
            long outbox = gw.queryLong("SELECT count(*) FROM honnin.national_outbox");
            System.out.printf("broker stopped 15 s under load: %d updates accepted meanwhile, %d notices waiting in "
                    + "the outbox%n", acceptedAtRestart - acceptedAtStop, outbox);
            assertThat(acceptedAtRestart - acceptedAtStop).as("updates accepted while the broker was away")
                    .isGreaterThan(1000);
            assertThat(outbox).as("notices waiting in the outbox while the broker was away").isGreaterThan(1000);
            broker = startBroker(dir, port);

            CsSimulator.Result r = load.get(180, TimeUnit.SECONDS);
            assertThat(r.failed()).as("updates without an answer").isZero();
            assertThat(r.nackByCode()).as("updates refused").isEmpty();
            assertThat(r.acked()).isEqualTo(COUNT);

            await().atMost(Duration.ofSeconds(120)).until(() -> national.noticeCount() >= COUNT);
            Set<String> noticed = new HashSet<>();
            national.notices().forEach(n -> noticed.add(n.at("/body/origin/id").asText()));
            assertThat(noticed).containsExactlyInAnyOrderElementsOf(r.ackedIds());
            assertThat(gw.queryLong("SELECT count(*) FROM honnin.national_outbox")).isZero();
            await().atMost(Duration.ofSeconds(60)).until(() -> gw.queryLong("SELECT count(DISTINCT msg_id) FROM "
                    + "audit.record WHERE line = 'cs' AND msg_type = 'HONNIN_UPDATE'") == COUNT);
        } finally {
            broker.close();
            GatewayChild.deleteTree(dir);
        }
    }

    /** An Artemis of its own, configured as the gateway configures its embedded one, listening on TCP. */
    private static Broker startBroker(Path dir, int port) throws Exception {
        return Broker.start(brokerConfig(dir, port));
    }

    private static GatewayConfig brokerConfig(Path dir, int port) throws IOException {
        return GatewayConfig.load(Path.of("config/application.properties"), Map.of(
                "juki.data.dir", dir.toString(), "juki.broker.acceptor", "tcp://127.0.0.1:" + port));
    }
}
