package jp.tokyo.juki.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.MessageType;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;

/**
 * A municipal CS sending a realistic mix of HONNIN_UPDATE notifications for its own residents
 * over one or more pipelined connections, optionally at a fixed rate, and — on request — a set
 * of deliberately bad messages, each of which must be refused with its own code. Every person
 * stays on one connection, so the order of their changes is the order the gateway sees.
 */
public final class CsSimulator {
    private static final ZoneId JST = ZoneId.of("Asia/Tokyo");
    private static final int WINDOW = 64;

    /**
     * @param rate  updates per second over all connections; 0 sends as fast as replies allow
     * @param bad   whether to finish with the deliberately bad messages
     * @param store HONNIN (HONNIN_UPDATE for residents) or FUHYO (FUHYO_UPDATE for the annexes it keeps)
     */
    public record Options(String host, int port, String municipality, String municipalityName, int count,
                          double rate, int connections, boolean bad, long seed, String store) {
        public Options(String host, int port, String municipality, String municipalityName, int count, double rate,
                       int connections, boolean bad, long seed) {
            this(host, port, municipality, municipalityName, count, rate, connections, bad, seed, "HONNIN");
        }

        boolean fuhyo() {
            return "FUHYO".equals(store);
        }
    }

    /** One deliberately bad message: what was wrong, the code expected and the code received. */
    public record BadOutcome(String what, String expected, String received) {
        public boolean asExpected() {
            return expected.equals(received);
        }
    }

    public record Result(String municipality, long sent, long acked, long duplicates, Map<String, Long> nackByCode,
                         long failed, Latencies latency, List<String> ackedIds, long orderViolations,
                         List<BadOutcome> bad, Duration elapsed, Map<String, Long> nackByDetail) {
        public double ackRate() {
            return acked / Math.max(0.001, elapsed.toNanos() / 1e9);
        }
    }

    private final SSLContext tls;
    private final Options options;
    private final String runId;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, AtomicLong> nacks = new ConcurrentHashMap<>();
    /** refusals by code and detail (a detail never holds personal data, PROTOCOL §2.3) */
    private final Map<String, AtomicLong> nackDetails = new ConcurrentHashMap<>();
    private final Latencies latency = new Latencies();
    private final List<String> ackedIds = Collections.synchronizedList(new ArrayList<>());

    public CsSimulator(SSLContext tls, Options options) {
        this.tls = tls;
        this.options = options;
        this.runId = Long.toString(new Random(options.seed()).nextLong() & 0xffffffffffL, 36);
    }

    /** Requests sent so far, while {@link #run} runs (progress reports of long runs). */
    public long sentSoFar() {
        return sent.get();
    }

    /** Requests answered ACK so far, while {@link #run} runs. */
    public long ackedSoFar() {
        return acked.get();
    }

    public Result run() throws IOException, InterruptedException {
        List<FrameClient> clients = new ArrayList<>();
        try {
            for (int c = 0; c < options.connections(); c++) {
                clients.add(FrameClient.connect(options.host(), options.port(), tls));
            }
            // the offered rate's clock starts once every connection is up: started before the handshakes, a CS at a
            // fixed rate would send the handshakes' time worth of updates in one burst (its own queue, not the gateway's)
            long start = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients.size(); c++) {
                int share = options.count() / clients.size() + (c < options.count() % clients.size() ? 1 : 0);
                FrameClient client = clients.get(c);
                Population population = new Population(options.municipality(), options.municipalityName(),
                        options.seed() * 31 + c);
                int conn = c;
                Thread t = new Thread(() -> sendShare(client, population, conn, share, start), "cs-sim-" + c);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            long violations = clients.stream().mapToLong(FrameClient::orderViolations).sum();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            List<BadOutcome> bad = options.bad() ? sendBadMessages(clients.get(0)) : List.of();
            Map<String, Long> byCode = new TreeMap<>();
            nacks.forEach((k, v) -> byCode.put(k, v.get()));
            Map<String, Long> byDetail = new TreeMap<>();
            nackDetails.forEach((k, v) -> byDetail.put(k, v.get()));
            return new Result(options.municipality(), sent.get(), acked.get(), duplicates.get(), byCode, failed.get(),
                    latency, List.copyOf(ackedIds), violations, bad, elapsed, byDetail);
        } finally {
            clients.forEach(FrameClient::close);
        }
    }

