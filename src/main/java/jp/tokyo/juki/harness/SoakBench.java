package jp.tokyo.juki.harness;

import jp.tokyo.juki.assembly.DevIdentities;

import jp.tokyo.juki.assembly.Gateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.sim.NationalSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gateway bench soak}: the gateway as a process of its own under a steady CS load for
 * minutes, to see whether it keeps up and whether its memory stays flat. Once a minute it prints
 * what was sent and ACKed, the ACK rate of that minute, the gateway's RSS and its heap after the
 * latest garbage collection, and the national backlog (ACKed updates whose notice the national
 * simulator has not received yet). Memory counts as flat when the RSS at the end is within
 * {@code --flat-percent} of the RSS after the second minute (the first minute is the JVM and
 * the caches growing to their working size).
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"A steady HONNIN_UPDATE load for minutes; prints sent/ACKed, ACK rate, gateway RSS, heap after GC",
                "and national backlog once a minute, then whether memory stayed flat.",
                "Exit codes: 0 every update answered (ACK, or E140 for a change the simulated CS got wrong), every ACKed one",
                "delivered, and memory flat; 1 otherwise."})
final class SoakBench implements Callable<Integer> {
    @Option(names = "--minutes", defaultValue = "10", description = "Length of the load (default: ${DEFAULT-VALUE}).")
    int minutes;
    @Option(names = "--rate", defaultValue = "1000", description = "Offered updates/s (default: ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--connections", defaultValue = "8", description = "CS connections (default: ${DEFAULT-VALUE}).")
    int connections;
    @Option(names = "--flat-percent", defaultValue = "10",
            description = "Largest RSS growth from minute 2 to the end that counts as flat (default: ${DEFAULT-VALUE}).")
    double flatPercent;
    @Option(names = "--municipality", defaultValue = "131121", description = "Sending CS (default: ${DEFAULT-VALUE}, 世田谷区).")
    String municipality;
    @Option(names = "--data", defaultValue = "data/bench-soak", description = "Data directory, emptied first.")
    Path data;
    @Option(names = "--keystores", defaultValue = "keystores", description = "Key directory.")
    Path keystores;
    @Option(names = "--set", description = "Gateway configuration overrides, key=value.")
    Map<String, String> set = new LinkedHashMap<>();

    /** One line of the per-minute report. */
    private record Minute(int minute, double seconds, long sent, long acked, double ackRate, long rssMiB,
                          OptionalLong heapAfterGcMiB, long backlog) {
        String line() {
            // the load ends a little after its last full minute: that rest is reported as "end"
            String label = seconds >= 55 ? String.format("minute %2d", minute) : String.format("end (+%.0f s)", seconds);
            return String.format("%s: sent %,d ACKed %,d | %.0f ACK/s | gateway RSS %d MiB, heap "
                            + "after GC %s MiB | national backlog %,d", label, sent, acked, ackRate, rssMiB,
                    heapAfterGcMiB.isPresent() ? Long.toString(heapAfterGcMiB.getAsLong()) : "?", backlog);
        }
    }

