package jp.tokyo.juki.store;

import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-person order with two writers (issue 14): two gateway nodes, each with its own group-commit
 * writer, on one store. A person not yet in the store has no row to lock, so two nodes taking the
 * same new person at once must still apply one update after the other.
 */
class TwoWritersOrderIT {
    private static final int PERSONS = 60;
    private static RunningGateway a;
    private static RunningGateway b;

    @BeforeAll
    static void start() throws Exception {
        a = RunningGateway.start(true, Map.of("juki.cluster.enabled", "true", "juki.node.id", "node-1"));
        b = a.nextNode(Map.of());
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(b, a);
    }

    @Test
    void theSameNewPersonSentToBothNodesAtOnceIsEnteredOnceAndTheOtherEntryRefused() throws Exception {
        List<ObjectNode> viaA = new ArrayList<>();
        List<ObjectNode> viaB = new ArrayList<>();
        for (int i = 0; i < PERSONS; i++) {
            String code = Messages.newJuminhyoCode();
            viaA.add(Messages.person(SHINJUKU, code, Messages.newMyNumber(), "一号 太郎", "イチゴウ タロウ"));
            viaB.add(Messages.person(SHINJUKU, code, Messages.newMyNumber(), "二号 次郎", "ニゴウ ジロウ"));
        }
        List<CompletableFuture<Reply>> repliesA = new ArrayList<>();
        List<CompletableFuture<Reply>> repliesB = new ArrayList<>();
        try (FrameClient onA = a.connect(SHINJUKU); FrameClient onB = b.connect(SHINJUKU)) {
            for (int i = 0; i < PERSONS; i++) {
                repliesA.add(onA.send(Messages.update(SHINJUKU, "MOVE_IN", viaA.get(i))));
                repliesB.add(onB.send(Messages.update(SHINJUKU, "MOVE_IN", viaB.get(i))));
            }
            int entered = 0;
            for (int i = 0; i < PERSONS; i++) {
                Reply x = repliesA.get(i).get(60, TimeUnit.SECONDS);
                Reply y = repliesB.get(i).get(60, TimeUnit.SECONDS);
                assertThat(List.of(x.code().name(), y.code().name())).as("person %d: one entry, the other refused", i)
                        .containsExactlyInAnyOrder("I000", "E140");
                ObjectNode winner = x.status() == Status.ACK ? viaA.get(i) : viaB.get(i);
                String code = winner.get("juminhyoCode").asText();
                assertThat(a.queryString("SELECT name_kanji FROM honnin.resident WHERE juminhyo_code = ?", code))
                        .isEqualTo(winner.at("/name/kanji").asText());
                assertThat(a.queryLong("SELECT count(*) FROM honnin.resident_history WHERE juminhyo_code = ?", code))
                        .as("nothing superseded").isZero();
                entered++;
            }
            Set<String> codes = viaA.stream().map(p -> p.get("juminhyoCode").asText()).collect(Collectors.toSet());
            int notices = entered;
            await().atMost(Duration.ofSeconds(60)).until(() -> noticesAbout(codes) >= notices);
            Thread.sleep(500);
            assertThat(noticesAbout(codes)).as("one notice per person").isEqualTo(PERSONS);
        }
    }

    private static long noticesAbout(Set<String> codes) {
        return a.national.notices().stream().filter(n -> codes.contains(n.at("/body/juminhyoCode").asText())).count();
    }

    @Test
    void updatesOfOnePersonTakenByTheTwoNodesInTurnReachTheNationalServerInTheirOrder() throws Exception {
        ObjectNode person = Messages.person(SHINJUKU);
        String code = person.get("juminhyoCode").asText();
        List<String> sent = new ArrayList<>();
        try (FrameClient onA = a.connect(SHINJUKU); FrameClient onB = b.connect(SHINJUKU)) {
            Request entry = Messages.update(SHINJUKU, "MOVE_IN", person);
            assertThat(onB.send(entry).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            sent.add(entry.id());
            for (int i = 1; i <= 8; i++) {
                ObjectNode moved = person.deepCopy();
                moved.with("address").put("text", "東京都新宿区西新宿２丁目８番" + i + "号");
                Request change = Messages.update(SHINJUKU, "MOVE_WITHIN", moved);
                Reply r = (i % 2 == 0 ? onB : onA).send(change).get(30, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.code() + " " + r.detail()).isEqualTo(Status.ACK);
                sent.add(change.id());
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> a.national.notices().stream()
                .filter(n -> n.at("/body/juminhyoCode").asText().equals(code)).count() == sent.size());
        List<String> arrived = a.national.notices().stream()
                .filter(n -> n.at("/body/juminhyoCode").asText().equals(code))
                .map(n -> n.at("/body/origin/id").asText()).toList();
        assertThat(arrived).containsExactlyElementsOf(sent);
        assertThat(a.queryLong("SELECT count(*) FROM honnin.resident_history WHERE juminhyo_code = ?", code))
                .isEqualTo(8);
    }
}
