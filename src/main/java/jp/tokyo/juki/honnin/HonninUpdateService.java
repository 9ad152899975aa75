package jp.tokyo.juki.honnin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import javax.sql.DataSource;
import jp.tokyo.juki.honnin.HonninStore.Accepted;
import jp.tokyo.juki.honnin.HonninStore.AcceptedReply;
import jp.tokyo.juki.honnin.HonninStore.OutboxEntry;
import jp.tokyo.juki.honnin.HonninStore.RequestKey;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.record.KanaNormalizer;
import jp.tokyo.juki.record.Reason;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Reply;
import jp.tokyo.juki.wire.ReplyCode;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a group of checked update notifications in one transaction: idempotency, logical
 * checks against the store (and against earlier requests of the same group), history, the new
 * current rows, the outbox of national notices and the accepted (sender, id) — then answers
 * each request. A refusal answers only its own request; if the transaction itself fails, each
 * request is retried alone so one bad apple cannot spoil the group, and what still fails is
 * answered {@code E503} with nothing applied.
 */
public final class HonninUpdateService {
    private static final Logger LOG = LoggerFactory.getLogger(HonninUpdateService.class);
    static final ZoneId JST = ZoneId.of("Asia/Tokyo");

    /** One request waiting for its group's commit. */
    public record Command(Request request, HonninUpdate update, CompletableFuture<Reply> reply) {
    }

    private final DataSource dataSource;
    private final HonninStore store = new HonninStore();
    private final Function<String, String> personKey;

    /** @param personKey keyed hash of a 住民票コード, to group a person's notices without naming them */
    public HonninUpdateService(DataSource dataSource, Function<String, String> personKey) {
        this.dataSource = dataSource;
        this.personKey = personKey;
    }

    public void process(List<Command> batch) {
        try {
            List<Reply> replies = applyInOneTransaction(batch);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).reply().complete(replies.get(i));
            }
        } catch (SQLException | RuntimeException | AssertionError e) {
            // AssertionError: pgjdbc asserts on a connection killed mid-batch when run with -ea
            if (batch.size() > 1) {
                LOG.warn("group of {} updates failed ({}); applying them one by one", batch.size(), describe(e));
                for (Command c : batch) {
                    process(List.of(c));
                }
            } else {
                LOG.warn("update {} not applied: store unavailable ({})", batch.get(0).request().id(), describe(e));
                batch.get(0).reply().complete(Reply.nack(batch.get(0).request().id(), ReplyCode.E503,
                        "store unavailable; nothing was applied"));
            }
        }
    }

    private List<Reply> applyInOneTransaction(List<Command> batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Reply> replies = apply(c, batch);
                c.commit();
                return replies;
            } catch (SQLException | RuntimeException | AssertionError e) {
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    private List<Reply> apply(Connection c, List<Command> batch) throws SQLException {
        Instant now = Instant.now();
        LocalDate today = LocalDate.now(JST);
        Set<RequestKey> keys = new LinkedHashSet<>();
        Set<String> codes = new LinkedHashSet<>();
        for (Command cmd : batch) {
            keys.add(new RequestKey(cmd.request().sender(), cmd.request().id()));
            codes.add(cmd.update().record().juminhyoCode());
            if (cmd.update().formerJuminhyoCode() != null) {
                codes.add(cmd.update().formerJuminhyoCode());
            }
        }
        Map<RequestKey, AcceptedReply> acceptedBefore = store.findAccepted(c, keys);
        Map<String, HonninRow> state = new HashMap<>(store.lockCurrent(c, codes));
        long[] seqs = store.nextSeqs(c, batch.size());

        Map<RequestKey, Reply> acceptedNow = new HashMap<>();
        Map<String, HonninRow> finalRows = new LinkedHashMap<>();
        List<HonninRow> history = new ArrayList<>();
        List<Long> supersededBy = new ArrayList<>();
        List<OutboxEntry> outbox = new ArrayList<>();
        List<Accepted> accepted = new ArrayList<>();
        List<Reply> replies = new ArrayList<>(batch.size());

        for (int i = 0; i < batch.size(); i++) {
            Command cmd = batch.get(i);
            Request req = cmd.request();
            HonninUpdate u = cmd.update();
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
            String code = u.record().juminhyoCode();
            HonninRow current = state.get(code);
            HonninRow former = u.formerJuminhyoCode() == null ? null : state.get(u.formerJuminhyoCode());
            String refusal = HonninLogicChecks.check(u, req.sender(), current, former);
            if (refusal != null) {
                replies.add(Reply.nack(req.id(), ReplyCode.E140, refusal));
                continue;
            }
            long seq = seqs[i];
            HonninRow next = new HonninRow(u.record(), u.reason().name(), u.changeDate(),
                    KanaNormalizer.normalize(u.record().name().kana()), req.operator(), req.terminal(), now, today,
                    u.reason().kind() == Reason.Kind.DELETION, seq, req.sender(), req.id());
            if (current != null) {
                history.add(current);
                supersededBy.add(seq);
            }
            state.put(code, next);
            finalRows.put(code, next);
            if (former != null) {
                // 住民票コードの変更: the former code's record ends, kept as deleted with its history
                history.add(former);
                supersededBy.add(seq);
                HonninRow ended = new HonninRow(former.record(), u.reason().name(), u.changeDate(),
                        former.kanaNormalized(), req.operator(), req.terminal(), now, today, true, seq,
                        req.sender(), req.id());
                state.put(former.juminhyoCode(), ended);
                finalRows.put(former.juminhyoCode(), ended);
            }
            outbox.add(new OutboxEntry(personKey.apply(code), req.sender(), req.id(),
                    HonninNotice.body(req.sender(), req.id(), u).toString()));
            Reply ack = Reply.ack(req.id(), "applied", Json.MAPPER.createObjectNode());
            accepted.add(new Accepted(key, ack.code().name(), ack.detail(), ack.body().toString()));
            acceptedNow.put(key, ack);
            replies.add(ack);
        }
        store.insertHistory(c, history, supersededBy, now);
        store.upsert(c, finalRows.values());
        store.insertOutbox(c, outbox);
        store.insertAccepted(c, accepted, now);
        return replies;
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
