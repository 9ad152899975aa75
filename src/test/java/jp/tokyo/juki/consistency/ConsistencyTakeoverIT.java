package jp.tokyo.juki.consistency;

import static jp.tokyo.juki.testkit.ConsistencyMessages.begin;
import static jp.tokyo.juki.testkit.ConsistencyMessages.chunk;
import static jp.tokyo.juki.testkit.ConsistencyMessages.end;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Consistency sessions across gateway nodes (issue 14): two nodes on one database, a CS whose
 * requests land on either of them, a node that stops mid-staging, requests sent again after
 * their answer was lost, and expiry run by every node at once.
 */
class ConsistencyTakeoverIT {
    private static final String NERIMA = "131202";
    private static final String ITABASHI = "131199";
    private static final String ADACHI = "131211";
    private static final int IDLE_SECONDS = 8;
    private static final Map<String, String> SETTINGS = Map.of(
            "juki.consistency.idle-timeout-s", Integer.toString(IDLE_SECONDS),
            "juki.consistency.sweep-ms", "300");

    private static RunningGateway a;
    private static RunningGateway b;
    /** the CS's set: 30 stored persons, 3 of them differing, 3 not sent, 2 unknown to the store */
    private static List<ObjectNode> set;

    @BeforeAll
    static void start() throws Exception {
        new DevPki(TestPki.dir(), TestPki.PASSWORD).init(List.of(NERIMA, ITABASHI, ADACHI).stream().map(Identities::cs)
                .toList());
        Map<String, String> first = new HashMap<>(SETTINGS);
        first.put("juki.cluster.enabled", "true");
        first.put("juki.node.id", "node-1");
        a = RunningGateway.start(false, first);
        b = a.nextNode(SETTINGS);
        List<ObjectNode> stored = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            stored.add(Messages.person(NERIMA));
        }
        try (FrameClient cs = a.connect(NERIMA)) {
            List<CompletableFuture<Reply>> replies = new ArrayList<>();
            stored.forEach(p -> replies.add(cs.send(Messages.update(NERIMA, "MOVE_IN", p))));
            for (CompletableFuture<Reply> r : replies) {
                assertThat(r.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
            }
        }
        set = new ArrayList<>();
        for (int i = 0; i < 27; i++) {
            ObjectNode r = stored.get(i).deepCopy();
            if (i % 9 == 4) {
                r.with("address").put("text", "東京都練馬区豊玉北６丁目１２番１号");
            }
            set.add(r);
        }
        set.add(Messages.person(NERIMA));
        set.add(Messages.person(NERIMA));
    }

    @AfterAll
    static void stop() {
        RunningGateway.closeAll(b, a);
    }

    @Test
    void chunksAlternatingBetweenTheNodesGiveTheResultOfOneNode() throws Exception {
        try (FrameClient onA = a.connect(NERIMA); FrameClient onB = b.connect(NERIMA)) {
            JsonNode oneNode = check(List.of(onA), "one-node");
            JsonNode twoNodes = check(List.of(onA, onB), "two-nodes");

            assertThat(oneNode.get("matched").asLong()).isEqualTo(24);
            assertThat(oneNode.get("differing")).hasSize(3);
            assertThat(oneNode.get("missingInStore")).hasSize(2);
            assertThat(oneNode.get("missingAtCs")).hasSize(3);
            assertThat(twoNodes).isEqualTo(oneNode);
        }
    }

    @Test
    void aBeginAChunkAndAnEndSentAgainToTheOtherNodeAreAnsweredAsTheFirstTime() throws Exception {
        try (FrameClient onA = a.connect(NERIMA); FrameClient onB = b.connect(NERIMA)) {
            String session = "resent";
            Request beginning = begin(NERIMA, "HONNIN", session, set.size());
            assertThat(send(onA, beginning).status()).isEqualTo(Status.ACK);
            Reply beganAgain = send(onB, beginning);
            assertThat(beganAgain.status()).as(beganAgain.detail()).isEqualTo(Status.ACK);
            assertThat(beganAgain.detail()).isEqualTo("session open");
            Reply otherBegin = send(onB, begin(NERIMA, "HONNIN", session, set.size()));
            assertThat(otherBegin.code().name()).as("a new BEGIN of an open name").isEqualTo("E150");

            Request first = chunk(NERIMA, session, 0, set.subList(0, 10));
            assertThat(send(onA, first).body().get("received").asLong()).isEqualTo(10);
            assertThat(send(onA, chunk(NERIMA, session, 1, set.subList(10, 20))).status()).isEqualTo(Status.ACK);
            Reply firstAgain = send(onB, first);
            assertThat(firstAgain.status()).as(firstAgain.detail()).isEqualTo(Status.ACK);
            assertThat(firstAgain.body().get("received").asLong()).as("what it was answered the first time").isEqualTo(10);
            Reply repeated = send(onB, chunk(NERIMA, session, 0, set.subList(0, 10)));
            assertThat(repeated.code().name()).as("the same chunk with a new id is a repeat").isEqualTo("E150");
            assertThat(repeated.detail()).endsWith("expected chunk 2");
            assertThat(send(onB, chunk(NERIMA, session, 2, set.subList(20, set.size()))).body().get("received").asLong())
                    .isEqualTo(set.size());

            Request ending = end(NERIMA, session, null);
            Reply result = send(onB, ending);
            assertThat(result.status()).isEqualTo(Status.ACK);
            Reply endedAgain = send(onA, ending);
            assertThat(endedAgain.status()).as(endedAgain.detail()).isEqualTo(Status.ACK);
            assertThat(endedAgain.body()).isEqualTo(result.body());
            assertThat(send(onA, end(NERIMA, session, null)).code().name()).as("a new END of a finished session")
                    .isEqualTo("E150");
        }
    }

