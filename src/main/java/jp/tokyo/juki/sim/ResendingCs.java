package jp.tokyo.juki.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.MessageType;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;

/**
 * A CS as it behaves when the gateway (or the load balancer in front of it) fails: each lane (connection)
 * sends HONNIN_UPDATEs one at a time, and a request left unanswered (the connection closed, no reply within
 * the timeout, or {@code E503}) is sent again, with the same id, on a new connection until it is answered
 * ACK or DUPLICATE — so every change a lane sent is acknowledged, in the order it was made, before the
 * next. Keeps what the failure tests check: the acknowledged requests with their person, and how long a
 * lane waited from an unanswered request to the ACK of its resend (the recovery time).
 */
public final class ResendingCs {
    private static final ZoneId JST = ZoneId.of("Asia/Tokyo");
    private static final Duration GIVE_UP = Duration.ofSeconds(150);

    /** A request answered ACK or DUPLICATE: its id and the 住民票コード of its person. */
    public record Acked(String id, String person) {
    }

    /**
     * What the lanes saw: requests (first sends), answers, resends, refusals by code, the acknowledged
     * requests in each lane's order, the longest wait of a lane from an unanswered request to its ACK, and
     * requests still unanswered when the lanes gave up.
     */
    public record Outcome(long sent, long acked, long duplicates, long resends, Map<String, Long> refused,
                          List<Acked> ackedInOrder, double recoverySeconds, long unanswered) {
    }

    private final String host;
    private final int port;
    private final SSLContext tls;
    private final String municipality;
    private final String municipalityName;
    private final int lanes;
    private final long seed;
    private final Duration replyTimeout;
    private final String runId;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private final List<List<Acked>> ackedByLane = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile long longestRecoveryNanos;

    public ResendingCs(String host, int port, SSLContext tls, String municipality, String municipalityName, int lanes,
                       long seed, Duration replyTimeout) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.municipality = municipality;
        this.municipalityName = municipalityName;
        this.lanes = lanes;
        this.seed = seed;
        this.replyTimeout = replyTimeout;
        this.runId = "rs" + Long.toString(new Random(seed).nextLong() & 0xffffffffL, 36);
    }

    /** Starts the lanes; they send until {@link #stop()}. */
    public void start() {
        for (int lane = 0; lane < lanes; lane++) {
            List<Acked> mine = Collections.synchronizedList(new ArrayList<>());
            ackedByLane.add(mine);
            int l = lane;
            Thread t = new Thread(() -> lane(l, mine), "resending-cs-" + lane);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    /** Requests answered ACK or DUPLICATE so far. */
    public long answeredSoFar() {
        return acked.get() + duplicates.get();
    }

    /** Lets each lane finish the request it is on (resending it until answered, or giving up), then reports. */
    public Outcome stop() throws InterruptedException {
        stopping = true;
        for (Thread t : threads) {
            t.join();
        }
        List<Acked> all = new ArrayList<>();
        ackedByLane.forEach(all::addAll);
        Map<String, Long> byCode = new TreeMap<>();
        refused.forEach((k, v) -> byCode.put(k, v.get()));
        return new Outcome(sent.get(), acked.get(), duplicates.get(), resends.get(), byCode, all,
                longestRecoveryNanos / 1e9, unanswered.get());
    }

    private void lane(int lane, List<Acked> mine) {
        Population population = new Population(municipality, municipalityName, seed * 31 + lane);
        FrameClient client = null;
        Request pending = null;
        String person = null;
        long unansweredSince = -1;
        int n = 0;
        while (true) {
            if (pending == null) {
                if (stopping) {
                    break;
                }
                Population.Change change = population.next();
                pending = update(lane + "-" + n++, change);
                person = change.record().get("juminhyoCode").asText();
                sent.incrementAndGet();
            } else if (unansweredSince >= 0 && System.nanoTime() - unansweredSince > GIVE_UP.toNanos()) {
                unanswered.incrementAndGet();
                pending = null;
                unansweredSince = -1;
                continue;
            }
            if (client == null || !client.isOpen()) {
                close(client);
                try {
                    client = FrameClient.connect(host, port, tls);
                } catch (IOException e) {
                    client = null;
                    if (unansweredSince < 0) {
                        unansweredSince = System.nanoTime();
                    }
                    pause(200);
                    continue;
                }
            }
            long t0 = System.nanoTime();
            Reply reply;
            try {
                reply = client.send(pending).get(replyTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                reply = null;
            }
            if (reply != null && (reply.status() == Status.ACK || reply.status() == Status.DUPLICATE)) {
                (reply.status() == Status.ACK ? acked : duplicates).incrementAndGet();
                mine.add(new Acked(pending.id(), person));
                if (unansweredSince >= 0) {
                    long waited = System.nanoTime() - unansweredSince;
                    synchronized (this) {
                        longestRecoveryNanos = Math.max(longestRecoveryNanos, waited);
                    }
                    unansweredSince = -1;
                }
                pending = null;
            } else if (reply != null && reply.code() != ReplyCode.E503) {
                refused.computeIfAbsent(reply.code().name(), k -> new AtomicLong()).incrementAndGet();
                pending = null;
            } else {
                // no answer (or "not now"): the same request again, on a new connection
                if (unansweredSince < 0) {
                    unansweredSince = t0;
                }
                resends.incrementAndGet();
                close(client);
                client = null;
                pause(100);
            }
        }
        close(client);
    }

    private Request update(String suffix, Population.Change change) {
        LocalDate date = change.reason().equals("BIRTH") ? LocalDate.parse(change.person().birthDate) : LocalDate.now(JST);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("record", change.record());
        body.put("reason", change.reason());
        body.put("changeDate", date.toString());
        return new Request("sim-" + runId + "-" + suffix, MessageType.HONNIN_UPDATE, municipality, seq.incrementAndGet(),
                OffsetDateTime.now(ZoneOffset.ofHours(9)), "op-0001", "term-01", body);
    }

    private static void close(FrameClient client) {
        if (client != null) {
            client.close();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
