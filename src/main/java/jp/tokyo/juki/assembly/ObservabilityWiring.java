package jp.tokyo.juki.assembly;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.cs.CsLineSettings;
import jp.tokyo.juki.observe.CsConnections;
import jp.tokyo.juki.observe.CsReplyCounter;
import jp.tokyo.juki.observe.GatewayHealth;
import jp.tokyo.juki.observe.GatewayMetrics;
import jp.tokyo.juki.observe.ObserveSampler;
import jp.tokyo.juki.observe.ObserveSettings;
import jp.tokyo.juki.observe.QueueDepths;
import jp.tokyo.juki.security.Identities;

/**
 * Wires what operators see of the gateway onto camel-main's management port
 * ({@code camel.management.*}): the metrics registry Camel's own metrics share, the CS connection
 * counter the CS listener's pipeline uses ({@code #csConnections}), the sampler of database and
 * broker figures, and the health checks (docs/operations/observe.md).
 */
final class ObservabilityWiring {
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final Map<String, Callable<Long>> outboxes = Collections.synchronizedMap(new java.util.LinkedHashMap<>());
    private final List<ObserveSampler.NationalServer> nationals = new java.util.concurrent.CopyOnWriteArrayList<>();

    GatewayMetrics metrics() {
        return metrics;
    }

    /** A store's outbox, whose backlog is sampled. */
    void outbox(String store, Callable<Long> backlog) {
        outboxes.put(store, backlog);
    }

    /** A national server the gateway delivers to, probed for reachability. */
    void national(ObserveSampler.NationalServer server) {
        nationals.add(server);
    }

    /** Binds the registry, the connection counter and the health checks; starts the sampler. */
    void wire(Assembly a, AuditTap auditTap, AuditWriter auditWriter, jp.tokyo.juki.audit.AuditLag auditLag)
            throws Exception {
        a.bind("metricsRegistry", metrics.registry());
        a.bind("csReplyCounter", new CsReplyCounter(metrics));
        a.bind("csConnections", new CsConnections(metrics, a.config().get(CsLineSettings.MAX_CONNECTIONS_PER_PEER),
                (peer, code, detail) -> auditTap.recordWithoutWaiting(AuditEvent.in(AuditLine.CS, peer,
                        GatewayEvent.CONNECTION).status(AuditStatus.REFUSED).code(code).detail(detail))));
        a.bind("jukiDirectMemoryCheck", new jp.tokyo.juki.observe.DirectMemoryCheck(
                a.config().get(ObserveSettings.DIRECT_MEMORY_WARN),
                a.config().get(ObserveSettings.DIRECT_MEMORY_DOWN)));
        metrics.gauge("juki_audit_pending", "Audit records tapped and not yet on the audit queue", auditTap,
                t -> t.pending());
        metrics.counter("juki_audit_written", "Audit records written to the audit table", auditWriter,
                AuditWriter::written);
        QueueDepths queues = new QueueDepths(a.broker().connectionFactory());
        // closed last (onClose runs in reverse), after the sampler that uses it has stopped
        a.onClose().add(queues);
        ObserveSampler sampler = new ObserveSampler(metrics, outboxes, queues,
                nationals, a.config().get(ObserveSettings.SAMPLE),
                a.config().get(ObserveSettings.NATIONAL_PROBE));
        ExecutorService probes = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "observe-probe");
            t.setDaemon(true);
            return t;
        });
        long timeout = a.config().get(ObserveSettings.CHECK_TIMEOUT).toMillis();
        List<GatewayHealth.Certificate> own = new ArrayList<>();
        KeyStore gateway = a.keys().keyStore(Identities.GATEWAY);
        for (String alias : Collections.list(gateway.aliases())) {
            if (gateway.getCertificate(alias) instanceof X509Certificate c) {
                own.add(new GatewayHealth.Certificate(Identities.GATEWAY, c));
                break;
            }
        }
        // every CA of ca.pem (two during a rollover: the old one's end is then a warning to act on)
        List<X509Certificate> cas = a.keys().cas();
        for (int i = 0; i < cas.size(); i++) {
            own.add(new GatewayHealth.Certificate(i == 0 ? "ca" : "ca-" + (i + 1), cas.get(i)));
        }
        GatewayHealth.register(a::bind, new GatewayHealth.Parts(a.database().dataSource(), a.broker().connectionFactory(),
                own, a.keys().dir().resolve("crl.pem"), sampler,
                nationals.stream().map(ObserveSampler.NationalServer::name).toList(),
                probes, timeout, a.config().get(ObserveSettings.CERT_WARN), Clock.systemUTC()));
        a.bind("jukiAuditCheck", new jp.tokyo.juki.observe.AuditCheck(auditLag));
        metrics.gauge("juki_audit_lag_seconds", "Age of the oldest audit record not yet written", auditLag,
                l -> l.lag().toMillis() / 1000.0);
        metrics.counter("juki_audit_set_aside", "Audit records the store refused, set aside in DLQ.juki.audit",
                auditWriter, AuditWriter::setAside);
        a.bind("jukiCsListenerCheck", new jp.tokyo.juki.observe.CsListenerCheck(() -> a.main().getCamelContext() == null
                ? null : a.main().getCamelContext().getRouteController().getRouteStatus(Gateway.CS_LISTENER)));
        a.bind("jukiMemoryCheck", jp.tokyo.juki.observe.MemoryCheck.install(Clock.systemUTC())); // issue 15 finding 8
        sampler.start();
        a.onClose().add(sampler::stop);
        a.onClose().add(probes::shutdownNow);
    }
}
