package jp.tokyo.juki.national;

import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.sim.NationalSimulator;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.Test;

/**
 * R-REL-OUTAGE with real processes: the national server goes away for minutes (its port closed)
 * while a CS keeps sending. The gateway keeps ACKing, the notices wait (in the outbox and the
 * persistent queue, which grow and can be seen there), and once the server is back every notice
 * arrives: none missing, none extra, and each person's in the order of their updates.
 *
 * <p>The outage lasts {@code -Djuki.it.national-outage-s} seconds (default 120).
 */
class NationalOutageUnderLoadIT {
    private static final int OUTAGE_SECONDS = Integer.getInteger("juki.it.national-outage-s", 120);
    private static final double RATE = 100;
    private static final int CONNECTIONS = 4;

    @Test
    void aNationalOutageOfMinutesUnderLoadIsRiddenOutAndEverythingArrivesInOrderAfterwards() throws Exception {
        int nationalPort = Ports.free();
        // 5 s before, the outage, 5 s after
        int count = (int) (RATE * (OUTAGE_SECONDS + 10));
        List<JsonNode> received = new ArrayList<>();
        long repeats = 0;
        NationalSimulator national = NationalSimulator.start(TestPki.national(), nationalPort, null);
        try (GatewayChild gw = GatewayChild.start(nationalPort, Map.of())) {
            CompletableFuture<CsSimulator.Result> load = gw.load(SHINJUKU, count, RATE, CONNECTIONS, 511);
            await().atMost(Duration.ofSeconds(30)).until(() -> national.noticeCount() > 0);
            Thread.sleep(4000);

            national.close();
            received.addAll(national.notices());
            repeats += national.repeats();
            long outageStart = System.nanoTime();
            Thread.sleep(OUTAGE_SECONDS * 1000L / 3);
            long early = backlog(gw);
            while (System.nanoTime() - outageStart < OUTAGE_SECONDS * 1_000_000_000L - 3_000_000_000L) {
                Thread.sleep(500);
            }
            long late = backlog(gw);
            System.out.printf("national outage of %d s: backlog %d after a third, %d near the end (outbox %d, queue %d)%n",
                    OUTAGE_SECONDS, early, late, gw.queryLong("SELECT count(*) FROM honnin.national_outbox"),
                    gw.queueDepth(Broker.NATIONAL_HONNIN_QUEUE));
            assertThat(early).as("notices waiting a third into the outage").isPositive();
            assertThat(late).as("notices waiting near the end of the outage").isGreaterThan(early);
            while (System.nanoTime() - outageStart < OUTAGE_SECONDS * 1_000_000_000L) {
                Thread.sleep(200);
            }

            NationalSimulator back = NationalSimulator.start(TestPki.national(), nationalPort, null);
            try {
                CsSimulator.Result r = load.get(120, TimeUnit.SECONDS);
                assertThat(r.failed()).as("updates without an answer").isZero();
                assertThat(r.nackByCode()).as("updates refused").isEmpty();
                assertThat(r.acked()).as("updates ACKed, outage or not").isEqualTo(count);

                long returned = System.nanoTime();
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> received.size() + back.noticeCount() >= count && backlog(gw) == 0);
                System.out.printf("backlog of the outage delivered %.1f s after the national server returned%n",
                        (System.nanoTime() - returned) / 1e9);
                received.addAll(back.notices());
                repeats += back.repeats();
            } finally {
                back.close();
            }

            Map<String, Long> lastPerPerson = new HashMap<>();
            Set<String> origins = new HashSet<>();
            long outOfOrder = 0;
            for (JsonNode n : received) {
                String id = n.at("/body/origin/id").asText();
                if (!origins.add(id)) {
                    repeats++; // sent to both servers: the page was cut by the outage
                    continue;
                }
                long seq = Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
                Long before = lastPerPerson.put(n.at("/body/juminhyoCode").asText(), seq);
                if (before != null && before > seq) {
                    outOfOrder++;
                }
            }
            CsSimulator.Result r = load.get();
            System.out.printf("national outage: %d updates ACKed, %d distinct notices received, %d repeats (dropped by "
                    + "origin), %d persons%n", r.acked(), origins.size(), repeats, lastPerPerson.size());
            assertThat(origins).as("notices received").containsExactlyInAnyOrderElementsOf(r.ackedIds());
            assertThat(outOfOrder).as("notices that overtook an earlier one of the same person").isZero();
            assertThat(gw.queryLong("SELECT count(*) FROM honnin.accepted_request")).isEqualTo(count);
        } finally {
            national.close();
        }
    }

    /** Notices not yet delivered: rows in the store's outbox plus messages (pages of notices) on the persistent queue. */
    private static long backlog(GatewayChild gw) throws Exception {
        return gw.queryLong("SELECT count(*) FROM honnin.national_outbox") + gw.queueDepth(Broker.NATIONAL_HONNIN_QUEUE);
    }
}