    @Override
    public Integer call() throws Exception {
        Municipalities tokyo = Municipalities.load(Path.of("config/municipalities.csv"));
        new DevPki(keystores, "juki-dev".toCharArray()).init(DevIdentities.of(tokyo, Path.of("config/agencies.yaml")));
        DemoCommand.deleteTree(data);
        Files.createDirectories(data);
        KeyMaterial keys = new KeyMaterial(keystores, "juki-dev".toCharArray(), Duration.ofSeconds(5));
        int count = (int) Math.round(rate * minutes * 60);
        try (NationalSimulator national = NationalSimulator.start(
                keys.sslContext(Identities.NATIONAL, Identities.exactly(Identities.GATEWAY), "national-sim"), 0, null);
             NationalSimulator fuhyoNational = NationalSimulator.startFuhyo(keys.sslContext(Identities.NATIONAL_FUHYO,
                     Identities.exactly(Identities.GATEWAY), "national-fuhyo-sim"), 0, null)) {
            List<String> extra = new ArrayList<>(List.of("--keystores", keystores.toString(),
                    "--set", "juki.national-fuhyo.port=" + fuhyoNational.port()));
            set.forEach((k, v) -> extra.addAll(List.of("--set", k + "=" + v)));
            int csPort = Ports.free();
            try (GatewayProcess gateway = GatewayProcess.start(data.resolve("gateway"), csPort, national.port(), extra)) {
                // a soak stopped from outside (Ctrl-C) stops its gateway too, instead of orphaning it
                Thread stopGateway = new Thread(gateway::close, "bench-soak-stop-gateway");
                Runtime.getRuntime().addShutdownHook(stopGateway);
                long[] rssStart = gateway.memoryMiB();
                System.out.printf("bench soak: %d minutes at %.0f HONNIN_UPDATE/s (%,d updates) over %d connections, "
                                + "gateway pid %d (-Xms1g -Xmx1g), RSS at start %d MiB%n", minutes, rate, count, connections,
                        gateway.pid(), rssStart[0]);
                CsSimulator cs = new CsSimulator(keys.sslContext(Identities.cs(municipality),
                        Identities.exactly(Identities.GATEWAY), "cs-sim"), new CsSimulator.Options("localhost",
                        csPort, municipality, tokyo.name(municipality), count, rate, connections, false, 42));
                CompletableFuture<CsSimulator.Result> run = CompletableFuture.supplyAsync(() -> {
                    try {
                        return cs.run();
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                });
                List<Minute> report = new ArrayList<>();
                long start = System.nanoTime();
                long last = start;
                long ackedBefore = 0;
                OptionalLong liveAtMinute2 = OptionalLong.empty();
                for (int m = 1; !run.isDone(); m++) {
                    long due = start + Duration.ofMinutes(m).toNanos();
                    while (System.nanoTime() < due && !run.isDone()) {
                        GatewayProcess.sleep(200);
                    }
                    long now = System.nanoTime();
                    long acked = cs.ackedSoFar();
                    Minute minute = new Minute(m, (now - last) / 1e9, cs.sentSoFar(), acked, (acked - ackedBefore) / ((now - last) / 1e9),
                            gateway.memoryMiB()[0], gateway.heapAfterGcMiB(), acked - national.noticeCount());
                    ackedBefore = acked;
                    last = now;
                    report.add(minute);
                    System.out.println(minute.line());
                    if (m == 2) {
                        liveAtMinute2 = gateway.liveHeapMiB();
                        System.out.printf("after minute 2: live heap (after a full GC) %s MiB%n", heapText(liveAtMinute2));
                    }
                }
                CsSimulator.Result r = run.join();
                long ackedAt = System.nanoTime();
                while (national.noticeCount() < r.acked() && System.nanoTime() - ackedAt < Duration.ofMinutes(5).toNanos()) {
                    GatewayProcess.sleep(200);
                }
                double drain = (System.nanoTime() - ackedAt) / 1e9;
                long[] rssEnd = gateway.memoryMiB();
                OptionalLong heapEnd = gateway.heapAfterGcMiB();
                OptionalLong liveEnd = gateway.liveHeapMiB();
                gateway.stop(Duration.ofSeconds(40));
                Runtime.getRuntime().removeShutdownHook(stopGateway);

                Reports.printCs(System.out, r);
                System.out.printf("RESULT soak: %,d sent, %,d ACKed (%.0f ACK/s over the run), %d refused %s, %d "
                                + "unanswered; ACK latency ms p50 %.2f p99 %.2f p99.9 %.2f%n", r.sent(), r.acked(),
                        r.ackRate(), r.nackByCode().values().stream().mapToLong(Long::longValue).sum(), r.nackByCode(),
                        r.failed(), r.latency().percentileMillis(50), r.latency().percentileMillis(99),
                        r.latency().percentileMillis(99.9));
                System.out.printf("RESULT national notices received %,d of %,d ACKed; backlog drained %.1f s after the "
                        + "last ACK%n", national.noticeCount(), r.acked(), drain);
                long reference = report.size() >= 2 ? report.get(1).rssMiB() : report.get(0).rssMiB();
                double growth = 100.0 * (rssEnd[0] - reference) / Math.max(1, reference);
                boolean flat = growth <= flatPercent;
                System.out.printf("RESULT gateway memory: RSS %d MiB at start, %d MiB after minute %d, %d MiB at the "
                                + "end (%+.1f%%), peak RSS %d MiB; heap after GC %s MiB after minute %d, %s MiB at the "
                                + "end; peak heap %s MiB (limit 1024)%n", rssStart[0], reference,
                        Math.min(2, report.size()), rssEnd[0], growth, rssEnd[1],
                        heapText(report.get(Math.min(1, report.size() - 1)).heapAfterGcMiB()),
                        Math.min(2, report.size()), heapText(heapEnd),
                        gateway.reportedPeakHeapMiB().map(String::valueOf).orElse("?"));
                System.out.printf("RESULT live heap (after a full GC): %s MiB after minute 2, %s MiB at the end%n",
                        heapText(liveAtMinute2), heapText(liveEnd));
                System.out.printf("RESULT memory flat (end RSS within %.0f%% of minute 2): %s%n", flatPercent,
                        flat ? "yes" : "NO");
                // E140 is the store refusing a change that does not fit the person (the simulated CS
                // now and then generates one); anything else refused, or unanswered, is a failure
                boolean ok = flat && r.failed() == 0 && r.nackByCode().keySet().stream().allMatch("E140"::equals)
                        && r.orderViolations() == 0 && national.noticeCount() >= r.acked();
                return ok ? 0 : 1;
            }
        }
    }

    private static String heapText(OptionalLong heap) {
        return heap.isPresent() ? Long.toString(heap.getAsLong()) : "?";
    }
}
