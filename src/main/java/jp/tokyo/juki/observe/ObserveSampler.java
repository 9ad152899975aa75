package jp.tokyo.juki.observe;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, on a thread of its own, the figures that cost a database query, a broker round trip or
 * a TLS handshake: outbox backlogs, queue depths, and whether each national server accepts a
 * connection. Scrapes and health calls read the last sample, so a slow neighbour never
 * holds up /observe/metrics, and a national server is probed no more than every
 * {@code juki.observe.national-probe-ms} (a TLS handshake, no message: no load on the peer).
 */
public final class ObserveSampler extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(ObserveSampler.class);

    /** What the last probe of a national server found; {@code why} is null when it was reachable. */
    public record Reach(boolean reachable, Instant at, String why) {
    }

    /** A national server the gateway delivers to, and the TLS context it is reached with. */
    public record NationalServer(String name, String host, int port, SSLContext tls) {
    }

    private final GatewayMetrics metrics;
    private final Map<String, Callable<Long>> outboxes;
    private final QueueDepths queues;
    private final Iterable<NationalServer> nationals;
    private final Duration every;
    private final Duration probeEvery;
    private final Map<String, Reach> reach = new ConcurrentHashMap<>();
    private volatile Map<String, Long> depths = Map.of();
    private volatile String queueFailure;
    private volatile boolean running;
    private Thread thread;
    private Instant lastProbe = Instant.EPOCH;

    public ObserveSampler(GatewayMetrics metrics, Map<String, Callable<Long>> outboxes, QueueDepths queues,
                          Iterable<NationalServer> nationals, Duration every, Duration probeEvery) {
        this.metrics = metrics;
        this.outboxes = outboxes;
        this.queues = queues;
        this.nationals = nationals;
        this.every = every;
        this.probeEvery = probeEvery;
    }

    /** The last queue depths by queue name (empty until the first sample). */
    public Map<String, Long> queueDepths() {
        return depths;
    }

    /** Why the broker's queues could not be read at the last sample, or null. */
    public String queueFailure() {
        return queueFailure;
    }

    /** The last probe of a national server, or null before the first. */
    public Reach reach(String server) {
        return reach.get(server);
    }

    /** Takes one sample now (the thread calls it; tests and start-up may too). */
    public synchronized void sample() {
        outboxes.forEach((store, backlog) -> {
            try {
                metrics.sampled("juki_outbox_backlog", "Notices committed in a store's outbox, not yet on the queue",
                        "store", store).set(backlog.call());
            } catch (Exception e) {
                LOG.debug("outbox backlog of {} not read: {}", store, e.getClass().getSimpleName());
            }
        });
        try {
            Map<String, Long> read = queues.read();
            read.forEach((q, n) -> metrics.sampled("juki_queue_depth",
                    "Messages on a broker queue (DLQ.* are dead letters; a national queue's message is a page of notices)", "queue", q).set(n));
            depths = new LinkedHashMap<>(read);
            queueFailure = null;
        } catch (Exception e) {
            queueFailure = e.getClass().getSimpleName();
            LOG.debug("queue depths not read: {}", queueFailure);
        }
        Instant now = Instant.now();
        if (Duration.between(lastProbe, now).compareTo(probeEvery) >= 0) {
            lastProbe = now;
            for (NationalServer server : nationals) {
                Reach r = probe(server);
                Reach before = reach.put(server.name(), r);
                metrics.sampled("juki_national_reachable", "1 if the national server accepted a TLS connection at the last probe",
                        "server", server.name()).set(r.reachable() ? 1 : 0);
                if (before != null && before.reachable() != r.reachable()) {
                    LOG.info("national server {} {}", server.name(), r.reachable() ? "reachable again" : "unreachable: " + r.why());
                }
            }
        }
    }

    private static Reach probe(NationalServer server) {
        try (SSLSocket socket = (SSLSocket) server.tls().getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(server.host(), server.port()), 3000);
            socket.setSoTimeout(3000);
            socket.startHandshake();
            return new Reach(true, Instant.now(), null);
        } catch (Exception e) {
            return new Reach(false, Instant.now(), "no TLS connection to " + server.host() + ":" + server.port()
                    + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    protected void doStart() {
        running = true;
        thread = new Thread(() -> {
            while (running) {
                try {
                    sample();
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("observe sample failed: {}", e.getClass().getName());
                }
            }
        }, "observe-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(5000);
        }
    }
}
