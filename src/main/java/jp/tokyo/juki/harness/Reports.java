package jp.tokyo.juki.harness;

import java.io.PrintStream;
import jp.tokyo.juki.sim.CsSimulator;

/** Printing of simulator results. */
public final class Reports {
    private Reports() {
    }

    public static void printCs(PrintStream out, CsSimulator.Result r) {
        out.printf("CS %s: sent %d, ACK %d, DUPLICATE %d, NACK %s, no reply %d, order violations %d%n",
                r.municipality(), r.sent(), r.acked(), r.duplicates(), r.nackByCode(), r.failed(), r.orderViolations());
        out.printf("  ACK latency ms: p50 %.2f, p99 %.2f, p99.9 %.2f over %d; %.0f ACK/s%n",
                r.latency().percentileMillis(50), r.latency().percentileMillis(99),
                r.latency().percentileMillis(99.9), r.latency().count(), r.ackRate());
        for (CsSimulator.BadOutcome b : r.bad()) {
            out.printf("  bad message: %-50s expected %-9s got %-9s %s%n", b.what(), b.expected(), b.received(),
                    b.asExpected() ? "ok" : "UNEXPECTED");
        }
    }
}
