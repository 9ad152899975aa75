package jp.tokyo.juki.resilience;

import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.sim.NationalSimulator;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.TestPki;
import org.junit.jupiter.api.Test;

/**
 * R-REL-DURABLE and issue 5: a gateway process stopped (SIGTERM) or killed (SIGKILL) while a CS
 * sends updates. Afterwards the CS does what PROTOCOL §2 asks of it: it resends every request
 * it has no answer for — here every request, with the same sender and id — to the restarted
 * gateway, and each must be answered ACK (never applied before) or DUPLICATE (applied before);
 * the store and the national server then hold every update exactly once.
 */
class StopUnderLoadIT {
    private static final int COUNT = 3000;
    private static final double RATE = 200;
    private static final int CONNECTIONS = 4;

    @Test
    void sigtermUnderLoadAnswersWhatWasReadExitsZeroWithin30sAndLosesNothing() throws Exception {
        try (NationalSimulator national = NationalSimulator.start(TestPki.national(), 0, null);
             GatewayChild gw = GatewayChild.start(national.port(), Map.of())) {
            CompletableFuture<CsSimulator.Result> load = gw.load(SHINJUKU, COUNT, RATE, CONNECTIONS, 501);
            await().atMost(Duration.ofSeconds(60)).until(() -> gw.queryLong(
                    "SELECT count(*) FROM honnin.accepted_request") >= 1500);

            long t0 = System.nanoTime();
            int exit = gw.stop(Duration.ofSeconds(60));
            double seconds = (System.nanoTime() - t0) / 1e9;
            CsSimulator.Result first = load.get(120, TimeUnit.SECONDS);

            assertThat(exit).as("exit code after SIGTERM").isZero();
            assertThat(seconds).as("seconds from SIGTERM to exit").isLessThan(30);
            System.out.printf("SIGTERM under load: exited %d after %.1f s; %d of %d ACKed before, %d E503, %d unanswered;"
                            + " refusals %s%n", exit, seconds, first.acked(), COUNT,
                    first.nackByCode().getOrDefault("E503", 0L), first.failed(), first.nackByDetail());
            assertThat(first.acked()).as("updates ACKed before the stop").isGreaterThan(1000).isLessThan(COUNT);
            assertThat(first.nackByCode().keySet()).as("refusals while stopping").isSubsetOf(Set.of("E503"));

            gw.startAgain();
            CsSimulator.Result resent = gw.load(SHINJUKU, COUNT, 0, CONNECTIONS, 501).get(300, TimeUnit.SECONDS);

            assertEveryRequestAppliedOnce(gw, national, first, resent);
            // a stop answers whatever it read: no request was applied without its answer, so what
            // was not ACKed before (E503, or read by nobody) is applied only now
            assertThat(resent.duplicates()).as("DUPLICATE on resending = ACKed before the stop").isEqualTo(first.acked());
        }
    }

    @Test
    void sigkillUnderLoadLosesNothingAcknowledgedAndAppliesNothingTwice() throws Exception {
        try (NationalSimulator national = NationalSimulator.start(TestPki.national(), 0, null);
             GatewayChild gw = GatewayChild.start(national.port(), Map.of())) {
            CompletableFuture<CsSimulator.Result> load = gw.load(SHINJUKU, COUNT, RATE, CONNECTIONS, 502);
            await().atMost(Duration.ofSeconds(60)).until(() -> gw.queryLong(
                    "SELECT count(*) FROM honnin.accepted_request") >= 1500);

            gw.kill();
            CsSimulator.Result first = load.get(120, TimeUnit.SECONDS);
            System.out.printf("SIGKILL under load: %d of %d ACKed before, %d unanswered; refusals %s%n", first.acked(),
                    COUNT, first.failed(), first.nackByDetail());
            assertThat(first.acked()).as("updates ACKed before the kill").isGreaterThan(1000).isLessThan(COUNT);

            // the killed gateway's database server is still running; the restart must cope with it
            gw.startAgain();
            CsSimulator.Result resent = gw.load(SHINJUKU, COUNT, 0, CONNECTIONS, 502).get(300, TimeUnit.SECONDS);

            assertEveryRequestAppliedOnce(gw, national, first, resent);
            // a crash may apply a request whose answer it never wrote: such a one is DUPLICATE now
            assertThat(resent.duplicates()).as("DUPLICATE on resending").isGreaterThanOrEqualTo(first.acked());
        }
    }

    /**
     * After the resend every request is applied exactly once: what was ACKed before is not
     * applied again, every resent request is ACK or DUPLICATE, the store accepted each id once,
     * and the national server received each update (in one piece, none extra).
     */
    static void assertEveryRequestAppliedOnce(GatewayChild gw, NationalSimulator national, CsSimulator.Result first,
                                              CsSimulator.Result resent) throws Exception {
        assertThat(resent.failed()).as("resent requests without an answer").isZero();
        assertThat(resent.nackByCode()).as("resent requests refused: %s", resent.nackByDetail()).isEmpty();
        assertThat(resent.acked() + resent.duplicates()).as("resent requests answered ACK or DUPLICATE")
                .isEqualTo(COUNT);
        Set<String> ackedTwice = new HashSet<>(first.ackedIds());
        ackedTwice.retainAll(resent.ackedIds());
        assertThat(ackedTwice).as("requests ACKed before and applied again on resending").isEmpty();
        assertThat(gw.queryLong("SELECT count(*) FROM honnin.accepted_request")).as("requests the store accepted")
                .isEqualTo(COUNT);
        await().atMost(Duration.ofSeconds(120)).until(() -> national.noticeCount() >= COUNT);
        assertThat(national.noticeCount()).as("notices the national server received, repeats not counted")
                .isEqualTo(COUNT);
        Set<String> noticed = new HashSet<>();
        national.notices().forEach(n -> noticed.add(n.at("/body/origin/id").asText()));
        assertThat(noticed).as("origins of the notices").containsAll(first.ackedIds()).containsAll(resent.ackedIds());
    }
}