    @Test
    void aNodeThatStopsMidStagingLosesNoChunkTheOtherNodeTakesTheRest() throws Exception {
        RunningGateway c = a.nextNode(Map.of("juki.node.id", "node-3", "juki.consistency.idle-timeout-s",
                Integer.toString(IDLE_SECONDS), "juki.consistency.sweep-ms", "300"));
        Thread stopping = null;
        try (FrameClient onB = b.connect(NERIMA)) {
            String session = "takeover";
            Request unanswered;
            try (FrameClient onC = c.connect(NERIMA)) {
                assertThat(send(onC, begin(NERIMA, "HONNIN", session, set.size())).status()).isEqualTo(Status.ACK);
                assertThat(send(onC, chunk(NERIMA, session, 0, set.subList(0, 10))).status()).isEqualTo(Status.ACK);
                unanswered = chunk(NERIMA, session, 1, set.subList(10, 20));
                onC.send(unanswered);
                RunningGateway gone = c;
                stopping = new Thread(gone::close, "stopping-node-3");
                stopping.start();
            }
            Reply resent = send(onB, unanswered);
            assertThat(resent.status()).as(resent.code() + " " + resent.detail()).isEqualTo(Status.ACK);
            assertThat(resent.body().get("received").asLong()).isEqualTo(20);
            assertThat(send(onB, chunk(NERIMA, session, 2, set.subList(20, set.size()))).status()).isEqualTo(Status.ACK);
            Reply result = send(onB, end(NERIMA, session, null));

            assertThat(result.status()).isEqualTo(Status.ACK);
            try (FrameClient onA = a.connect(NERIMA)) {
                assertThat(result.body()).isEqualTo(check(List.of(onA), "reference"));
            }
        } finally {
            if (stopping != null) {
                stopping.join(60_000);
            } else {
                c.close();
            }
        }
    }

    @Test
    void aSessionBegunOnOneNodeExpiresOnceWhileBothLookAndLeavesNoTables() throws Exception {
        try (FrameClient onA = a.connect(ITABASHI); FrameClient onB = b.connect(ITABASHI)) {
            String session = "abandoned";
            assertThat(send(onA, begin(ITABASHI, "HONNIN", session, 5)).status()).isEqualTo(Status.ACK);
            long id = a.queryLong("SELECT id FROM consistency.session WHERE sender = ? AND name = ?", ITABASHI, session);
            assertThat(tables(id)).isEqualTo(2);

            String expired = "SELECT count(*) FROM audit.record WHERE msg_type = 'CONSISTENCY_EXPIRED' AND sender = ?";
            await().atMost(Duration.ofSeconds(IDLE_SECONDS + 15)).until(() -> a.queryLong(expired, ITABASHI) >= 1);
            Thread.sleep(1500);

            assertThat(a.queryLong(expired, ITABASHI)).as("audited by one node").isEqualTo(1);
            assertThat(tables(id)).isZero();
            assertThat(send(onB, chunk(ITABASHI, session, 0, List.of(Messages.person(ITABASHI)))).code().name())
                    .isEqualTo("E150");
        }
    }

    @Test
    void theLimitsCountTheSessionsOfEveryNode() throws Exception {
        try (FrameClient onA = a.connect(ADACHI); FrameClient onB = b.connect(ADACHI)) {
            assertThat(send(onA, begin(ADACHI, "HONNIN", "one", 0)).status()).isEqualTo(Status.ACK);
            assertThat(send(onB, begin(ADACHI, "FUHYO", "two", 0)).status()).isEqualTo(Status.ACK);
            Reply third = send(onB, begin(ADACHI, "HONNIN", "three", 0));

            assertThat(third.code().name()).as("two per sender, over both nodes").isEqualTo("E503");
            assertThat(send(onB, end(ADACHI, "one", null)).status()).isEqualTo(Status.ACK);
            assertThat(send(onA, end(ADACHI, "two", null)).status()).isEqualTo(Status.ACK);
        }
    }

    /** The whole set, BEGIN on the first connection, chunks of 7 round the connections, END on the last. */
    private static JsonNode check(List<FrameClient> nodes, String session) throws Exception {
        assertThat(send(nodes.get(0), begin(NERIMA, "HONNIN", session, set.size())).status()).isEqualTo(Status.ACK);
        for (int i = 0, n = 0; i < set.size(); i += 7, n++) {
            Reply r = send(nodes.get(n % nodes.size()), chunk(NERIMA, session, n, set.subList(i, Math.min(set.size(), i + 7))));
            assertThat(r.status()).as(r.code() + " " + r.detail()).isEqualTo(Status.ACK);
        }
        Reply result = send(nodes.get(nodes.size() - 1), end(NERIMA, session, null));
        assertThat(result.status()).as(result.code() + " " + result.detail()).isEqualTo(Status.ACK);
        return result.body();
    }

    private static Reply send(FrameClient cs, Request request) throws Exception {
        return cs.send(request).get(60, TimeUnit.SECONDS);
    }

    private static long tables(long id) throws Exception {
        return a.queryLong("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = 'consistency' AND c.relname IN ('staged_' || ?, 'result_' || ?)", id, id);
    }
}
