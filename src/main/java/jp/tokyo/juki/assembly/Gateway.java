package jp.tokyo.juki.assembly;

import static jp.tokyo.juki.national.StoreLine.FUHYO;
import static jp.tokyo.juki.national.StoreLine.HONNIN;

import jakarta.jms.ConnectionFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import jp.tokyo.juki.agency.AgencyDirectory;
import jp.tokyo.juki.agency.AgencyRequests;
import jp.tokyo.juki.api.ApiSettings;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.cs.CsLineSettings;
import jp.tokyo.juki.fuhyo.FuhyoUpdates;
import jp.tokyo.juki.honnin.HonninUpdates;
import jp.tokyo.juki.link.MyNumberLink;
import jp.tokyo.juki.national.NationalQuery;
import jp.tokyo.juki.national.NationalSettings;
import jp.tokyo.juki.operator.OperatorSettings;
import jp.tokyo.juki.operator.Operators;
import jp.tokyo.juki.platform.DatabaseSettings;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.FileSettings;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.PgLockClusterService;
import jp.tokyo.juki.record.FuhyoUpdate;
import jp.tokyo.juki.record.FuhyoUpdateReader;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.record.HonninUpdateReader;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.store.GroupCommit;
import jp.tokyo.juki.wire.MessageType;
import org.apache.camel.main.Main;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The composition root: assembles one gateway from the platform (database, broker, keys) and each
 * capability's wiring, which binds that capability's beans under the names the route files
 * ({@code routes/*.camel.yaml}) call; then camel-main loads the routes. Wiring and lifecycle
 * only; every rule lives in the capabilities' beans.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** The CS listener's route ({@code routes/cs-listener.camel.yaml}): bound last, by {@link #openCsListener()}. */
    public static final String CS_LISTENER = "cs-listener";

    /** counted down by SIGTERM or SIGINT once {@link #stopOnSignal()} is called */
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    private final GatewayConfig config;
    private EmbeddedDatabase database;
    private Broker broker;
    private Main main;
    private List<ServiceSupport> services = List.of();
    private List<GroupCommit<?>> commits = List.of();
    private List<AutoCloseable> wired = List.of();
    private ExecutorService replyExecutor;
    private String name = "juki-gateway";

    public Gateway(GatewayConfig config) {
        this.config = config;
    }

    /**
     * Marks this gateway as the warm-up's throwaway one ({@code jp.tokyo.juki.warmup.Rehearsal}): its log lines say so,
     * and it never says "juki-gateway ready", which operators and the harness wait for.
     */
    public Gateway rehearsal() {
        name = "warm-up gateway (throwaway, serves no peer)";
        return this;
    }

    /** Starts everything and returns once the CS listener accepts connections. */
    public Gateway start() throws Exception {
        return startWithCsListenerClosed().openCsListener();
    }

    /**
     * Starts everything but the CS listener (route {@value #CS_LISTENER}, not bound): the stores, broker, audit,
     * national delivery, agency polls, operator and management ports run; readiness is DOWN ({@code juki-cs-listener})
     * and no "ready" line is logged until {@link #openCsListener()}. {@code ./gateway run} rehearses in between
     * (decision 34), so that the start's own code paths run before the JIT compiles the hot ones, not after.
     */
    public Gateway startWithCsListenerClosed() throws Exception {
        try {
            checkCsPortFree();
            return assemble();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /**
     * The CS listener is bound last, after the warm-up (decision 34): a port already taken is found here, at the start,
     * rather than minutes later. Binds and releases it as Netty will bind it (address reuse on, so connections of a
     * previous run in TIME_WAIT do not count); port 0 (chosen at bind) is not checked.
     */
    private void checkCsPortFree() throws IOException {
        String host = config.get(CsLineSettings.HOST);
        int port = config.get(CsLineSettings.PORT);
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            LOG.error("{} cannot start: the CS listener's port {} on {} is taken ({})", name, port, host, e.toString());
            throw new IOException(name + " cannot start: the CS listener's port " + port + " on " + host
                    + " is taken (" + e.getMessage() + ")", e);
        }
    }

    /** Binds the CS listener and says "ready"; after {@link #startWithCsListenerClosed()}. */
    public Gateway openCsListener() throws Exception {
        try {
            main.getCamelContext().getRouteController().startRoute(CS_LISTENER);
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            LOG.error("{} could not open its CS listener on port {} ({}); stopping", name, config.get(CsLineSettings.PORT),
                    cause.toString());
            close();
            throw e;
        }
        LOG.info("{} ready: CS listener on port {}, operator port {}, national server at {}:{}", name,
                config.get(CsLineSettings.PORT), config.get(ApiSettings.PORT), config.get(NationalSettings.HOST),
                config.get(NationalSettings.PORT));
        return this;
    }

    private Gateway assemble() throws Exception {
        Municipalities tokyo = Municipalities.load(config.get(FileSettings.MUNICIPALITIES));
        AgencyDirectory agencies = AgencyWiring.directory(config);
        KeyMaterial keys = new KeyMaterial(config.keystoresDir(), config.keystorePassword(),
                config.get(FileSettings.CRL_CHECK));
        PersonHasher hasher = ClusterWiring.hasher(config);
        database = EmbeddedDatabase.start(config);
        broker = Broker.start(config);
        AuditWiring.Parts audit = AuditWiring.wire(config, keys, hasher, database, broker);
        replyExecutor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "cs-reply");
            t.setDaemon(true);
            return t;
        });

        main = new Main() {
            {
                // Camel's registry is not safe for threads; the leases start routes on their own thread
                registry.setFallbackRegistry(new ThreadSafeRegistry());
            }
        };
        config.applyTo(main);
        main.configure().withRoutesIncludePattern(config.get("camel.main.routes-include-pattern", "file:routes/*.camel.yaml"));
        // the CS listener is bound by openCsListener, once everything else runs (and the warm-up is done)
        String excluded = main.configure().getAutoStartupExcludePattern();
        main.configure().withAutoStartupExcludePattern(excluded == null || excluded.isBlank() ? CS_LISTENER
                : excluded + "," + CS_LISTENER);
        Assembly assembly = new Assembly(config, tokyo, agencies, keys, hasher, database, broker, audit.tap(), main, null);
        wired = assembly.onClose();
        ObservabilityWiring observe = new ObservabilityWiring();
        CsLineWiring.wire(assembly, MessageType.csLine(), audit.lag()::behind);
        PgLockClusterService leases = LeaseWiring.wire(assembly);
        GroupCommit<?> honninCommit = StoreWiring.wire(assembly, observe, HONNIN,
                HonninUpdates.transaction(database.forRole(HONNIN.role()), hasher::hash, config.get(DatabaseSettings.NETWORK_TIMEOUT)),
                new HonninUpdateReader(tokyo)::read, HonninUpdate::persons, replyExecutor, audit.lag()::behind);
        GroupCommit<?> fuhyoCommit = StoreWiring.wire(assembly, observe, FUHYO,
                FuhyoUpdates.transaction(database.forRole(FUHYO.role()), hasher::hash, config.get(DatabaseSettings.NETWORK_TIMEOUT)),
                new FuhyoUpdateReader(tokyo)::read, FuhyoUpdate::persons, replyExecutor, audit.lag()::behind);
        ConsistencyWiring.wire(assembly);
        NationalQuery nationalQuery = NationalQueryWiring.wire(assembly);
        MyNumberLink link = LinkWiring.wire(assembly);
        AgencyRequests agencyRequests = AgencyWiring.wire(assembly, nationalQuery, link, leases);
        DataSource operatorDb = database.forRole(Operators.ROLE);
        Operators operators = Operators.create(operatorDb, Clock.systemUTC(), config);
        OperatorApiWiring.wire(assembly, operatorDb, operators, config.get(OperatorSettings.IDLE));
        observe.wire(assembly, audit.tap(), audit.writer(), audit.lag());
        ClusterWiring.check(assembly); // refuses the start when a shared secret differs from the cluster's
        // started before the routes and stopped after them, so in-flight work drains
        services = List.of(audit.checkpoints(), audit.writer(), audit.tap(), honninCommit, fuhyoCommit);
        commits = List.of(honninCommit, fuhyoCommit);
        services.forEach(ServiceSupport::start);
        main.start();
        StoreWiring.joinDeliveryLeases(main.getCamelContext(), leases);
        AgencyWiring.startRoutes(main.getCamelContext(), agencyRequests, leases);
        LOG.info("{} started; CS listener not open yet", name);
        return this;
    }

    /**
     * Takes SIGTERM and SIGINT from here on: call it before {@link #start()}, so that a signal that arrives while the
     * gateway is still starting (it may already answer on its ports: a balancer's check, a CS) is kept and acted on
     * by {@link #runUntilStopped()} as soon as the start is done. The signals are handled here rather than by JVM
     * shutdown hooks because the embedded PostgreSQL registers a hook of its own that would stop the database while
     * the routes are still draining; with the signal handled, the JVM exits 0 after an orderly stop and that hook
     * finds the database already closed.
     */
    public Gateway stopOnSignal() {
        SignalHandler handler = signal -> {
            LOG.info("juki-gateway stopping (SIG{})", signal.getName());
            stopRequested.countDown();
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
        return this;
    }

    /**
     * Runs until SIGTERM or SIGINT ({@link #stopOnSignal()}), then shuts down in order: stop accepting and finish what
     * is in flight (routes), drain the group commit and the audit, then the broker, then the database.
     */
    public void runUntilStopped() throws InterruptedException {
        stopRequested.await();
        close();
    }

    /** Whether SIGTERM or SIGINT has come since {@link #stopOnSignal()} (a warm-up before the start ends early). */
    public boolean stopping() {
        return stopRequested.getCount() == 0;
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
    public ConnectionFactory brokerConnectionFactory() {
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
        LOG.info("{} stopped; peak heap {} MiB", name, peakHeapMiB());
    }

    /**
     * The first step of a stop, while the CS connections are still open: the group commits apply
     * and answer every update they were handed, updates read from now on are answered E503 with
     * nothing applied, and the CS route gets up to 10 s to write those answers. Stopping the
     * routes first closed the connections under updates still committing: they were applied and
     * their CS never got the ACK (found by StopUnderLoadIT).
     */
    private void finishUpdatesInFlight() {
        commits.forEach(ServiceSupport::stop);
        if (main == null || main.getCamelContext() == null) {
            return;
        }
        InflightRepository inflight = main.getCamelContext().getInflightRepository();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (inflight.size(CS_LISTENER) > 0 && System.nanoTime() < deadline) {
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
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024 * 1024);
    }
}
