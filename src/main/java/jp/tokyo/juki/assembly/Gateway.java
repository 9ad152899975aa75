package jp.tokyo.juki.assembly;

import static jp.tokyo.juki.national.StoreLine.FUHYO;
import static jp.tokyo.juki.national.StoreLine.HONNIN;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import jp.tokyo.juki.agency.AgencyDirectory;
import jp.tokyo.juki.audit.AuditCheckpoints;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.cs.CsRequests;
import jp.tokyo.juki.cs.ReplyOrder;
import jp.tokyo.juki.honnin.HonninUpdates;
import jp.tokyo.juki.cs.UpdateRequests;
import jp.tokyo.juki.fuhyo.FuhyoUpdates;
import jp.tokyo.juki.store.UpdateTransaction;
import jp.tokyo.juki.record.FuhyoUpdateReader;
import jp.tokyo.juki.record.FuhyoUpdate;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.national.NationalDelivery;
import jp.tokyo.juki.national.NationalNotices;
import jp.tokyo.juki.national.OutboxRelay;
import jp.tokyo.juki.national.StoreLine;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.store.GroupCommit;
import jp.tokyo.juki.record.HonninUpdateReader;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.CamelTls;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.security.PeerTrustManager;
import jp.tokyo.juki.wire.FrameEncoder;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles one gateway: database, broker, keys, the beans the route files call, and camel-main
 * loading {@code routes/*.camel.yaml}. Wiring only; every rule lives in the beans.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private EmbeddedDatabase database;
    private Broker broker;
    private Main main;
    private AuditWriter auditWriter;
    private final List<OutboxRelay> relays = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<NationalDelivery> deliveries = new java.util.concurrent.CopyOnWriteArrayList<>();
    private List<org.apache.camel.support.service.ServiceSupport> services = List.of();
    private List<GroupCommit<?>> commits = List.of();
    private List<AutoCloseable> wired = List.of();
    private java.util.concurrent.ExecutorService replyExecutor;
    private final ObservabilityWiring observe = new ObservabilityWiring();
    private jp.tokyo.juki.audit.AuditLag auditLag;

    public Gateway(GatewayConfig config) {
        this.config = config;
    }

    /** Starts everything and returns once the CS listener accepts connections. */
    public Gateway start() throws Exception {
        try {
            return assemble();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private Gateway assemble() throws Exception {
        Municipalities tokyo = Municipalities.load(config.path("juki.municipalities", "config/municipalities.csv"));
        AgencyDirectory agencies = AgencyWiring.directory(config);
        KeyMaterial keys = new KeyMaterial(config.keystoresDir(), config.keystorePassword(),
                Duration.ofSeconds(config.getInt("juki.crl.check-seconds", 5)));
        PersonHasher hasher = PersonHasher.fromKeyFile(config.keystoresDir().resolve("audit-hmac.key"));
        database = EmbeddedDatabase.start(config);
        broker = Broker.start(config);

        AuditWiring.Parts audit = AuditWiring.wire(config, keys, hasher, database, broker);
        AuditTap auditTap = audit.tap();
        auditWriter = audit.writer();
        auditLag = audit.lag();
        replyExecutor = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "cs-reply");
            t.setDaemon(true);
            return t;
        });

        main = new Main();
        main.setInitialProperties(config.asProperties());
        main.configure().withRoutesIncludePattern(config.get("camel.main.routes-include-pattern", "file:routes/*.camel.yaml"));
        Assembly assembly = new Assembly(config, tokyo, agencies, keys, hasher, database, broker, auditTap, main, null);
        CsLineWiring.wire(assembly, Set.of("HONNIN_UPDATE", "FUHYO_UPDATE", "CONSISTENCY_BEGIN", "CONSISTENCY_RECORDS",
                "CONSISTENCY_END", "PING"), auditLag::behind);
        wired = assembly.onClose();
        GroupCommit<?> honninCommit = wireStore(assembly, HONNIN, HonninUpdates.transaction(
                database.forRole(HONNIN.role()), hasher::hash), new HonninUpdateReader(tokyo)::read, HonninUpdate::persons);
        GroupCommit<?> fuhyoCommit = wireStore(assembly, FUHYO, FuhyoUpdates.transaction(
                database.forRole(FUHYO.role()), hasher::hash), new FuhyoUpdateReader(tokyo)::read, FuhyoUpdate::persons);
        ConsistencyWiring.wire(assembly);
        jp.tokyo.juki.national.NationalQuery nationalQuery = NationalQueryWiring.wire(assembly);
        jp.tokyo.juki.link.MyNumberLink link = LinkWiring.wire(assembly);
        jp.tokyo.juki.agency.AgencyRequests agencyRequests = AgencyWiring.wire(assembly, nationalQuery, link);
        observe.wire(assembly, auditTap, auditWriter, auditLag);
        // started before the routes and stopped after them, so in-flight work drains
        services = List.of(audit.checkpoints(), auditWriter, auditTap, honninCommit, fuhyoCommit);
        commits = List.of(honninCommit, fuhyoCommit);
        services.forEach(org.apache.camel.support.service.ServiceSupport::start);
        main.start();
        AgencyWiring.startRoutes(main.getCamelContext(), agencyRequests);
        LOG.info("juki-gateway ready: CS listener on port {}, national server at {}:{}",
                config.get("juki.cs.port", "7443"), config.get("juki.national.host", "localhost"),
                config.get("juki.national.port", "7543"));
        return this;
    }

    /**
     * One store's flow: the CS route's update step ({@code <store>Updates}) in front of the
     * store's group commit, the outbox relay ({@code <store>OutboxRelay}) and the delivery to its
     * national server ({@code national<Store>Delivery}). Both stores share the national page,
     * timeout and retry settings ({@code juki.national.*}); host and port are per server.
     */
    private <U> GroupCommit<UpdateTransaction.Command<U>> wireStore(Assembly a, StoreLine line, UpdateTransaction<U> service,
                                                             UpdateRequests.BodyReader<U> reader,
                                                             java.util.function.Function<U, List<String>> persons)
            throws java.io.IOException, java.security.GeneralSecurityException {
        // a connection's pipelined updates always go to the same writer, in the order they arrived
        GroupCommit<UpdateTransaction.Command<U>> commit = new GroupCommit<>(line.name(), config.getInt("juki.batch.writers", 1),
                config.getInt("juki.batch.max", 256), observe.metrics().countingBatches(line.name(), service::process));
        a.bind(line.name() + "Updates", new UpdateRequests<>(reader, persons, commit, replyExecutor, auditLag::behind));
        OutboxRelay relay = new OutboxRelay(database.forRole(line.role()), broker.connectionFactory(), line.name() + ".national_outbox", line.queue(),
                line.relayLock(), config.getInt("juki.relay.page", 500));
        relays.add(relay);
        observe.outbox(line.name(), relay::backlog);
        a.bind(line.name() + "OutboxRelay", relay);
        javax.net.ssl.SSLContext tls = a.keys().sslContext(Identities.GATEWAY, Identities.exactly(line.peer()), line.peer());
        NationalDelivery.Settings settings = new NationalDelivery.Settings(
                config.get(line.configPrefix() + ".host", "localhost"), config.getInt(line.configPrefix() + ".port",
                line.defaultPort()), config.getMillis("juki.national.timeout-ms", 10_000),
                config.getInt("juki.national.page", 200), config.getInt("juki.national.max-redeliveries", 20),
                config.getMillis("juki.national.redelivery-delay-ms", 500),
                config.getMillis("juki.national.max-redelivery-delay-ms", 60_000));
        NationalDelivery delivery = new NationalDelivery(broker.connectionFactory(), line.queue(), () -> tls, settings,
                new NationalNotices(line.noticeType(), line.idPrefix(), Municipalities.PREFECTURE_CODE, line.peer(),
                        a.audit()), a.audit());
        deliveries.add(delivery);
        observe.national(new jp.tokyo.juki.observe.ObserveSampler.NationalServer(line.name(), settings.host(),
                settings.port(), tls));
        a.bind("national" + line.beanPrefix() + "Delivery",
                NationalDelivery.tick(observe.metrics().timedPages(line.name(), delivery::deliverPage), settings.page()));
        return commit;
    }

    /**
     * Runs until SIGTERM or SIGINT, then shuts down in order: stop accepting and finish what is
     * in flight (routes), drain the group commit and the audit, then the broker, then the
     * database. The signals are handled here rather than by JVM shutdown hooks because the
     * embedded PostgreSQL registers a hook of its own that would stop the database while
     * the routes are still draining; with the signal handled, the JVM exits 0 after an
     * orderly stop and that hook finds the database already closed.
     */
    public void runUntilStopped() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        sun.misc.SignalHandler handler = signal -> {
            LOG.info("juki-gateway stopping (SIG{})", signal.getName());
            stop.countDown();
        };
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
        stop.await();
        close();
    }

    public GatewayConfig config() {
        return config;
    }

    public EmbeddedDatabase database() {
        return database;
    }

    /** A bean a wiring bound for the routes, e.g. {@code myNumberLink} (tests, in-process callers). */
    public <T> T bean(String name, Class<T> type) {
        return main.getCamelContext().getRegistry().lookupByNameAndType(name, type);
    }

    /** The broker's plain connection factory (operator tools, tests). */
    public jakarta.jms.ConnectionFactory brokerConnectionFactory() {
        return broker.connectionFactory();
    }

    @Override
    public synchronized void close() {
        finishUpdatesInFlight();
        try {
            if (main != null) {
                main.stop();
                main = null;
            }
        } catch (Exception e) {
            LOG.warn("routes did not stop cleanly: {}", e.getClass().getSimpleName());
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).stop();
        }
        services = List.of();
        for (int i = wired.size() - 1; i >= 0; i--) {
            try {
                wired.get(i).close();
            } catch (Exception e) {
                LOG.warn("{} did not close cleanly: {}", wired.get(i).getClass().getSimpleName(), e.getClass().getSimpleName());
            }
        }
        wired = List.of();
        if (replyExecutor != null) {
            replyExecutor.shutdown();
        }
        relays.forEach(OutboxRelay::close);
        deliveries.forEach(NationalDelivery::close);
        try {
            if (broker != null) {
                broker.close();
                broker = null;
            }
        } catch (Exception e) {
            LOG.warn("broker did not stop cleanly: {}", e.getClass().getSimpleName());
        }
        if (database != null) {
            database.close();
            database = null;
        }
        LOG.info("juki-gateway stopped; peak heap {} MiB", peakHeapMiB());
    }

    /**
     * The first step of a stop, while the CS connections are still open: the group commits apply
     * and answer every update they were handed, updates read from now on are answered E503 with
     * nothing applied, and the CS route gets up to 10 s to write those answers. Stopping the
     * routes first closed the connections under updates still committing: they were applied and
     * their CS never got the ACK (found by StopUnderLoadIT).
     */
    private void finishUpdatesInFlight() {
        commits.forEach(org.apache.camel.support.service.ServiceSupport::stop);
        if (main == null || main.getCamelContext() == null) {
            return;
        }
        org.apache.camel.spi.InflightRepository inflight = main.getCamelContext().getInflightRepository();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (inflight.size("cs-listener") > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Sum of the peak usage of the heap pools since start. */
    static long peakHeapMiB() {
        long bytes = 0;
        for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024 * 1024);
    }
}
