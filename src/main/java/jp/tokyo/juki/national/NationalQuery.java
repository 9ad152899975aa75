package jp.tokyo.juki.national;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditSink;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.Municipalities;
import jp.tokyo.juki.record.Violation;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.MessageType;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 機構への照会 (SPEC R-NQ): asks the national server ({@code HONNIN_QUERY}) or the fuhyo national
 * server ({@code FUHYO_QUERY}) for a person by 住民票コード, My Number (honnin only) or the 4
 * items, over mutual TLS, and tells the caller plainly what came of it — one record, none,
 * several, the server could not be asked, or the key was refused. A query never takes longer
 * than {@code juki.national.query-timeout-ms}.
 *
 * <p>Each query is audited twice on line {@code national}, direction {@code out}: when it is sent
 * (status {@code SENT}, detail: key kind and requester) and with its answer (the reply's status and
 * code, detail: outcome and count, persons: the queried 住民票コード and those found — as keyed hashes).
 * A key refused before sending gets one record with status {@code REFUSED}. Neither logs nor
 * details carry personal data.
 */
public final class NationalQuery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NationalQuery.class);
    private static final Pattern REQUESTER = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /** A peer's text keeps only these characters ({@link #peerText}), and no run of six digits or more. */
    private static final Pattern NOT_PLAIN = Pattern.compile("[^A-Za-z0-9 ._:\\[\\]-]");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{6,}");

    /** What came of a query. */
    public enum Result {
        /** exactly one person matched; {@link Outcome#record()} is the record */
        FOUND,
        /** nobody matched */
        NOT_FOUND,
        /** more than one person matched (a 4-item key that is not specific enough); all are in the records */
        SEVERAL,
        /** no connection, no answer within the timeout, {@code E503}, or an answer that could not be read: ask later */
        UNAVAILABLE,
        /** the key (or requester) was refused: before sending, or by the server ({@code E110}, …); do not repeat as is */
        REFUSED
    }

    /** Which national server is asked, and what its records are. */
    public static final class Store<R> {
        /** The national server: honnin records (PROTOCOL §3.1). */
        public static final Store<HonninRecord> HONNIN = new Store<>(MessageType.HONNIN_QUERY, Identities.NATIONAL, true,
                NationalRecords::honnin, HonninRecord::juminhyoCode);
        /** The fuhyo national server: fuhyo records (PROTOCOL §3.2), never a My Number. */
        public static final Store<FuhyoRecord> FUHYO = new Store<>(MessageType.FUHYO_QUERY, Identities.NATIONAL_FUHYO, false,
                NationalRecords::fuhyo, FuhyoRecord::juminhyoCode);

        private interface Reader<R> {
            R read(JsonNode record, String path) throws Violation;
        }

        private final MessageType queryType;
        private final String peer;
        private final boolean takesMyNumber;
        private final Reader<R> reader;
        private final Function<R, String> code;

        private Store(MessageType queryType, String peer, boolean takesMyNumber, Reader<R> reader, Function<R, String> code) {
            this.queryType = queryType;
            this.peer = peer;
            this.takesMyNumber = takesMyNumber;
            this.reader = reader;
            this.code = code;
        }

        public MessageType queryType() {
            return queryType;
        }

        /** The identity the server must present. */
        public String peer() {
            return peer;
        }

        public boolean takesMyNumber() {
            return takesMyNumber;
        }

        @Override
        public String toString() {
            return queryType.name();
        }
    }

    /**
     * @param queryId the envelope id (also in the audit), assigned even when nothing was sent
     * @param records the records the server answered (empty unless FOUND or SEVERAL)
     * @param code    the reply code, or the code this gateway gives a refusal or outage of its own
     *                ({@code E110}/{@code E120} for a key refused before sending, {@code E503} for no answer)
     * @param detail  why, for REFUSED and UNAVAILABLE (items and rules, never values); else outcome and count
     */
    public record Outcome<R>(Result result, String queryId, List<R> records, String code, String detail) {
        public Outcome {
            records = List.copyOf(records);
        }

        /** The one record of a FOUND outcome. */
        public R record() {
            if (result != Result.FOUND) {
                throw new IllegalStateException("no single record: " + result);
            }
            return records.get(0);
        }

        /** Outcome and count only: records are personal data. */
        @Override
        public String toString() {
            return "Outcome[" + result + ", " + queryId + ", " + records.size() + " record(s), " + code + "]";
        }
    }

    /** Where one national server listens. */
    public record Server(String host, int port) {
    }

    /** Both servers and how long a query may take, from {@code juki.national.*} and {@code juki.national-fuhyo.*}. */
    public record Settings(Server honnin, Server fuhyo, Duration timeout) {
        public static Settings from(GatewayConfig config) {
            return new Settings(new Server(config.get(NationalSettings.HOST), config.get(NationalSettings.PORT)),
                    new Server(config.get(NationalSettings.FUHYO_HOST), config.get(NationalSettings.FUHYO_PORT)),
                    config.get(NationalSettings.QUERY_TIMEOUT));
        }
    }

    private final Duration timeout;
    private final QueryLine honnin;
    private final QueryLine fuhyo;
    private final AuditSink audit;
    private final ExecutorService connector;
    private final AtomicLong seq = new AtomicLong();

    /**
     * @param honninTls presents {@code gateway} and admits only {@code national}
     * @param fuhyoTls  presents {@code gateway} and admits only {@code national-fuhyo}
     */
    public NationalQuery(Settings settings, SSLContext honninTls, SSLContext fuhyoTls, AuditSink audit) {
        this.timeout = settings.timeout();
        this.audit = audit;
        this.connector = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "national-query-connect");
            t.setDaemon(true);
            return t;
        });
        this.honnin = new QueryLine(settings.honnin().host(), settings.honnin().port(), honninTls, connector);
        this.fuhyo = new QueryLine(settings.fuhyo().host(), settings.fuhyo().port(), fuhyoTls, connector);
    }

    /** With the TLS contexts of this installation's keys, as the notice delivery makes them. */
    public static NationalQuery create(KeyMaterial keys, Settings settings, AuditSink audit)
            throws IOException, GeneralSecurityException {
        return new NationalQuery(settings,
                keys.sslContext(Identities.GATEWAY, Identities.exactly(Identities.NATIONAL), Identities.NATIONAL),
                keys.sslContext(Identities.GATEWAY, Identities.exactly(Identities.NATIONAL_FUHYO), Identities.NATIONAL_FUHYO),
                audit);
    }

    /**
     * Asks {@code store}'s national server for the persons {@code key} finds. Never throws for
     * what the network or the server does, and returns within the configured timeout.
     *
     * @param requester who asks (an operator id, an agency identity): 1–64 of {@code [A-Za-z0-9._:-]};
     *                  sent as the envelope's {@code operator} and kept in the audit
     */
    public <R> Outcome<R> query(Store<R> store, QueryKey key, String requester) {
        return query(store, key, requester, UnaryOperator.identity());
    }

    /**
     * An operator's query ({@link #query(Store, QueryKey, String)} with the operator as requester):
     * each of its audit records also names the operator, the terminal and the stated reason.
     */
    public <R> Outcome<R> query(Store<R> store, QueryKey key, Asker asker) {
        return query(store, key, asker.operator(),
                draft -> draft.operator(asker.operator()).terminal(asker.terminal()).reason(asker.reason()));
    }

    /**
     * An operator who asks, as the operator API knows them.
     *
     * @param operator the operator's ID (sent as the envelope's {@code operator})
     * @param terminal the terminal of their session
     * @param reason   the purpose they stated
     */
    public record Asker(String operator, String terminal, String reason) {
    }

    private <R> Outcome<R> query(Store<R> store, QueryKey key, String requester, UnaryOperator<AuditEvent.Draft> by) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String id = "NQ-" + UUID.randomUUID();
        if (requester == null || !REQUESTER.matcher(requester).matches()) {
            return refusedBeforeSending(store, id, ReplyCode.E110, "requester: 1-64 characters [A-Za-z0-9._:-]", null, by);
        }
        try {
            QueryKeyRules.check(key, store);
        } catch (Violation v) {
            return refusedBeforeSending(store, id, v.rule() == Violation.Rule.CHECK_DIGIT ? ReplyCode.E120 : ReplyCode.E110,
                    v.detail(), requester, by);
        }
        List<String> asked = key instanceof QueryKey.JuminhyoCode c ? List.of(c.code()) : List.of();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("key", key.toJson());
        Request request = new Request(id, store.queryType(), Municipalities.PREFECTURE_CODE, seq.incrementAndGet(),
                OffsetDateTime.now(ZoneOffset.ofHours(9)), requester, null, body);
        audit.record(by.apply(AuditEvent.out(AuditLine.NATIONAL, store.peer(), store.queryType()).id(id)
                .sender(Municipalities.PREFECTURE_CODE).status(AuditStatus.SENT)
                .detail("key " + key.kind() + ", requester " + requester).persons(asked)));
        QueryLine line = store == Store.FUHYO ? fuhyo : honnin;
        Outcome<R> outcome;
        AuditStatus status;
        FrameClient client = null;
        try {
            client = line.connection().get(remaining(deadline), TimeUnit.NANOSECONDS);
            Reply reply = client.send(request).get(remaining(deadline), TimeUnit.NANOSECONDS);
            if (!id.equals(reply.inReplyTo())) {
                line.drop(client);
                outcome = unavailable(id, ReplyCode.E503.name(), "answer to another request");
            } else {
                outcome = interpret(store, id, reply);
            }
            status = AuditStatus.of(reply.status());
        } catch (TimeoutException e) {
            status = client == null ? AuditStatus.NO_CONNECTION : AuditStatus.NO_REPLY;
            if (client != null) {
                line.drop(client);
            }
            outcome = unavailable(id, ReplyCode.E503.name(), (client == null ? "no connection" : "no answer") + " within "
                    + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            status = client == null ? AuditStatus.NO_CONNECTION : AuditStatus.NO_REPLY;
            if (client != null) {
                line.drop(client);
            }
            outcome = unavailable(id, ReplyCode.E503.name(), (client == null ? "no connection to " + line.where()
                    : "connection lost") + " (" + rootCause(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = AuditStatus.NO_REPLY;
            outcome = unavailable(id, ReplyCode.E503.name(), "interrupted");
        }
        if (outcome.result() == Result.UNAVAILABLE) {
            LOG.warn("{} {} to {}: unavailable ({})", store.queryType(), id, line.where(), outcome.detail());
        }
        Set<String> persons = new LinkedHashSet<>(asked);
        outcome.records().forEach(r -> persons.add(store.code.apply(r)));
        audit.record(by.apply(AuditEvent.out(AuditLine.NATIONAL, store.peer(), store.queryType()).id(id)
                .sender(Municipalities.PREFECTURE_CODE).status(status).code(outcome.code()).detail(summary(outcome))
                .persons(List.copyOf(persons))));
        return outcome;
    }

    private <R> Outcome<R> interpret(Store<R> store, String id, Reply reply) {
        if (reply.status() == Status.NACK) {
            return reply.code() == ReplyCode.E503
                    ? unavailable(id, reply.code().name(), "server cannot serve now: " + peerText(reply.detail()))
                    : new Outcome<>(Result.REFUSED, id, List.of(), reply.code().name(),
                    "refused by the server: " + peerText(reply.detail()));
        }
        JsonNode records = reply.body().get("records");
        if (records == null || !records.isArray()) {
            return unavailable(id, reply.code().name(), "answer not readable: body.records: required array");
        }
        List<R> read = new ArrayList<>(records.size());
        try {
            for (int i = 0; i < records.size(); i++) {
                read.add(store.reader.read(records.get(i), "body.records[" + i + "]"));
            }
        } catch (Violation v) {
            // the detail names a member the server sent, which could be anything: cleaned like the server's own text
            return unavailable(id, reply.code().name(), "answer not readable: " + peerText(v.detail()));
        }
        Result result = read.isEmpty() ? Result.NOT_FOUND : read.size() == 1 ? Result.FOUND : Result.SEVERAL;
        return new Outcome<>(result, id, read, reply.code().name(), result + " " + read.size());
    }

    /**
     * Text the national server controls, made fit for a log line, an audit detail and the
     * operator's screen: identifier characters only (a detail that is not what PROTOCOL §2.3
     * promises — item and rule — loses whatever else it carried), runs of six or more digits
     * (a 住民票コード or My Number echoed back) replaced by {@code #}, at most 120 characters.
     */
    static String peerText(String text) {
        if (text == null) {
            return "";
        }
        String kept = DIGITS.matcher(NOT_PLAIN.matcher(text).replaceAll("?")).replaceAll("#");
        return kept.length() > 120 ? kept.substring(0, 120) + "…" : kept;
    }

    private <R> Outcome<R> refusedBeforeSending(Store<R> store, String id, ReplyCode code, String why, String requester,
                                                UnaryOperator<AuditEvent.Draft> by) {
        Outcome<R> outcome = new Outcome<>(Result.REFUSED, id, List.of(), code.name(), why);
        // the requester is named only once it is known to be an identifier (it could be anything otherwise)
        audit.record(by.apply(AuditEvent.out(AuditLine.NATIONAL, store.peer(), store.queryType()).id(id)
                .sender(Municipalities.PREFECTURE_CODE).status(AuditStatus.REFUSED).code(code)
                .detail(summary(outcome) + ", not sent" + (requester == null ? "" : ", requester " + requester))));
        return outcome;
    }

    private static <R> Outcome<R> unavailable(String id, String code, String why) {
        return new Outcome<>(Result.UNAVAILABLE, id, List.of(), code, why);
    }

    /** The audit detail: outcome and count, and for a refusal or an outage why (items and rules only). */
    private static String summary(Outcome<?> o) {
        String head = o.result() + " " + o.records().size();
        return o.result() == Result.REFUSED || o.result() == Result.UNAVAILABLE ? head + ": " + o.detail() : head;
    }

    private static long remaining(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    private static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName();
    }

    @Override
    public void close() {
        honnin.close();
        fuhyo.close();
        connector.shutdown();
    }
}
