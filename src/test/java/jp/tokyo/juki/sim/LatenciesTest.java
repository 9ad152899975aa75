package jp.tokyo.juki.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bench's latency timeline: requests grouped by when they were sent, so a slow start shows as its own line. */
class LatenciesTest {
    @Test
    void theTimelineGroupsRequestsByTheirSendTimeAndShowsASlowStartOnItsOwnLine() {
        Latencies l = new Latencies();
        for (int i = 0; i < 100; i++) {
            l.add(400_000, i * 10_000_000L); // first second: 400 ms each
        }
        for (int i = 0; i < 100; i++) {
            l.add(4_000, 5_000_000_000L + i * 10_000_000L); // from 5 s on: 4 ms each
        }
        String[] lines = l.timeline(5).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).contains("0-5").contains(" 100 sent").contains("p99   400.00");
        assertThat(lines[1]).contains("5-10").contains(" 100 sent").contains("p99     4.00").contains("max     4.00");
    }

    @Test
    void theFirstSecondsCanBeShownSecondBySecondWithoutTheRest() {
        Latencies l = new Latencies();
        for (int s = 0; s < 20; s++) {
            l.add(s == 2 ? 300_000 : 3_000, s * 1_000_000_000L + 1); // one slow second among twenty
        }
        String[] lines = l.timeline(1, 10).split("\n");
        assertThat(lines).hasSize(10);
        assertThat(lines[2]).contains("2-3").contains("1 sent").contains("max   300.00");
        assertThat(lines[9]).contains("9-10").contains("max     3.00");
    }
}
