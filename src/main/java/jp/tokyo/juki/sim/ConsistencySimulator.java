package jp.tokyo.juki.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Json;
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
    private static final ZoneId JST = ZoneId.of("Asia/Tokyo");
    private static final int LOAD_WINDOW = 256;
    /** salts of {@link ResidentSet#roll}: which persons drift, and which change they get */
    private static final long DRIFT = 7;
    private static final long VARIANT = 8;

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
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();

    public ConsistencySimulator(SSLContext tls, Options options) {
        this.tls = tls;
        this.options = options;
        this.set = new ResidentSet(options.municipality(), options.municipalityName(), options.seed());
        this.runId = Long.toString(new Random().nextLong() & 0xffffffffffL, 36);
    }

    public Outcome run() throws IOException, InterruptedException {
        long loadAcked = 0;
        long already = 0;
        Map<String, Long> refused = new TreeMap<>();
        Duration loadTime = null;
        if (options.load()) {
            long t0 = System.nanoTime();
            Map<String, AtomicLong> codes = load();
            loadTime = Duration.ofNanos(System.nanoTime() - t0);
            for (Map.Entry<String, AtomicLong> e : codes.entrySet()) {
                switch (e.getKey()) {
                    case "I000" -> loadAcked = e.getValue().get();
                    case "E140" -> already = e.getValue().get();
                    default -> refused.put(e.getKey(), e.getValue().get());
                }
            }
        }
        Expected expected = expected();
        List<String> problems = new ArrayList<>();
        if (!refused.isEmpty()) {
            problems.add("load refused " + refused);
        }
        Check check = check(problems);
        Counts got = check.compareWith(expected, problems);
        return new Outcome(options.store(), options.records(), loadAcked, already, refused, check.sent, expected, got,
                problems, check.parts, check.elapsed, loadTime);
    }

    // ------------------------------------------------------------------ the planted drift

    private int extras() {
        return (int) Math.round(options.records() * options.drift() / 3);
    }

    /** -1: sent as stored; 0 … VARIANTS-1: sent changed; VARIANTS: left out. */
    private int fate(long i) {
        double roll = set.roll(i, DRIFT);
        double third = options.drift() / 3;
        if (roll < third) {
            return (int) (set.roll(i, VARIANT) * ResidentSet.VARIANTS);
        }
        return roll < 2 * third ? ResidentSet.VARIANTS : -1;
    }

    private Expected expected() {
        Map<String, List<String>> differing = new TreeMap<>();
        List<String> missingAtCs = new ArrayList<>();
        List<String> missingInStore = new ArrayList<>();
        long matched = 0;
        for (long i = 0; i < options.records(); i++) {
            int fate = fate(i);
            if (fate < 0) {
                matched++;
            } else if (fate == ResidentSet.VARIANTS) {
                missingAtCs.add(set.code(i));
            } else {
                List<String> items = new ArrayList<>(options.store() == Store.HONNIN
                        ? ResidentSet.honninItems(fate) : ResidentSet.fuhyoItems(fate));
                Collections.sort(items);
                differing.put(set.code(i), items);
            }
        }
        for (long i = options.records(); i < options.records() + extras(); i++) {
            missingInStore.add(set.code(i));
        }
        Collections.sort(missingAtCs);
        Collections.sort(missingInStore);
        return new Expected(matched, differing, missingInStore, missingAtCs);
    }

    private void writeRecord(JsonGenerator g, long i, int fate) throws IOException {
        if (options.store() == Store.HONNIN) {
            HonninRecord r = set.honnin(i);
            ResidentSet.write(g, fate >= 0 && fate < ResidentSet.VARIANTS ? ResidentSet.variant(r, fate) : r);
        } else {
            FuhyoRecord r = set.fuhyo(i);
            ResidentSet.write(g, fate >= 0 && fate < ResidentSet.VARIANTS ? ResidentSet.variant(r, fate) : r);
        }
    }

    // ------------------------------------------------------------------ --load: the set as entries

    private Map<String, AtomicLong> load() throws IOException, InterruptedException {
        Map<String, AtomicLong> codes = new ConcurrentHashMap<>();
        int connections = Math.max(1, options.loadConnections());
        List<FrameClient> clients = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                clients.add(FrameClient.connect(options.host(), options.port(), tls));
            }
            List<Thread> threads = new ArrayList<>();
            AtomicReference<IOException> failure = new AtomicReference<>();
            for (int c = 0; c < connections; c++) {
                FrameClient client = clients.get(c);
                int first = c;
                Thread t = new Thread(() -> {
                    try {
                        loadShare(client, first, connections, codes);
                    } catch (IOException e) {
                        failure.set(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "cs-load-" + c);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw failure.get();
            }
        } finally {
            clients.forEach(FrameClient::close);
        }
        return codes;
    }

    private void loadShare(FrameClient client, int first, int step, Map<String, AtomicLong> codes)
            throws IOException, InterruptedException {
        Semaphore window = new Semaphore(LOAD_WINDOW);
        String today = LocalDate.now(JST).toString();
        for (long i = first; i < options.records(); i += step) {
            long person = i;
            window.acquire();
            String id = id("load-" + i);
            byte[] frame = frame(id, options.store().updateType(), g -> {
                g.writeFieldName("record");
                writeRecord(g, person, -1);
                // an annex is entered with the family register (ex officio; the person may be abroad),
                // a resident by moving in
                g.writeStringField("reason", options.store() == Store.FUHYO ? "EX_OFFICIO_ENTRY" : "MOVE_IN");
                g.writeStringField("changeDate", today);
            });
            client.sendRaw(id, frame).whenComplete((reply, error) -> {
                String code = error != null ? "no reply" : reply.status() == Status.DUPLICATE ? "DUPLICATE" : reply.code().name();
                codes.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
                // released after counting: acquiring the whole window below then means every reply is counted
                window.release();
            });
        }
        window.acquire(LOAD_WINDOW);
    }

    // ------------------------------------------------------------------ the check

    /** What the gateway answered, gathered over all parts. */
    private static final class Check {
        long sent;
        int parts;
        Duration elapsed = Duration.ZERO;
        long matched = -1;
        final Map<String, List<String>> differing = new TreeMap<>();
        final List<String> missingInStore = new ArrayList<>();
        final List<String> missingAtCs = new ArrayList<>();

        void add(JsonNode body, List<String> problems) {
            matched = body.path("matched").asLong(-1);
            for (JsonNode d : body.path("differing")) {
                List<String> items = new ArrayList<>();
                d.path("items").forEach(n -> items.add(n.asText()));
                Collections.sort(items);
                if (differing.put(d.path("juminhyoCode").asText(), items) != null) {
                    problems.add("a differing person named twice");
                }
            }
            body.path("missingInStore").forEach(n -> missingInStore.add(n.asText()));
            body.path("missingAtCs").forEach(n -> missingAtCs.add(n.asText()));
        }

        Counts compareWith(Expected e, List<String> problems) {
            Collections.sort(missingInStore);
            Collections.sort(missingAtCs);
            if (matched != e.matched()) {
                problems.add("matched " + matched + ", expected " + e.matched());
            }
            if (!differing.equals(e.differing())) {
                long wrong = e.differing().entrySet().stream()
                        .filter(x -> !x.getValue().equals(differing.get(x.getKey()))).count();
                long unexpected = differing.keySet().stream().filter(k -> !e.differing().containsKey(k)).count();
                problems.add("differing: " + wrong + " expected persons missing or with other items, " + unexpected
                        + " persons not expected");
            }
            if (!missingInStore.equals(e.missingInStore())) {
                problems.add("missingInStore: " + missingInStore.size() + " named, " + e.missingInStore().size()
                        + " expected, not the same");
            }
            if (!missingAtCs.equals(e.missingAtCs())) {
                problems.add("missingAtCs: " + missingAtCs.size() + " named, " + e.missingAtCs().size()
                        + " expected, not the same");
            }
            return new Counts(matched, differing.size(), missingInStore.size(), missingAtCs.size());
        }
    }

    private Check check(List<String> problems) throws IOException, InterruptedException {
        Check check = new Check();
        String session = "sim-" + runId;
        int total = options.records() + extras();
        long expectedCount = 0;
        for (long i = 0; i < options.records(); i++) {
            expectedCount += fate(i) == ResidentSet.VARIANTS ? 0 : 1;
        }
        long expectedRecords = expectedCount + extras();
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
            String beginId = id("begin");
            Reply begin = await(client.sendRaw(beginId, frame(beginId, "CONSISTENCY_BEGIN", g -> {
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
            String endId = id("end");
            Reply first = await(client.sendRaw(endId, frame(endId, "CONSISTENCY_END",
                    g -> g.writeStringField("session", session))), 600);
            if (!isAck(first, "CONSISTENCY_END", problems)) {
                return check;
            }
            check.parts = first.body().has("parts") ? first.body().get("parts").asInt() : 1;
            check.add(first.body(), problems);
            for (int p = 1; p < check.parts; p++) {
                int part = p;
                String partId = id("end-" + p);
                Reply next = await(client.sendRaw(partId, frame(partId, "CONSISTENCY_END", g -> {
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
        private final int total = options.records() + extras();
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
                int fate = i < options.records() ? fate(i) : -1;
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
            String id = id("chunk-" + n);
            try {
                return new Chunk(n, id, frame(id, "CONSISTENCY_RECORDS", g -> {
                    g.writeStringField("session", session);
                    g.writeNumberField("chunk", n);
                    g.writeArrayFieldStart("records");
                    for (int k = 0; k < persons.size(); k++) {
                        writeRecord(g, persons.get(k), fates.get(k));
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

    // ------------------------------------------------------------------ frames

    private interface BodyWriter {
        void write(JsonGenerator g) throws IOException;
    }

    /** One request frame, written straight to bytes: a million records are not built as JSON trees. */
    private byte[] frame(String id, String type, BodyWriter body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(type.equals("CONSISTENCY_RECORDS") ? 512 * 1024 : 1024);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", 1);
            g.writeStringField("id", id);
            g.writeStringField("type", type);
            g.writeStringField("sender", options.municipality());
            g.writeNumberField("seq", seq.incrementAndGet());
            g.writeStringField("sentAt", OffsetDateTime.now(ZoneOffset.ofHours(9)).toString());
            g.writeObjectFieldStart("body");
            body.write(g);
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private String id(String suffix) {
        return "cc-" + runId + "-" + suffix + "-" + ids.incrementAndGet();
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
