package jp.tokyo.juki.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Status;

/**
 * A CS running the consistency check (整合) against the gateway, with a result it knows in
 * advance: the municipality's deterministic {@link ResidentSet} of {@code records} persons,
 * optionally first loaded into the store as entries over the wire ({@code --load}), then sent
 * as {@code CONSISTENCY_RECORDS} with a share {@code drift} of deliberate differences — a third
 * changed in known items, a third left out (missing at the CS), and as many again extra persons
 * the store has never seen (missing in the store). The outcome is exact only when the gateway
 * names exactly those persons and items, and matches everyone else.
 */
public final class ConsistencySimulator {

    /**
     * @param records persons in the municipality's set
     * @param drift   share of deliberate differences, 0 … 1
     * @param load    send the set as entries first (MOVE_IN; fuhyo: EX_OFFICIO_ENTRY), so the store holds it
     * @param chunk   records per CONSISTENCY_RECORDS (at most 1,000)
     * @param window  chunks in flight before waiting for replies
     * @param prepare generate every chunk before CONSISTENCY_BEGIN (the benchmark: the CS's own work
     *                stays out of the measured time and off the shared cores); otherwise while sending
     */
    public record Options(String host, int port, String municipality, String municipalityName, Store store,
                          int records, double drift, boolean load, long seed, int chunk, int window,
                          int loadConnections, boolean prepare) {
        public Options {
            if (drift < 0 || drift > 1) {
                throw new IllegalArgumentException("drift must be between 0 and 1");
            }
            if (chunk < 1 || chunk > 1000) {
                throw new IllegalArgumentException("chunk must be 1 to 1000 records");
            }
        }
    }

    /** What was loaded, what the check answered, and whether that was exactly the planted drift. */
    public record Outcome(Store store, int records, long loadAcked, long loadAlreadyThere, Map<String, Long> loadRefused,
                          long sent, Expected expected, Counts got, List<String> problems, int parts,
                          Duration check, Duration load) {
        public boolean exact() {
            return problems.isEmpty();
        }

        public double recordsPerSecond() {
            return sent / Math.max(0.001, check.toNanos() / 1e9);
        }

        /** A few lines for the console: counts and codes of replies only, no personal data. */
        public String report() {
            StringBuilder sb = new StringBuilder();
            if (load != null) {
                sb.append(String.format("load: %d entries sent as %s, %d ACK, %d already there (E140), refused %s, %.1f s%n",
                        records, store.updateType(), loadAcked, loadAlreadyThere, loadRefused, load.toNanos() / 1e9));
            }
            sb.append(String.format("check %s: %d records sent in %.2f s (%.0f records/s), result in %d part(s)%n",
                    store, sent, check.toNanos() / 1e9, recordsPerSecond(), parts));
            sb.append(String.format("  expected: matched %d, differing %d, missing in store %d, missing at CS %d%n",
                    expected.matched(), expected.differing().size(), expected.missingInStore().size(),
                    expected.missingAtCs().size()));
            sb.append(String.format("  got:      matched %d, differing %d, missing in store %d, missing at CS %d%n",
                    got.matched(), got.differing(), got.missingInStore(), got.missingAtCs()));
            sb.append(exact() ? "  result EXACT\n" : "  result WRONG: " + String.join("; ", problems) + "\n");
            return sb.toString();
        }
    }

    /** The result the planted drift must produce. */
    public record Expected(long matched, Map<String, List<String>> differing, List<String> missingInStore,
                           List<String> missingAtCs) {
    }

    public record Counts(long matched, long differing, long missingInStore, long missingAtCs) {
    }

    private final SSLContext tls;
    private final Options options;
    private final ResidentSet set;
    private final String runId;
    private final PlantedDrift plan;
    private final RequestFrames frames;

    public ConsistencySimulator(SSLContext tls, Options options) {
        this.tls = tls;
        this.options = options;
        this.set = new ResidentSet(options.municipality(), options.municipalityName(), options.seed());
        this.runId = Long.toString(new Random().nextLong() & 0xffffffffffL, 36);
        this.plan = new PlantedDrift(set, options.records(), options.drift(), options.store());
        this.frames = new RequestFrames(options.municipality(), runId);
    }

    public Outcome run() throws IOException, InterruptedException {
        long loadAcked = 0;
        long already = 0;
        Map<String, Long> refused = new TreeMap<>();
        Duration loadTime = null;
        if (options.load()) {
            long t0 = System.nanoTime();
            Map<String, AtomicLong> codes = new EntryLoad(options, tls, plan, frames).run();
            loadTime = Duration.ofNanos(System.nanoTime() - t0);
            for (Map.Entry<String, AtomicLong> e : codes.entrySet()) {
                switch (e.getKey()) {
                    case "I000" -> loadAcked = e.getValue().get();
                    case "E140" -> already = e.getValue().get();
                    default -> refused.put(e.getKey(), e.getValue().get());
                }
            }
        }
        Expected expected = plan.expected();
        List<String> problems = new ArrayList<>();
        if (!refused.isEmpty()) {
            problems.add("load refused " + refused);
        }
        CheckAnswer check = check(problems);
        Counts got = check.compareWith(expected, problems);
        return new Outcome(options.store(), options.records(), loadAcked, already, refused, check.sent, expected, got,
                problems, check.parts, check.elapsed, loadTime);
    }

