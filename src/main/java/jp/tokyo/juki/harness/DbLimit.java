package jp.tokyo.juki.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import jp.tokyo.juki.honnin.HonninUpdates;
import jp.tokyo.juki.national.StoreLine;
import jp.tokyo.juki.platform.DatabaseSettings;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.record.HonninUpdateReader;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.record.Violation;
import jp.tokyo.juki.sim.CsSimulator;
import jp.tokyo.juki.store.UpdateTransaction;
import jp.tokyo.juki.wire.MessageType;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;

/**
 * {@code bench updates --db-limit} (issue 16): what the gateway's own PostgreSQL can take of the update
 * transaction without the gateway — the honnin store's {@link UpdateTransaction} itself (idempotency lookup,
 * the person's lock and row, history, outbox, accepted request; the same statements, the same logical
 * checks) run from this process by {@code clients} threads, each on its own connection of the honnin role,
 * first one update per transaction, then ten. The gateway is idle meanwhile — its outbox relay is held off
 * by its own lock, so the notices of these updates are relayed and delivered only afterwards — and the two
 * rates are the database's limits for one CS's load on this machine; the gateway's rate is then given as a
 * ratio of each.
 */
final class DbLimit {
    /** Updates per second the database committed, one per transaction and ten per transaction. */
    record Limits(double single, double grouped) {
    }

    private static final Duration WARM = Duration.ofSeconds(5);

    private DbLimit() {
    }

    static Limits measure(GatewayProcess gateway, Municipalities tokyo, String municipality, int clients,
                          Duration each) throws InterruptedException {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:postgresql://localhost:" + gateway.dbPort() + "/postgres");
        hc.setUsername(EmbeddedDatabase.HONNIN_ROLE);
        hc.setPassword(gateway.dbPassword(EmbeddedDatabase.HONNIN_ROLE));
        hc.setPoolName("db-limit");
        // as the gateway's own pools (EmbeddedDatabase): a large group's inserts are batches pgjdbc rewrites
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.setMaximumPoolSize(clients + 1);
        try (HikariDataSource ds = new HikariDataSource(hc); Connection relayHold = ds.getConnection()) {
            // the gateway's outbox relay takes this lock for each page: held here, the gateway stays idle instead
            // of relaying and delivering these updates' notices on the same cores (they go once it is released)
            try (PreparedStatement ps = relayHold.prepareStatement("SELECT pg_advisory_lock(?)")) {
                ps.setLong(1, StoreLine.HONNIN.relayLock());
                ps.execute();
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            UpdateTransaction<HonninUpdate> transaction = HonninUpdates.transaction(ds, new PersonHasher(key)::hash,
                    GatewayConfig.of(Map.of()).get(DatabaseSettings.NETWORK_TIMEOUT));
            HonninUpdateReader reader = new HonninUpdateReader(tokyo);
            double single = run(transaction, reader, tokyo, municipality, clients, 1, each);
            double grouped = run(transaction, reader, tokyo, municipality, clients, 10, each);
            try (PreparedStatement ps = relayHold.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                ps.setLong(1, StoreLine.HONNIN.relayLock());
                ps.execute();
            }
            System.out.printf(Locale.ROOT, "RESULT database limit (the honnin update transaction from %d clients on the "
                    + "gateway's PostgreSQL, no gateway in the way): %.0f updates/s one per transaction, %.0f updates/s "
                    + "ten per transaction%n", clients, single, grouped);
            return new Limits(single, grouped);
        } catch (SQLException e) {
            throw new IllegalStateException("database limit not measured: SQLState " + e.getSQLState(), e);
        }
    }

    /** Updates per second committed by {@code clients} threads, {@code group} updates to a transaction. */
    private static double run(UpdateTransaction<HonninUpdate> transaction, HonninUpdateReader reader,
                              Municipalities tokyo, String municipality, int clients, int group, Duration each)
            throws InterruptedException {
        AtomicLong applied = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long warmEnd = System.nanoTime() + WARM.toNanos();
        long end = warmEnd + each.toNanos();
        List<Thread> threads = new ArrayList<>();
        String run = Long.toString(System.nanoTime(), 36);
        for (int t = 0; t < clients; t++) {
            // persons of their own: a seed no CS simulator of the benchmark uses
            Supplier<ObjectNode> bodies = CsSimulator.honninBodies(municipality, tokyo.name(municipality),
                    900_000L + group * 100L + t);
            int thread = t;
            Thread th = new Thread(() -> {
                long n = 0;
                while (System.nanoTime() < end) {
                    List<UpdateTransaction.Command<HonninUpdate>> batch = new ArrayList<>(group);
                    for (int i = 0; i < group; i++) {
                        ObjectNode body = bodies.get();
                        Request r = new Request("db-limit-" + run + "-" + group + "-" + thread + "-" + n++,
                                MessageType.HONNIN_UPDATE, municipality, n, OffsetDateTime.now(ZoneOffset.ofHours(9)),
                                "op-0001", "term-01", body);
                        try {
                            batch.add(new UpdateTransaction.Command<>(r, reader.read(body, municipality,
                                    LocalDate.now(UpdateTransaction.JST)), new CompletableFuture<>()));
                        } catch (Violation v) {
                            refused.incrementAndGet();
                        }
                    }
                    transaction.process(batch);
                    boolean measuring = System.nanoTime() >= warmEnd;
                    for (UpdateTransaction.Command<HonninUpdate> c : batch) {
                        Reply reply = c.reply().join();
                        if (reply.status() == Status.ACK) {
                            if (measuring) {
                                applied.incrementAndGet();
                            }
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                }
            }, "db-limit-" + t);
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        if (refused.get() > 0) {
            System.out.printf("bench updates --db-limit: %d of the generated updates were refused by the store's checks "
                    + "(not counted)%n", refused.get());
        }
        return applied.get() / (each.toNanos() / 1e9);
    }
}
