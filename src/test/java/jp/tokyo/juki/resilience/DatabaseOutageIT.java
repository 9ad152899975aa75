package jp.tokyo.juki.resilience;

import static jp.tokyo.juki.testkit.Messages.person;
import static jp.tokyo.juki.testkit.Messages.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL §2.3 E503 and R-REL-OUTAGE: while the database refuses connections an update is
 * answered E503 and nothing is applied; when it is back the gateway recovers by itself and the
 * same request, sent again, is accepted.
 */
class DatabaseOutageIT {

    @Test
    void anUpdateIsE503WhileTheDatabaseIsUnreachableAndAcceptedWhenSentAgainAfterwards() throws Exception {
        try (RunningGateway gw = RunningGateway.start(true, Map.of("juki.db.connect-timeout-ms", "1000"));
             FrameClient cs = gw.connect(TestPki.CHIYODA)) {
            String url = gw.gateway.database().jdbcUrl();
            Request moveIn = update(TestPki.CHIYODA, "MOVE_IN", person(TestPki.CHIYODA));
            String code = moveIn.body().at("/record/juminhyoCode").asText();

            setConnections(url, gw.ownerPassword(), false);
            Reply refused = cs.send(moveIn).get(30, TimeUnit.SECONDS);

            assertThat(refused.status()).isEqualTo(Status.NACK);
            assertThat(refused.code().name()).isEqualTo("E503");
            assertThat(refused.detail()).contains("nothing was applied");

            setConnections(url, gw.ownerPassword(), true);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                    cs.send(moveIn).get(30, TimeUnit.SECONDS).status() == Status.ACK);
            assertThat(gw.queryLong("SELECT count(*) FROM honnin.resident WHERE juminhyo_code = ?", code)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> gw.national.hasOrigin(TestPki.CHIYODA, moveIn.id()));
        }
    }

    /** Lets nobody (or everybody again) connect to the gateway's database, and drops who is connected. */
    private static void setConnections(String postgresUrl, String password, boolean allowed) throws Exception {
        String template = postgresUrl.replaceFirst("/postgres$", "/template1");
        try (Connection c = DriverManager.getConnection(template, "postgres", password);
             Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE postgres ALLOW_CONNECTIONS " + allowed);
            if (!allowed) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'postgres'");
            }
        }
    }
}