    private CheckAnswer check(List<String> problems) throws IOException, InterruptedException {
        CheckAnswer check = new CheckAnswer();
        String session = "sim-" + runId;
        int total = options.records() + plan.extras();
        long expectedCount = 0;
        for (long i = 0; i < options.records(); i++) {
            expectedCount += plan.fate(i) == ResidentSet.VARIANTS ? 0 : 1;
        }
        long expectedRecords = expectedCount + plan.extras();
        Iterator<Chunk> chunks = new Chunks(session);
        if (options.prepare()) {
            // a CS has its extract ready before it begins; generating it here would take the gateway's cores
            List<Chunk> all = new ArrayList<>();
            chunks.forEachRemaining(all::add);
            chunks = new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < all.size();
                }

                @Override
                public Chunk next() {
                    Chunk c = all.get(next);
                    all.set(next++, null); // sent: let it go
                    return c;
                }
            };
        }
        try (FrameClient client = FrameClient.connect(options.host(), options.port(), tls)) {
            long t0 = System.nanoTime();
            String beginId = frames.id("begin");
            Reply begin = await(client.sendRaw(beginId, frames.frame(beginId, "CONSISTENCY_BEGIN", g -> {
                g.writeStringField("store", options.store().name());
                g.writeStringField("session", session);
                g.writeNumberField("expected", expectedRecords);
            })));
            if (!isAck(begin, "CONSISTENCY_BEGIN", problems)) {
                return check;
            }
            Semaphore window = new Semaphore(options.window());
            AtomicReference<String> refused = new AtomicReference<>();
            List<CompletableFuture<Reply>> inFlight = new ArrayList<>();
            while (chunks.hasNext() && refused.get() == null) {
                Chunk chunk = chunks.next();
                window.acquire();
                check.sent += chunk.records();
                CompletableFuture<Reply> f = client.sendRaw(chunk.id(), chunk.frame());
                f.whenComplete((reply, error) -> {
                    window.release();
                    if (error != null || reply.status() != Status.ACK) {
                        refused.compareAndSet(null, "chunk " + chunk.number() + ": " + (error != null ? "no reply"
                                : reply.code() + " " + reply.detail()));
                    }
                });
                inFlight.add(f);
                inFlight.removeIf(CompletableFuture::isDone);
            }
            for (CompletableFuture<Reply> f : inFlight) {
                await(f);
            }
            if (refused.get() != null) {
                problems.add(refused.get());
                return check;
            }
            String endId = frames.id("end");
            Reply first = await(client.sendRaw(endId, frames.frame(endId, "CONSISTENCY_END",
                    g -> g.writeStringField("session", session))), 600);
            if (!isAck(first, "CONSISTENCY_END", problems)) {
                return check;
            }
            check.parts = first.body().has("parts") ? first.body().get("parts").asInt() : 1;
            check.add(first.body(), problems);
            for (int p = 1; p < check.parts; p++) {
                int part = p;
                String partId = frames.id("end-" + p);
                Reply next = await(client.sendRaw(partId, frames.frame(partId, "CONSISTENCY_END", g -> {
                    g.writeStringField("session", session);
                    g.writeNumberField("part", part);
                })));
                if (!isAck(next, "CONSISTENCY_END part " + p, problems)) {
                    return check;
                }
                if (next.body().path("part").asInt(-1) != p) {
                    problems.add("part " + p + " answered as part " + next.body().path("part").asInt(-1));
                }
                check.add(next.body(), problems);
            }
            check.elapsed = Duration.ofNanos(System.nanoTime() - t0);
        }
        return check;
    }

    /** One CONSISTENCY_RECORDS frame, ready to send. */
    private record Chunk(int number, String id, byte[] frame, int records) {
    }

    /** The CS's set in chunks, in the CS's order (person 0, 1, … then the extras), left-out persons skipped. */
    private final class Chunks implements Iterator<Chunk> {
        private final String session;
        private final int total = options.records() + plan.extras();
        private long i;
        private int number;
        private Chunk next;

        Chunks(String session) {
            this.session = session;
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = make();
            }
            return next != null;
        }

        @Override
        public Chunk next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Chunk c = next;
            next = null;
            return c;
        }

        private Chunk make() {
            List<Long> persons = new ArrayList<>(options.chunk());
            List<Integer> fates = new ArrayList<>(options.chunk());
            while (persons.size() < options.chunk() && i < total) {
                int fate = i < options.records() ? plan.fate(i) : -1;
                if (fate != ResidentSet.VARIANTS) {
                    persons.add(i);
                    fates.add(fate);
                }
                i++;
            }
            if (persons.isEmpty()) {
                return null;
            }
            int n = number++;
            String id = frames.id("chunk-" + n);
            try {
                return new Chunk(n, id, frames.frame(id, "CONSISTENCY_RECORDS", g -> {
                    g.writeStringField("session", session);
                    g.writeNumberField("chunk", n);
                    g.writeArrayFieldStart("records");
                    for (int k = 0; k < persons.size(); k++) {
                        plan.writeRecord(g, persons.get(k), fates.get(k));
                    }
                    g.writeEndArray();
                }), persons.size());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static boolean isAck(Reply reply, String what, List<String> problems) {
        if (reply == null) {
            problems.add(what + ": no reply");
            return false;
        }
        if (reply.status() != Status.ACK) {
            problems.add(what + ": " + reply.code() + " " + reply.detail());
            return false;
        }
        return true;
    }


    private static Reply await(CompletableFuture<Reply> f) {
        return await(f, 120);
    }

    private static Reply await(CompletableFuture<Reply> f, int seconds) {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }
}