    private void sendShare(FrameClient client, Population population, int conn, int share, long start) {
        Semaphore window = new Semaphore(WINDOW);
        double perConnRate = options.rate() <= 0 ? 0 : options.rate() / options.connections();
        List<CompletableFuture<Reply>> inFlight = new ArrayList<>();
        try {
            for (int n = 0; n < share; n++) {
                if (perConnRate > 0) {
                    long due = start + (long) (n * 1e9 / perConnRate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                window.acquire();
                Population.Change change = options.fuhyo() ? population.nextFuhyo() : population.next();
                Request request = update(options.fuhyo() ? MessageType.FUHYO_UPDATE : MessageType.HONNIN_UPDATE, conn + "-" + n,
                        change.reason(), change.record(),
                        change.reason().equals("BIRTH") ? LocalDate.parse(change.person().birthDate) : today());
                long t0 = System.nanoTime();
                sent.incrementAndGet();
                // what is waited for at the end is the counting, not only the reply: get() on the reply
                // alone may return before its whenComplete action has counted it
                CompletableFuture<Reply> f = client.send(request).whenComplete((reply, error) -> {
                    window.release();
                    long micros = (System.nanoTime() - t0) / 1000;
                    if (micros > 300_000 && System.getenv("JUKI_SIM_TRACE_SLOW") != null) {
                        System.err.printf("slow reply %d ms sent at +%.3f s%n", micros / 1000, (t0 - start) / 1e9);
                    }
                    count(request.id(), reply, error, micros, t0 - start);
                });
                inFlight.add(f);
                if (inFlight.size() > 10_000) {
                    inFlight.removeIf(CompletableFuture::isDone);
                }
            }
            for (CompletableFuture<Reply> f : inFlight) {
                try {
                    f.get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // counted in whenComplete
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void count(String id, Reply reply, Throwable error, long micros, long sentAt) {
        if (error != null) {
            failed.incrementAndGet();
            return;
        }
        if (reply.status() == Status.ACK) {
            acked.incrementAndGet();
            ackedIds.add(id);
            latency.add(micros, sentAt);
        } else if (reply.status() == Status.DUPLICATE) {
            duplicates.incrementAndGet();
        } else {
            nacks.computeIfAbsent(reply.code().name(), k -> new AtomicLong()).incrementAndGet();
            nackDetails.computeIfAbsent(reply.code().name() + " " + reply.detail(), k -> new AtomicLong())
                    .incrementAndGet();
        }
    }

    /** Requests that must each be refused with a particular code (and one that must be DUPLICATE). */
    private List<BadOutcome> sendBadMessages(FrameClient client) throws IOException {
        Population population = new Population(options.municipality(), options.municipalityName(), options.seed() + 7);
        List<BadOutcome> outcomes = new ArrayList<>();
        Population.Person person = population.newPerson(false);

        ObjectNode wrongDigit = population.record(person);
        String mn = person.myNumber;
        wrongDigit.put("myNumber", mn.substring(0, 11) + (char) ('0' + (mn.charAt(11) - '0' + 1) % 10));
        outcomes.add(expect(client, "My Number with a wrong check digit", "E120",
                update("bad-1", "MOVE_IN", wrongDigit, today())));

        ObjectNode unknownItem = population.record(person);
        unknownItem.put("bloodType", "A");
        outcomes.add(expect(client, "an item the law does not let a CS send", "E110",
                update("bad-2", "MOVE_IN", unknownItem, today())));

        String other = options.municipality().equals("131016") ? "131024" : "131016";
        Request wrongSender = new Request(id("bad-3"), MessageType.HONNIN_UPDATE, other, seq.incrementAndGet(), now(), null, null,
                body("MOVE_IN", population.record(person), today()));
        outcomes.add(expect(client, "sender other than the certificate's municipality", "E130", wrongSender));

        Request foreign = new Request(id("bad-4"), MessageType.HONNIN_UPDATE, "271004", seq.incrementAndGet(), now(), null, null,
                body("MOVE_IN", population.record(person), today()));
        outcomes.add(expect(client, "municipality outside Tokyo", "E131", foreign));

        outcomes.add(expect(client, "death of a person who is not a resident", "E140",
                update("bad-5", "DEATH", population.record(population.newPerson(false)), today())));

        Request unknownType = new Request(id("bad-6"), "HONNIN_GOSSIP", options.municipality(), seq.incrementAndGet(),
                now(), null, null, Json.MAPPER.createObjectNode());
        outcomes.add(expect(client, "unknown message type", "E102", unknownType));

        ObjectNode v2 = update("bad-7", "MOVE_IN", population.record(person), today()).toJson();
        v2.put("v", 2);
        outcomes.add(expectRaw(client, "protocol version 2", "E101", v2.get("id").asText(),
                v2.toString().getBytes(StandardCharsets.UTF_8)));

        Request good = update("bad-8", "MOVE_IN", population.record(person), today());
        Reply first = await(client.send(good));
        if (first != null && first.status() == Status.ACK) {
            acked.incrementAndGet();
            ackedIds.add(good.id());
        }
        outcomes.add(expect(client, "the same (sender, id) again", "DUPLICATE", good));

        // what a name may not hold, and a person changed before being born (E110; nothing is stored)
        ObjectNode override = population.record(population.newPerson(false));
        override.with("name").put("kanji", "山田\u202E郎太");
        outcomes.add(expect(client, "a name with a right-to-left override (U+202E)", "E110",
                update("bad-9", "MOVE_IN", override, today())));
        ObjectNode zeroWidth = population.record(population.newPerson(false));
        zeroWidth.with("name").put("kanji", "山\u200B田 太郎");
        outcomes.add(expect(client, "a name with a zero-width space", "E110",
                update("bad-10", "MOVE_IN", zeroWidth, today())));
        ObjectNode blank = population.record(population.newPerson(false));
        blank.with("name").put("kanji", "\u3000 ");
        outcomes.add(expect(client, "a name of only spaces", "E110", update("bad-11", "MOVE_IN", blank, today())));
        ObjectNode unborn = population.record(population.newPerson(false));
        unborn.put("birthDate", today().plusDays(1).toString());
        outcomes.add(expect(client, "a birth date after the change date", "E110",
                update("bad-12", "MOVE_IN", unborn, today())));
        // half a surrogate pair can only be written as an escape: Jackson will not write one
        Request lone = update("bad-13", "MOVE_IN", population.record(population.newPerson(false)), today());
        String loneJson = lone.toJson().toString().replaceFirst("\"kanji\":\"[^\"]*\"", "\"kanji\":\"\\\\ud800\"");
        outcomes.add(expectRaw(client, "a lone surrogate (\\ud800) in name.kanji", "E110", lone.id(),
                loneJson.getBytes(StandardCharsets.UTF_8)));
        // an unknown member named with what looks like a name, a My Number and an address, with CR/LF/ESC:
        // refused, and named in the reply by position only
        ObjectNode planted = update("bad-14", "MOVE_IN", population.record(person), today()).toJson();
        planted.put("山田太郎 123456789018 東京都千代田区\r\n\u001B[2J", 1);
        outcomes.add(expectRaw(client, "an unknown member named with personal data and control characters", "E110",
                planted.get("id").asText(), planted.toString().getBytes(StandardCharsets.UTF_8)));

        // frames that are no UTF-8 JSON, each of an otherwise valid update: E100, and each closes its connection
        byte[] good8 = update("bad-15", "MOVE_IN", population.record(population.newPerson(false)), today()).toBytes();
        String goodJson = new String(good8, StandardCharsets.UTF_8);
        int slash = goodJson.indexOf("\"text\":\"") + 8; // the start of address.text
        byte[] head = goodJson.substring(0, slash).getBytes(StandardCharsets.UTF_8);
        byte[] tail = goodJson.substring(slash).getBytes(StandardCharsets.UTF_8);
        byte[] overlong = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, overlong, 0, head.length);
        overlong[head.length] = (byte) 0xC0; // an overlong "/"
        overlong[head.length + 1] = (byte) 0xAF;
        System.arraycopy(tail, 0, overlong, head.length + 2, tail.length);
        for (Object[] frame : new Object[][]{{"a frame that is not JSON", "this is not json".getBytes(StandardCharsets.UTF_8)},
                {"a frame in UTF-16LE", goodJson.getBytes(StandardCharsets.UTF_16LE)},
                {"a frame in UTF-16 with a byte order mark", goodJson.getBytes(StandardCharsets.UTF_16)},
                {"a frame with an overlong UTF-8 form (C0 AF)", overlong}}) {
            try (FrameClient throwaway = FrameClient.connect(options.host(), options.port(), tls)) {
                outcomes.add(expectRaw(throwaway, (String) frame[0], "E100", null, (byte[]) frame[1]));
            }
        }
        return outcomes;
    }

    private BadOutcome expect(FrameClient client, String what, String expected, Request request) {
        return expectRaw(client, what, expected, request.id(), request.toBytes());
    }

    private BadOutcome expectRaw(FrameClient client, String what, String expected, String id, byte[] payload) {
        sent.incrementAndGet();
        Reply reply = await(client.sendRaw(id, payload));
        String received;
        if (reply == null) {
            received = "no reply";
            failed.incrementAndGet();
        } else if (reply.status() == Status.DUPLICATE) {
            received = "DUPLICATE";
            duplicates.incrementAndGet();
        } else {
            received = reply.code().name();
            if (reply.status() == Status.NACK) {
                nacks.computeIfAbsent(received, k -> new AtomicLong()).incrementAndGet();
            } else {
                acked.incrementAndGet();
            }
        }
        return new BadOutcome(what, expected, received);
    }

    private static Reply await(CompletableFuture<Reply> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    private Request update(String suffix, String reason, ObjectNode record, LocalDate changeDate) {
        return update(MessageType.HONNIN_UPDATE, suffix, reason, record, changeDate);
    }

    private Request update(MessageType type, String suffix, String reason, ObjectNode record, LocalDate changeDate) {
        return new Request(id(suffix), type, options.municipality(), seq.incrementAndGet(), now(),
                "op-0001", "term-01", body(reason, record, changeDate));
    }

    /**
     * The bodies of the HONNIN_UPDATEs one connection of this simulator sends (the same mix of moves in, moves,
     * corrections and deletions), for a benchmark that applies them without the CS line ({@code bench updates
     * --db-limit}).
     */
    public static Supplier<ObjectNode> honninBodies(String municipality, String municipalityName, long seed) {
        Population population = new Population(municipality, municipalityName, seed);
        return () -> {
            Population.Change change = population.next();
            return body(change.reason(), change.record(),
                    change.reason().equals("BIRTH") ? LocalDate.parse(change.person().birthDate) : today());
        };
    }

    private static ObjectNode body(String reason, ObjectNode record, LocalDate changeDate) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("record", record);
        body.put("reason", reason);
        body.put("changeDate", changeDate.toString());
        return body;
    }

    private String id(String suffix) {
        return "sim-" + runId + "-" + suffix;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.ofHours(9));
    }

    private static LocalDate today() {
        return LocalDate.now(JST);
    }
}
