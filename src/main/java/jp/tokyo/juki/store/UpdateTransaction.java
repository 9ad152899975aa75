package jp.tokyo.juki.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.sql.DataSource;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update transaction of one store: a group of checked update notifications applied in one
 * transaction, with what both stores share — idempotency by (sender, id), the 更新順番号
 * sequence, the transactional outbox of national notices, the accepted requests, and the
 * failure rule. How one update changes the store's rows is the store's part ({@link Begin};
 * {@link PersonUpdates} for a person table and its logical checks). A refusal answers only its
 * own request; if the transaction itself fails, each request is retried alone so one bad apple
 * cannot spoil the group, and what still fails is answered {@code E503} with nothing applied.
 *
 * <p>Each store's schema has the same four tables for this: {@code accepted_request},
 * {@code national_outbox}, the sequence {@code update_seq}, and its own person table.
 *
 * @param <U> the store's update (a checked request body)
 */
public final class UpdateTransaction<U> {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateTransaction.class);
    public static final ZoneId JST = ZoneId.of("Asia/Tokyo");

    /** One request waiting for its group's commit. */
    public record Command<U>(Request request, U update, CompletableFuture<Reply> reply) {
    }

    /** What one update did: refused by a logical check (E140), or applied with its national notice. */
    public sealed interface Outcome {
        static Outcome refused(String rule) {
            return new Refused(rule);
        }

        /** @param person the 住民票コード the notice is about (its notices keep their order) */
        static Outcome applied(String person, String notice) {
            return new Applied(person, notice);
        }

        /** @param rule the E140 detail */
        record Refused(String rule) implements Outcome {
        }

        /** @param notice the body of the national notice, for the outbox */
        record Applied(String person, String notice) implements Outcome {
        }
    }

    /** The store's side of one transaction: the rows it locked, the changes it gathers, and their write. */
    public interface Changes<U> {
        /** Checks one update against the state so far (the store and earlier updates of the group) and applies it. */
        Outcome apply(Command<U> command, long seq);

        /** Adds the writes of what {@link #apply} gathered (history, current rows) to the transaction's writes. */
        void write(RoundTrip writes);
    }

    /** How the store begins its side of a transaction. */
    @FunctionalInterface
    public interface Begin<U> {
        /**
         * Adds the locks and reads of the rows the batch touches to the transaction's reads, and returns the state
         * the updates are applied to once those have run.
         */
        Changes<U> begin(RoundTrip reads, List<Command<U>> batch, Instant now, LocalDate today);
    }

    private record RequestKey(String sender, String id) {
    }

    private record AcceptedReply(String code, String detail, String body) {
    }

    private final DataSource dataSource;
    private final String schema;
    private final Function<String, String> personKey;
    private final Begin<U> store;
    private final int dbTimeoutMs;

    /**
     * @param dataSource connections of the store's role
     * @param schema     the store's schema ({@code honnin}, {@code fuhyo})
     * @param personKey  keyed hash of a 住民票コード, to group a person's notices without naming them
     * @param store      how the store's rows change
     * @param dbTimeout  the longest one statement or COMMIT waits for the database ({@link jp.tokyo.juki.platform.DatabaseSettings#NETWORK_TIMEOUT})
     */
    public UpdateTransaction(DataSource dataSource, String schema, Function<String, String> personKey, Begin<U> store,
                             Duration dbTimeout) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.personKey = personKey;
        this.store = store;
        this.dbTimeoutMs = Math.toIntExact(dbTimeout.toMillis());
    }

    /** Applies the group and answers each of its requests (the group commit's batch processor). */
    public void process(List<Command<U>> batch) {
        try {
            List<Reply> replies = applyInOneTransaction(batch);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).reply().complete(replies.get(i));
            }
        } catch (CommitInDoubt e) {
            resolve(batch, e);
        } catch (SQLException | RuntimeException | AssertionError e) {
            // AssertionError: pgjdbc asserts on a connection killed mid-batch when run with -ea
            if (batch.size() > 1 && !unreachable(e)) {
                LOG.warn("{}: group of {} updates failed ({}); applying them one by one", schema, batch.size(), describe(e));
                applyOneByOne(batch);
            } else {
                LOG.warn("{}: {} update(s) not applied: store unavailable ({})", schema, batch.size(), describe(e));
                batch.forEach(c -> c.reply().complete(Reply.nack(c.request().id(), ReplyCode.E503, NOTHING_APPLIED)));
            }
        }
    }

    /** How long an update whose commit is in doubt waits for the store to say whether it was applied. */
    private static final Duration IN_DOUBT_WAIT = Duration.ofSeconds(10);

    private static final String NOTHING_APPLIED = "store unavailable; nothing was applied";
    private static final String IN_DOUBT =
            "store unavailable while committing; send it again later (answered DUPLICATE if it was applied)";

    /**
     * Each update alone, so one bad apple cannot spoil the group; once the store cannot even be
     * reached, the rest are answered E503 at once instead of each waiting for a connection (a
     * group of 256 waited 256 × the connect timeout, 20 minutes, for its E503s).
     */
    private void applyOneByOne(List<Command<U>> batch) {
        applyOneByOne(batch, NOTHING_APPLIED);
    }

    /** @param unavailable the E503 detail for an update the store did not take ({@link #IN_DOUBT} after a commit in doubt) */
    private void applyOneByOne(List<Command<U>> batch, String unavailable) {
        for (int i = 0; i < batch.size(); i++) {
            Command<U> c = batch.get(i);
            try {
                c.reply().complete(applyInOneTransaction(List.of(c)).get(0));
            } catch (SQLException | RuntimeException | AssertionError e) {
                if (e instanceof CommitInDoubt inDoubt) {
                    resolve(List.of(c), inDoubt);
                    continue;
                }
                LOG.warn("{}: update {} not applied: store unavailable ({})", schema, c.request().id(), describe(e));
                c.reply().complete(Reply.nack(c.request().id(), ReplyCode.E503, unavailable));
                if (unreachable(e)) {
                    batch.subList(i + 1, batch.size()).forEach(rest -> rest.reply().complete(Reply.nack(
                            rest.request().id(), ReplyCode.E503, unavailable)));
                    return;
                }
            }
        }
    }

    /**
     * The COMMIT got no answer, so the updates may have been applied and E503 ("nothing was
     * applied") could be false: once the store answers again (within 10 s) each is tried alone,
     * which answers DUPLICATE for what the commit did apply; otherwise their E503 says they may
     * have been. Found by DatabaseOutageUnderLoadIT: a database shut down during a COMMIT had
     * applied it, and the gateway had answered E503 "nothing was applied".
     */
    private void resolve(List<Command<U>> batch, CommitInDoubt e) {
        LOG.warn("{}: commit of {} update(s) in doubt ({}); answering once the store says whether it was applied",
                schema, batch.size(), describe(e.getCause()));
        if (awaitStore(IN_DOUBT_WAIT)) {
            // should the store fail again meanwhile, those updates are still in doubt
            applyOneByOne(batch, IN_DOUBT);
        } else {
            // the one case where E503 cannot promise "nothing was applied"; resending is safe either way
            LOG.warn("{}: {} update(s) answered E503 with their commit in doubt", schema, batch.size());
            batch.forEach(c -> c.reply().complete(Reply.nack(c.request().id(), ReplyCode.E503, IN_DOUBT)));
        }
    }

    /** No connection could be had at all: nothing was tried. */
    private static boolean unreachable(Throwable e) {
        return e instanceof SQLTransientConnectionException;
    }

    /** Waits until the store gives a connection again, or {@code wait} has passed. */
    private boolean awaitStore(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            // a real round trip: the pool hands out a recently used connection without checking it
            try (Connection c = dataSource.getConnection()) {
                if (c.isValid(2)) {
                    return true;
                }
                throw new SQLException("connection not valid");
            } catch (SQLException e) {
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /** The COMMIT itself failed: the transaction may or may not have been applied. */
    private static final class CommitInDoubt extends RuntimeException {
        CommitInDoubt(SQLException cause) {
            super(cause);
        }
    }

    private List<Reply> applyInOneTransaction(List<Command<U>> batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            // a read that waits longer fails and closes the connection (the pool resets the timeout on return)
            c.setNetworkTimeout(Runnable::run, dbTimeoutMs);
            c.setAutoCommit(false);
            List<Reply> replies;
            try {
                replies = apply(c, batch);
            } catch (SQLException | RuntimeException | AssertionError e) {
                rollbackQuietly(c);
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                throw new CommitInDoubt(e);
            }
            return replies;
        }
    }

    /**
     * Three round trips to the database (decision 37): the reads (idempotency lookup, the persons' locks and rows,
     * the sequence numbers), the writes (history, current rows, outbox, accepted requests), then the COMMIT.
     */
    private List<Reply> apply(Connection c, List<Command<U>> batch) throws SQLException {
        Instant now = Instant.now();
        Set<RequestKey> keys = new LinkedHashSet<>();
        batch.forEach(cmd -> keys.add(new RequestKey(cmd.request().sender(), cmd.request().id())));
        RoundTrip reads = new RoundTrip();
        // every read of the transaction is by key (decision 38): never a scan of a table, whatever its statistics say
        reads.execute("SET LOCAL enable_seqscan = off", 0, (ps, i) -> { });
        Map<RequestKey, AcceptedReply> acceptedBefore = findAccepted(reads, keys);
        Changes<U> changes = store.begin(reads, batch, now, LocalDate.now(JST));
        long[] seqs = nextSeqs(reads, batch.size());
        reads.run(c);

        Map<RequestKey, Reply> acceptedNow = new LinkedHashMap<>();
        List<String[]> outbox = new ArrayList<>();
        List<Reply> replies = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Command<U> cmd = batch.get(i);
            Request req = cmd.request();
            RequestKey key = new RequestKey(req.sender(), req.id());
            AcceptedReply earlier = acceptedBefore.get(key);
            if (earlier != null) {
                replies.add(duplicateOf(req.id(), earlier));
                continue;
            }
            if (acceptedNow.containsKey(key)) {
                replies.add(acceptedNow.get(key).asDuplicate());
                continue;
            }
            Outcome outcome = changes.apply(cmd, seqs[i]);
            if (outcome instanceof Outcome.Refused refused) {
                replies.add(Reply.nack(req.id(), ReplyCode.E140, refused.rule()));
                continue;
            }
            Outcome.Applied applied = (Outcome.Applied) outcome;
            outbox.add(new String[]{personKey.apply(applied.person()), req.sender(), req.id(), applied.notice()});
            Reply ack = Reply.ack(req.id(), "applied", Json.MAPPER.createObjectNode());
            acceptedNow.put(key, ack);
            replies.add(ack);
        }
        RoundTrip writes = new RoundTrip();
        changes.write(writes);
        // the outbox in the group's order: its ids keep each person's notices in the order they were applied
        writes.insert("INSERT INTO " + schema + ".national_outbox (person_key, origin_sender, origin_id, notice) VALUES ",
                4, outbox, (ps, first, e) -> {
                    for (int k = 0; k < 4; k++) {
                        ps.setString(first + k, e[k]);
                    }
                }, "");
        Timestamp at = Timestamp.from(now);
        writes.insert("INSERT INTO " + schema + ".accepted_request (sender, request_id, code, detail, reply_body, "
                + "accepted_at) VALUES ", 6, acceptedNow.entrySet(), (ps, first, a) -> {
                    ps.setString(first, a.getKey().sender());
                    ps.setString(first + 1, a.getKey().id());
                    ps.setString(first + 2, a.getValue().code().name());
                    ps.setString(first + 3, a.getValue().detail());
                    ps.setString(first + 4, a.getValue().body().toString());
                    ps.setTimestamp(first + 5, at);
                }, "");
        writes.run(c);
        return replies;
    }

    /** The earlier replies of requests of the batch already accepted, filled once {@code reads} has run. */
    private Map<RequestKey, AcceptedReply> findAccepted(RoundTrip reads, Collection<RequestKey> keys) {
        Map<RequestKey, AcceptedReply> found = new HashMap<>();
        // one probe of the primary key per request (LATERAL … LIMIT 1 is not flattened into a join of the whole table)
        reads.query("SELECT a.sender, a.request_id, a.code, a.detail, a.reply_body "
                + "FROM unnest(?::text[], ?::text[]) AS k(sender, request_id), LATERAL (SELECT * FROM " + schema
                + ".accepted_request r WHERE r.sender = k.sender::bpchar AND r.request_id = k.request_id LIMIT 1) a",
                2, (ps, i) -> {
                    ps.setArray(i, ps.getConnection().createArrayOf("text", keys.stream().map(RequestKey::sender).toArray()));
                    ps.setArray(i + 1, ps.getConnection().createArrayOf("text", keys.stream().map(RequestKey::id).toArray()));
                }, rs -> {
                    while (rs.next()) {
                        found.put(new RequestKey(rs.getString(1), rs.getString(2)),
                                new AcceptedReply(rs.getString(3), rs.getString(4), rs.getString(5)));
                    }
                });
        return found;
    }

    /** {@code n} numbers of the 更新順番号 sequence, filled once {@code reads} has run. */
    private long[] nextSeqs(RoundTrip reads, int n) {
        long[] seqs = new long[n];
        reads.query("SELECT nextval('" + schema + ".update_seq') FROM generate_series(1, ?)", 1, (ps, i) -> ps.setInt(i, n),
                rs -> {
                    for (int i = 0; i < n && rs.next(); i++) {
                        seqs[i] = rs.getLong(1);
                    }
                });
        return seqs;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the transaction is gone with it
        }
    }

    private static Reply duplicateOf(String id, AcceptedReply earlier) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(earlier.body());
        } catch (IOException e) {
            body = Json.MAPPER.createObjectNode();
        }
        return new Reply(id, Status.DUPLICATE, ReplyCode.valueOf(earlier.code()), "already accepted", body);
    }

    private static String describe(Throwable e) {
        return e instanceof SQLException s ? "SQLState " + s.getSQLState() : e.getClass().getSimpleName();
    }
}
