package jp.tokyo.juki.testkit;

import static jp.tokyo.juki.testkit.Messages.person;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.Test;

/**
 * The fixture of the several-node tests: a second node on the first's database and broker takes CS updates
 * into the one store, and the one national simulator gets each notice once.
 */
class NextNodeIT {
    @Test
    void aSecondNodeSharesTheStoreAndTheNoticesOfTheFirst() throws Exception {
        Map<String, String> cluster = Map.of("juki.cluster.enabled", "true", "juki.node.id", "node-1");
        try (RunningGateway first = RunningGateway.start(true, cluster);
             RunningGateway second = first.nextNode(Map.of())) {
            ObjectNode p = person(SHINJUKU, Messages.newJuminhyoCode(), Messages.newMyNumber(), "二号 太郎", "ニゴウ タロウ");
            try (FrameClient cs = second.connect(SHINJUKU)) {
                assertThat(cs.send(update(SHINJUKU, "MOVE_IN", p)).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            }
            String code = p.get("juminhyoCode").asText();
            assertThat(first.queryLong("SELECT count(*) FROM honnin.resident WHERE juminhyo_code = ?", code)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> first.national.noticeCount() == 1);
            assertThat(second.national).isNull();
        }
    }
}
