package jp.tokyo.juki.harness;

import jp.tokyo.juki.assembly.DevIdentities;

import jp.tokyo.juki.assembly.AuditWiring;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.ChainVerifier;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.DevPki;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.security.RevocationList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gateway bench audit}: how fast the audit record is appended through the real path —
 * the tap, the persistent Artemis queue, the single writer and the hash chain in PostgreSQL — and
 * how fast {@code audit verify} checks what was written. Optionally the same appends without the
 * chain, in the same run, for the chain's cost.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Audit appends per second through tap, queue, writer and hash chain; then audit verify of them all.")
final class AuditBench implements Callable<Integer> {
    @Option(names = "--records", defaultValue = "1000000", description = "Records to append (default: ${DEFAULT-VALUE}).")
    int records;
    @Option(names = "--warmup", defaultValue = "100000",
            description = "Records appended first and not measured, so the JIT has compiled the path (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--threads", defaultValue = "2", description = "Threads tapping (default: ${DEFAULT-VALUE}).")
    int threads;
    @Option(names = "--compare-unchained", description = "Then append as many again without the chain (juki.audit.hash-chain=false).")
    boolean compare;
    @Option(names = "--data", defaultValue = "data/bench-audit", description = "Data directory, emptied first.")
    Path data;
    @Option(names = "--keystores", defaultValue = "keystores", description = "Key directory (its ca.pem checks the checkpoints).")
    Path keystores;

    @Override
    public Integer call() throws Exception {
        Municipalities tokyo = Municipalities.load(Path.of("config/municipalities.csv"));
        new DevPki(keystores, "juki-dev".toCharArray())
                .init(DevIdentities.of(tokyo, Path.of("config/agencies.yaml")));
        DemoCommand.deleteTree(data);
        Files.createDirectories(data);
        GatewayConfig config = GatewayConfig.load(Path.of("config/application.properties"),
                Map.of("juki.data.dir", data.toString(), "juki.keystores.dir", keystores.toString(),
                        "juki.broker.acceptor", "")); // in-VM only: no port to clash with a running gateway
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        PersonHasher hasher = new PersonHasher(key);
        try (EmbeddedDatabase db = EmbeddedDatabase.start(config); Broker broker = Broker.start(config)) {
            if (warmup > 0) {
                append(db, broker, hasher, true, 0, warmup);
            }
            double chained = append(db, broker, hasher, true, warmup, records);
            System.out.printf("RESULT audit appends with the hash chain: %,d records after %,d not counted, %,.0f records/s "
                    + "(tap -> queue -> writer -> table)%n", records, warmup, chained);
            var checkpoints = AuditWiring.checkpoints(config, new KeyMaterial(keystores,
                    config.keystorePassword(), Duration.ofSeconds(60)), db);
            checkpoints.checkpoint();
            long started = System.nanoTime();
            ChainVerifier.Verdict v;
            try (Connection c = db.dataSource().getConnection()) {
                v = new ChainVerifier(c, RevocationList.of(keystores)).verify(null, null);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("RESULT audit verify: %,d records in %.1f s (%,.0f records/s), %s%n", v.records(), seconds,
                    v.records() / seconds, v.intact() ? "intact" : "BROKEN: " + v.problem());
            if (compare) {
                double plain = append(db, broker, hasher, false, warmup + records, records);
                System.out.printf("RESULT audit appends without the chain: %,.0f records/s; with / without = %.2f (same run)%n",
                        plain, chained / plain);
            }
            return v.intact() ? 0 : 1;
        }
    }

    /** Taps {@code records} events from {@code threads} threads and waits until the writer has them all. */
    private double append(EmbeddedDatabase db, Broker broker, PersonHasher hasher, boolean chained, int offset, int records)
            throws Exception {
        AuditTap tap = new AuditTap(broker.connectionFactory(), Broker.AUDIT_QUEUE, hasher);
        AuditWriter writer = new AuditWriter(broker.connectionFactory(), Broker.AUDIT_QUEUE, db.dataSource(), chained);
        writer.start();
        tap.start();
        AtomicInteger next = new AtomicInteger();
        long started = System.nanoTime();
        Thread[] tappers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            tappers[t] = new Thread(() -> {
                for (int i; (i = next.getAndIncrement()) < records; ) {
                    int n = offset + i;
                    // a CS update's record: one person, as the CS line writes it
                    tap.record("cs", "in", "cs-131121", "HONNIN_UPDATE", "B" + n, "131121", "ACK", "OK", null,
                            List.of(String.format("%011d", 10_000_000_000L + n)));
                }
            }, "bench-tap-" + t);
            tappers[t].start();
        }
        for (Thread t : tappers) {
            t.join();
        }
        double tapped = (System.nanoTime() - started) / 1e9;
        long lastReport = System.nanoTime();
        while (writer.written() < records) {
            Thread.sleep(20);
            if (System.getenv("AUDIT_TRACE") != null && System.nanoTime() - lastReport > 1e9) {
                lastReport = System.nanoTime();
                System.out.printf("    %.0f s: in the tap %d, written %d%n", (lastReport - started) / 1e9, tap.pending(), writer.written());
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("  %s%s: %,d tapped in %.1f s, all written in %.1f s%n", chained ? "chained" : "unchained",
                offset == 0 && records == warmup ? " (warm-up)" : "", records, tapped, seconds);
        tap.stop();
        writer.stop();
        return records / seconds;
    }
}
