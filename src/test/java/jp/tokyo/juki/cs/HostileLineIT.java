package jp.tokyo.juki.cs;

import static jp.tokyo.juki.testkit.TestPki.CHIYODA;
import static jp.tokyo.juki.testkit.TestPki.CHUO;
import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import jp.tokyo.juki.platform.Ports;
import jp.tokyo.juki.testkit.GatewayChild;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 15, findings 2 and 3: a CS holding a valid certificate attacks the CS line of a gateway
 * process of its own (-Xmx1g, real TLS, the packaged jar) — half frames on hundreds of
 * connections, a silent connection, pipelined PINGs it never reads, a flood of repeated
 * sequence numbers and a close — and the gateway's memory and log stay bounded while a
 * legitimate CS is served. The figures are printed (RSS from /proc/&lt;pid&gt;/status).
 * Short timeouts are set so that the attacks take seconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileLineIT {
    private static final int FRAME_TIMEOUT_S = 4;
    /** longer than the frame timeout, so that a half frame is closed by the frame timeout */
    private static final int IDLE_TIMEOUT_S = 8;
    /** above the 350 connections per certificate of the half-frame attack */
    private static final int PER_PEER = 360;
    private static final int MIB = 1 << 20;

    private static GatewayChild child;

    @BeforeAll
    static void start() throws Exception {
        child = GatewayChild.start(Ports.free(), Map.of(
                "juki.cs.frame-timeout-seconds", Integer.toString(FRAME_TIMEOUT_S),
                "juki.cs.idle-timeout-seconds", Integer.toString(IDLE_TIMEOUT_S),
                "juki.cs.max-connections-per-peer", Integer.toString(PER_PEER)));
    }

    @AfterAll
    static void stop() {
        if (child != null) {
            child.close();
        }
    }

    private static SSLSocket open(String municipality) throws Exception {
        SSLSocket s = (SSLSocket) TestPki.cs(municipality).getSocketFactory().createSocket("127.0.0.1", child.csPort);
        s.setSoTimeout(30_000);
        s.startHandshake();
        return s;
    }

    private static long rssMiB() {
        return child.process().memoryMiB()[0];
    }

    private static String log() throws IOException {
        return Files.readString(child.process().log());
    }

    private static byte[] frame(byte[] payload) {
        byte[] f = new byte[4 + payload.length];
        f[0] = (byte) (payload.length >>> 24);
        f[1] = (byte) (payload.length >>> 16);
        f[2] = (byte) (payload.length >>> 8);
        f[3] = (byte) payload.length;
        System.arraycopy(payload, 0, f, 4, payload.length);
        return f;
    }

    private static byte[] ping(String sender, String id, long seq) {
        return frame(("{\"v\":1,\"id\":\"" + id + "\",\"type\":\"PING\",\"sender\":\"" + sender + "\",\"seq\":" + seq
                + ",\"sentAt\":\"2026-12-06T10:00:00+09:00\",\"body\":{}}").getBytes(StandardCharsets.UTF_8));
    }

    /** Reads until the gateway closes the connection; returns what it sent (after the TLS layer). */
    private static byte[] readToClose(SSLSocket s) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (IOException e) {
            // reset or TLS alert: closed as well
        }
        return got.toByteArray();
    }

    /** A legitimate CS pinging every 500 ms in the background: the slowest answer and the failures. */
    private static final class LegitimateCs implements AutoCloseable {
        final AtomicLong slowestMs = new AtomicLong();
        final AtomicInteger acked = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        LegitimateCs() {
            thread = new Thread(() -> {
                while (running.get()) {
                    long t0 = System.nanoTime();
                    try (FrameClient c = FrameClient.connect("127.0.0.1", child.csPort, TestPki.cs(CHIYODA))) {
                        Reply r = c.send(Messages.ping(CHIYODA)).get(20, TimeUnit.SECONDS);
                        if (r.status() == Status.ACK) {
                            acked.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    slowestMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), Math::max);
                    GatewayChildSleep.sleep(500);
                }
            }, "legitimate-cs");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }
    }

    @Test
    @Order(1)
    void sevenHundredHalfFramesAreClosedWithinTheFrameTimeoutMemoryStaysBoundedAndALegitimateCsIsServed()
            throws Exception {
        int connections = 700;
        long rssBefore = rssMiB();
        AtomicLong rssPeak = new AtomicLong(rssBefore);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                rssPeak.accumulateAndGet(rssMiB(), Math::max);
                GatewayChildSleep.sleep(100);
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        AtomicInteger handshakes = new AtomicInteger();
        AtomicInteger refusedOverCap = new AtomicInteger();
        AtomicInteger closedWhileSending = new AtomicInteger();
        AtomicInteger closedAfterHolding = new AtomicInteger();
        AtomicLong slowestCloseMs = new AtomicLong();
        List<Long> closeMs = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger otherFailures = new AtomicInteger();
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) '{');
        long t0 = System.nanoTime();
        // a thread per connection, at most 32 at a time in their handshake and sending: the
        // others hold their half frame, waiting for the gateway to close them
        Semaphore sending = new Semaphore(32);
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try (LegitimateCs legitimate = new LegitimateCs()) {
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                String municipality = i % 2 == 0 ? CHUO : SHINJUKU;
                tasks.add(pool.submit(() -> {
                    SSLSocket s;
                    long[] firstByte = {0};
                    sending.acquire();
                    try {
                        try {
                            s = open(municipality);
                        } catch (Exception e) {
                            otherFailures.incrementAndGet();
                            return null;
                        }
                        handshakes.incrementAndGet();
                        firstByte[0] = System.nanoTime();
                        try {
                            OutputStream out = s.getOutputStream();
                            // a frame of 1 MiB, all of it but its last byte
                            out.write(new byte[] {0, 0x10, 0, 0});
                            int left = MIB - 1;
                            while (left > 0) {
                                int n = Math.min(left, chunk.length);
                                out.write(chunk, 0, n);
                                left -= n;
                            }
                            out.flush();
                        } catch (IOException e) {
                            byte[] got = readToClose(s);
                            s.close();
                            if (new String(got, StandardCharsets.UTF_8).contains("connections for this certificate")) {
                                refusedOverCap.incrementAndGet();
                            } else {
                                closedWhileSending.incrementAndGet();
                            }
                            return null;
                        }
                    } finally {
                        sending.release();
                    }
                    try (s) {
                        byte[] got = readToClose(s);
                        if (new String(got, StandardCharsets.UTF_8).contains("connections for this certificate")) {
                            refusedOverCap.incrementAndGet();
                        } else {
                            closedAfterHolding.incrementAndGet();
                            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstByte[0]);
                            closeMs.add(ms);
                            slowestCloseMs.accumulateAndGet(ms, Math::max);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : tasks) {
                f.get(5, TimeUnit.MINUTES);
            }
            long attackMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            sampling.set(false);
            sampler.join();
            GatewayChildSleep.sleep(1500);
            int duringAcked = legitimate.acked.get();
            legitimate.close();
            Reply after;
            try (FrameClient c = FrameClient.connect("127.0.0.1", child.csPort, TestPki.cs(CHIYODA))) {
                after = c.send(Messages.ping(CHIYODA)).get(20, TimeUnit.SECONDS);
            }
            long rssAfter = rssMiB();
            long cannotReserve = log().lines().filter(l -> l.contains("Cannot reserve")
                    || l.contains("OutOfMemoryError")).count();
            List<Long> sorted = new ArrayList<>(closeMs);
            Collections.sort(sorted);
            long medianCloseMs = sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
            String liveHeap = child.process().liveHeapMiB().stream().mapToObj(Long::toString).findFirst().orElse("?");
            System.out.printf("HostileLineIT.halfFrames: %d connections (%d handshakes, %d failed) in %d ms; "
                            + "refused over the cap of %d per certificate: %d; closed while still sending: %d; "
                            + "closed after sending (frame timeout %d s or decode budget, see the audit): %d, closed a median %d ms and at most %d ms "
                            + "after their first byte; RSS before %d MiB, peak %d MiB, after %d MiB (live heap %s MiB); "
                            + "'Cannot reserve' or OutOfMemoryError lines: %d; "
                            + "legitimate CS during the attack: %d ACK, %d failed, slowest %d ms; after: %s%n",
                    connections, handshakes.get(), otherFailures.get(), attackMs, PER_PEER, refusedOverCap.get(),
                    closedWhileSending.get(), FRAME_TIMEOUT_S, closedAfterHolding.get(), medianCloseMs,
                    slowestCloseMs.get(), rssBefore, rssPeak.get(), rssAfter, liveHeap, cannotReserve, duringAcked, legitimate.failed.get(),
                    legitimate.slowestMs.get(), after.status());

            assertThat(handshakes.get()).isEqualTo(connections);
            assertThat(refusedOverCap.get()).isZero(); // 350 per certificate at most: below the cap
            // every held half frame is closed: by the frame timeout, or earlier by the shared decode
            // budget (which share each takes depends on the machine's speed; a loaded machine delays
            // a close a little, never by much). Before the fix none was closed.
            assertThat(closedAfterHolding.get() + closedWhileSending.get()).isEqualTo(connections);
            assertThat(medianCloseMs).isBetween(0L, FRAME_TIMEOUT_S * 1000L + 3000);
            assertThat(slowestCloseMs.get()).isLessThan(30_000);
            assertThat(cannotReserve).isZero();
            // before the fix: 1.34 GiB and direct memory exhausted
            assertThat(rssPeak.get()).as("peak RSS, MiB").isLessThan(1000);
            assertThat(after.status()).isEqualTo(Status.ACK);
            assertThat(duringAcked).isPositive();
            assertThat(legitimate.failed.get()).as("legitimate PINGs failed").isLessThanOrEqualTo(duringAcked / 4);
        } finally {
            pool.shutdownNow();
            sampling.set(false);
        }
        // every refused connection is audited: over the cap E503, the budget E503, the frame timeout E100
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(child.queryLong(
                "SELECT count(*) FROM audit.record WHERE msg_type = 'CONNECTION' AND status = 'REFUSED'"))
                .isEqualTo(connections));
        System.out.printf("HostileLineIT.halfFrames: audit records CONNECTION/REFUSED E100 %d, E503 %d%n",
                child.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'CONNECTION' AND code = 'E100'"),
                child.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'CONNECTION' AND code = 'E503'"));
    }

    @Test
    @Order(2)
    void aSilentConnectionIsClosedAfterTheIdleTimeoutAndPingsKeepOneOpen() throws Exception {
        Thread silentWatch;
        long[] silentClosedMs = {-1};
        SSLSocket silent = open(CHIYODA);
        long t0 = System.nanoTime();
        silentWatch = new Thread(() -> {
            readToClose(silent);
            silentClosedMs[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        });
        silentWatch.start();
        int pings = 0;
        try (FrameClient live = FrameClient.connect("127.0.0.1", child.csPort, TestPki.cs(CHIYODA))) {
            // half again the idle timeout: the silent one is closed meanwhile, this one stays open
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(IDLE_TIMEOUT_S + IDLE_TIMEOUT_S / 2);
            while (System.nanoTime() < until) {
                assertThat(live.send(Messages.ping(CHIYODA)).get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
                pings++;
                GatewayChildSleep.sleep(IDLE_TIMEOUT_S * 1000L / 3);
            }
            silentWatch.join(TimeUnit.SECONDS.toMillis(IDLE_TIMEOUT_S + 10));
            System.out.printf("HostileLineIT.idle: silent connection closed after %d ms (idle timeout %d s); "
                    + "a connection pinging every %d ms still open after %d PINGs: %s%n", silentClosedMs[0],
                    IDLE_TIMEOUT_S, IDLE_TIMEOUT_S * 1000 / 3, pings, live.isOpen());
            assertThat(silentClosedMs[0]).isBetween(IDLE_TIMEOUT_S * 1000L - 2000, IDLE_TIMEOUT_S * 1000L + 3000);
            assertThat(live.isOpen()).isTrue();
        } finally {
            silent.close();
        }
    }

    @Test
    @Order(3)
    void pipelinedPingsNeverReadStopTheReadingOfThatConnectionAndMemoryStaysBounded() throws Exception {
        int attempted = 200_000;
        long liveBefore = child.process().liveHeapMiB().orElse(-1);
        long rssBefore = rssMiB();
        AtomicLong written = new AtomicLong();
        AtomicBoolean closedByGateway = new AtomicBoolean();
        long[] closedAtMs = {-1};
        SSLSocket s = open(CHIYODA);
        long t0 = System.nanoTime();
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = s.getOutputStream();
                ByteArrayOutputStream batch = new ByteArrayOutputStream();
                for (int i = 1; i <= attempted; i++) {
                    batch.write(ping(CHIYODA, "pp-" + i, i));
                    if (i % 100 == 0) {
                        out.write(batch.toByteArray());
                        batch.reset();
                        written.set(i);
                    }
                }
                out.flush();
            } catch (IOException e) {
                closedByGateway.set(true);
                closedAtMs[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            }
        }, "pipelining-cs");
        writer.setDaemon(true);
        writer.start();
        // wait until the writer no longer gets on (the gateway stopped reading) or is done
        long last = -1;
        long stalledAtMs = -1;
        while (writer.isAlive()) {
            GatewayChildSleep.sleep(2000);
            if (written.get() == last) {
                stalledAtMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                break;
            }
            last = written.get();
        }
        long rssStalled = rssMiB();
        long sentBeforeStall = written.get();
        long liveStalled = child.process().liveHeapMiB().orElse(-1);
        writer.join(TimeUnit.SECONDS.toMillis(IDLE_TIMEOUT_S + 15));
        long rssAfter = rssMiB();
        s.close();
        System.out.printf("HostileLineIT.pipelining: %d PINGs attempted, never read; the writer stalled after %d "
                        + "(%d ms) - the gateway stopped reading; RSS before %d MiB, while stalled %d MiB, after %d MiB; "
                        + "live heap (after a full GC) before %d MiB, while stalled %d MiB; "
                        + "closed by the gateway (replies not taken for %d s): %s after %d ms%n", attempted,
                sentBeforeStall, stalledAtMs, rssBefore, rssStalled, rssAfter, liveBefore, liveStalled, IDLE_TIMEOUT_S,
                closedByGateway.get(), closedAtMs[0]);
        assertThat(sentBeforeStall).isLessThan(attempted);
        // what the gateway holds for the connection it no longer reads (before the fix: RSS 291 MiB -> 1.37 GiB)
        assertThat(liveStalled - liveBefore).as("live heap growth, MiB").isLessThan(64);
        assertThat(rssStalled).as("RSS, MiB").isLessThan(1000);
        assertThat(closedByGateway.get()).isTrue();
    }

    @Test
    @Order(4)
    void fiftyThousandRepeatedSequenceNumbersThenACloseCostAFewLinesOfLogAndNoStackTrace() throws Exception {
        int frames = 50_000;
        long logBefore = Files.size(child.process().log());
        SSLSocket s = open(CHUO);
        AtomicLong replyBytes = new AtomicLong();
        Thread reader = new Thread(() -> {
            try {
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    replyBytes.addAndGet(n);
                }
            } catch (IOException e) {
                // closed
            }
        });
        reader.setDaemon(true);
        reader.start();
        long input = 0;
        OutputStream out = s.getOutputStream();
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 1; i <= frames; i++) {
            byte[] f = ping(CHUO, "rs-" + i, 1); // the same seq every time: a regression each
            batch.write(f);
            input += f.length;
            if (i % 500 == 0) {
                out.write(batch.toByteArray());
                batch.reset();
            }
        }
        out.flush();
        s.close(); // at once, with replies still coming
        GatewayChildSleep.sleep(12_000); // past one interval of the aggregated warnings
        String all = log();
        String added = all.substring((int) Math.min(logBefore, all.length()));
        long logBytes = added.getBytes(StandardCharsets.UTF_8).length;
        long stackFrames = added.lines().filter(l -> l.startsWith("\tat ")).count();
        long sequenceLines = added.lines().filter(l -> l.contains("sequence")).count();
        System.out.printf("HostileLineIT.logAmplification: %d frames (%d bytes) with the same seq, then closed; "
                        + "log grew by %d bytes (%.5f bytes per input byte), %d lines about the sequence, %d stack-trace "
                        + "lines; replies read before the close: %d bytes%n---%n%s---%n", frames, input, logBytes,
                (double) logBytes / input, sequenceLines, stackFrames, replyBytes.get(), added);
        assertThat(stackFrames).isZero();
        assertThat(sequenceLines).as("one line, then one per 10 s").isBetween(1L, 12L);
        assertThat((double) logBytes / input).isLessThan(0.01);
    }

    @Test
    @Order(5)
    void oneConnectionOverTheCapPerCertificateIsAnsweredE503AndClosed() throws Exception {
        long auditBefore = child.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'CONNECTION' AND code = 'E503'");
        CountDownLatch opened = new CountDownLatch(PER_PEER);
        AtomicBoolean holding = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        Semaphore handshaking = new Semaphore(16);
        List<Thread> holders = new ArrayList<>();
        for (int i = 0; i < PER_PEER; i++) {
            int n = i;
            // each holds its connection open with a PING every 2 s (below the idle timeout)
            Thread t = new Thread(() -> {
                try {
                    handshaking.acquire();
                    SSLSocket s;
                    try {
                        s = open(SHINJUKU);
                    } finally {
                        handshaking.release();
                    }
                    try (s) {
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        boolean first = true;
                        for (long seq = 1; holding.get(); seq++) {
                            s.getOutputStream().write(ping(SHINJUKU, "hold-" + n + "-" + seq, seq));
                            in.readFully(new byte[in.readInt()]);
                            if (first) {
                                served.incrementAndGet();
                                opened.countDown();
                                first = false;
                            }
                            GatewayChildSleep.sleep(2000);
                        }
                    }
                } catch (Exception e) {
                    // not counted as opened
                }
            });
            t.setDaemon(true);
            t.start();
            holders.add(t);
        }
        try {
            assertThat(opened.await(90, TimeUnit.SECONDS)).as("%d connections served", PER_PEER).isTrue();
            long t0 = System.nanoTime();
            Reply reply;
            try (SSLSocket over = open(SHINJUKU)) {
                over.getOutputStream().write(ping(SHINJUKU, "over-1", 1));
                byte[] got = readToClose(over);
                reply = Reply.parse(Arrays.copyOfRange(got, 4, got.length));
            }
            long closedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("HostileLineIT.cap: %d connections of %s served; connection %d: %s %s '%s', "
                            + "closed after %d ms%n", served.get(), SHINJUKU, PER_PEER + 1, reply.status(), reply.code(),
                    reply.detail(), closedMs);
            assertThat(reply.status()).isEqualTo(Status.NACK);
            assertThat(reply.code().name()).isEqualTo("E503");
            assertThat(reply.inReplyTo()).isNull();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(child.queryLong(
                    "SELECT count(*) FROM audit.record WHERE msg_type = 'CONNECTION' AND code = 'E503'"))
                    .isEqualTo(auditBefore + 1));
        } finally {
            holding.set(false);
            for (Thread t : holders) {
                t.join(10_000);
            }
        }
    }

    /**
     * Review finding 3: frames read are bounded in bytes, not only in number. A CS pipelines 200
     * frames of 900 KiB behind an update the gateway is slow to answer (its store is locked):
     * every reply waits for that update's (request order), so all of them are unanswered. Before
     * the fix the gateway read up to 256 of them (≈ 225 MiB held for one connection; 16 connections
     * per certificate ≈ 3.6 GiB at -Xmx1g); now it stops reading past 4 MiB and the CS's writes stall.
     * Once the store is back every request is answered, in order, nothing lost.
     */
    @Test
    @Order(6)
    void largeFramesPipelinedBehindASlowAnswerStopTheReadingPastFourMiBAndAreAllAnsweredLater() throws Exception {
        int frames = 200;
        int size = 900 * 1024;
        String pad = "x".repeat(size);
        long liveBefore = child.process().liveHeapMiB().orElse(-1);
        long rssBefore = rssMiB();
        AtomicInteger written = new AtomicInteger();
        AtomicInteger replies = new AtomicInteger();
        AtomicInteger acked = new AtomicInteger();
        long stalledAtMs = -1;
        long liveStalled;
        long rssStalled;
        int sentBeforeStall;
        long t0 = System.nanoTime();
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://localhost:"
                + child.process().dbPort() + "/postgres", "postgres", child.process().dbPassword("postgres"));
             Statement st = db.createStatement();
             SSLSocket s = open(CHUO)) {
            db.setAutoCommit(false);
            // the update waits for the store: no reply on this connection can be written before its own
            st.execute("LOCK TABLE honnin.accepted_request IN ACCESS EXCLUSIVE MODE");
            s.getOutputStream().write(frame(Messages.update(CHUO, "MOVE_IN", Messages.person(CHUO)).toBytes()));
            Thread reader = new Thread(() -> {
                try {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    while (replies.get() < frames + 1) {
                        byte[] reply = new byte[in.readInt()];
                        in.readFully(reply);
                        if (Reply.parse(reply).status() == Status.ACK) {
                            acked.incrementAndGet();
                        }
                        replies.incrementAndGet();
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "large-frames-replies");
            reader.setDaemon(true);
            reader.start();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int i = 1; i <= frames; i++) {
                        // a valid envelope; the body holds what the update reader refuses (E110), after its turn
                        out.write(frame(("{\"v\":1,\"id\":\"lf-" + i + "\",\"type\":\"HONNIN_UPDATE\",\"sender\":\""
                                + CHUO + "\",\"seq\":" + i + ",\"sentAt\":\"2026-12-06T10:00:00+09:00\",\"body\":{\"pad\":\""
                                + pad + "\"}}").getBytes(StandardCharsets.UTF_8)));
                        written.set(i);
                    }
                    out.flush();
                } catch (IOException e) {
                    // closed
                }
            }, "large-frames-cs");
            writer.setDaemon(true);
            writer.start();
            int last = -1;
            while (writer.isAlive()) {
                GatewayChildSleep.sleep(2000);
                if (written.get() == last) {
                    stalledAtMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    break;
                }
                last = written.get();
            }
            sentBeforeStall = written.get();
            liveStalled = child.process().liveHeapMiB().orElse(-1);
            rssStalled = rssMiB();
            assertThat(replies.get()).as("replies while the store is locked").isZero();
            db.rollback(); // the store is back
            writer.join(TimeUnit.SECONDS.toMillis(120));
            reader.join(TimeUnit.SECONDS.toMillis(60));
        }
        long doneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("HostileLineIT.largeFrames: %d frames of %d KiB pipelined behind an update waiting for a "
                        + "locked store; the CS's writes stalled after %d frames (%.1f MiB, %d ms): the gateway stopped "
                        + "reading; live heap (after a full GC) before %d MiB, while stalled %d MiB; RSS before %d MiB, "
                        + "while stalled %d MiB; store back: all %d replies in %d ms (%d ACK)%n", frames, size / 1024,
                sentBeforeStall, sentBeforeStall * (size + 150.0) / MIB, stalledAtMs, liveBefore, liveStalled, rssBefore,
                rssStalled, replies.get(), doneMs, acked.get());
        // 4 MiB in the guard, the rest in socket and TLS buffers; before the fix all 200 (176 MiB) went in
        assertThat(sentBeforeStall).as("frames sent before the CS's writes stalled").isLessThan(40);
        assertThat(liveStalled - liveBefore).as("live heap growth, MiB").isLessThan(64);
        assertThat(written.get()).isEqualTo(frames);
        assertThat(replies.get()).isEqualTo(frames + 1);
        assertThat(acked.get()).isEqualTo(1);
    }

    /** Thread.sleep without the checked exception. */
    private static final class GatewayChildSleep {
        static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
