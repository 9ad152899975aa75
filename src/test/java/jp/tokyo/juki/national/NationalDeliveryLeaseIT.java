package jp.tokyo.juki.national;

import static jp.tokyo.juki.testkit.Messages.person;
import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.Jms;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.RunningGateway;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: with two nodes, one delivers a store's notices — the holder of lease {@code national-honnin} — and a
 * takeover under load keeps each person's notices in the order the CS made them (the order defect FailoverIT
 * found: a node's messages came back to the queue after its groups had moved on).
 */
class NationalDeliveryLeaseIT {
    private static final String LEASE = "national-honnin";
    private static final int PERSONS = 24;
    private static final int CHANGES = 20;

    @Test
    void oneNodeDeliversAndATakeoverUnderLoadKeepsEachPersonsOrder() throws Exception {
        Map<String, String> cluster = Map.of("juki.cluster.enabled", "true", "juki.node.id", "node-1");
        try (RunningGateway first = RunningGateway.start(true, cluster);
             RunningGateway second = first.nextNode(Map.of())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> "juki-lease node-1".equals(holder(first)));

            // each person's changes one after the other, alternately through either node's CS port
            List<List<String>> sent = new ArrayList<>();
            ExecutorService lanes = Executors.newFixedThreadPool(6);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < PERSONS; i++) {
                List<String> ids = Collections.synchronizedList(new ArrayList<>());
                sent.add(ids);
                int person = i;
                done.add(lanes.submit(() -> {
                    ObjectNode p = person(SHINJUKU, Messages.newJuminhyoCode(), Messages.newMyNumber(), "順番 太郎",
                            "ジュンバン タロウ");
                    for (int c = 0; c < CHANGES; c++) {
                        Thread.sleep(200); // a load that lasts through the takeover
                        ObjectNode changed = p.deepCopy();
                        changed.with("address").put("text", "東京都新宿区西新宿" + (c + 1) + "丁目" + (person + 1) + "番");
                        Request r = update(SHINJUKU, c == 0 ? "MOVE_IN" : "MOVE_WITHIN", changed);
                        try (FrameClient cs = ((person + c) % 2 == 0 ? first : second).connect(SHINJUKU)) {
                            assertThat(cs.send(r).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
                        }
                        ids.add(r.id());
                    }
                    return null;
                }));
            }
            // one consumer on the queue: node 1's, the holder's
            await().atMost(Duration.ofSeconds(20)).until(() -> consumers(first) == 1);
            // under way: node 1 loses its lease connection (as when cut off the database) until node 2 holds the lease
            await().atMost(Duration.ofSeconds(60)).until(() -> first.national.noticeCount() >= PERSONS * CHANGES / 5);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                first.queryLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        + "WHERE application_name = 'juki-lease node-1'");
                return "juki-lease node-2".equals(holder(first));
            });
            assertThat(sent.stream().mapToInt(List::size).sum()).as("updates acknowledged before the takeover")
                    .isLessThan(PERSONS * CHANGES);
            for (Future<?> f : done) {
                f.get(180, TimeUnit.SECONDS);
            }
            lanes.shutdown();

            int total = PERSONS * CHANGES;
            await().atMost(Duration.ofSeconds(60)).until(() -> first.national.noticeCount() == total);
            for (List<String> ids : sent) {
                List<String> arrived = first.national.notices().stream().map(n -> n.at("/body/origin/id").asText())
                        .filter(ids::contains).toList();
                assertThat(arrived).as("one person's notices at the national server").containsExactlyElementsOf(ids);
            }
            assertThat(first.queryLong("SELECT count(*) FROM audit.record WHERE line = 'national' AND msg_type = "
                    + "'NODE_LEASE' AND detail = 'lease national-honnin taken by node node-2'")).isEqualTo(1);
            // node 1 closed its consumer: the holder's is the only one
            await().atMost(Duration.ofSeconds(20)).until(() -> consumers(first) == 1);
        }
    }

    /** The node whose lease connection holds the national delivery lease (its application_name), or null. */
    private static String holder(RunningGateway gw) throws Exception {
        return gw.queryString("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                + "JOIN lease.lock_name n ON n.id::bigint = l.objid::bigint WHERE l.locktype = 'advisory' "
                + "AND l.classid::bigint = x'4A554B49'::bigint AND l.objsubid = 2 AND l.granted AND n.name = ?", LEASE);
    }

    /** Consumers on the honnin national queue now, as the broker's management says. */
    private static long consumers(RunningGateway gw) throws Exception {
        return Jms.consumers(gw.gateway.brokerConnectionFactory(), Broker.NATIONAL_HONNIN_QUEUE);
    }
}
