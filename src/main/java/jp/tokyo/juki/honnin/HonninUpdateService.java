package jp.tokyo.juki.honnin;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import jp.tokyo.juki.platform.UpdateBatch;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.record.KanaNormalizer;
import jp.tokyo.juki.record.Reason;
import jp.tokyo.juki.wire.Request;

/**
 * How a group of {@code HONNIN_UPDATE}s changes the honnin store: the logical checks against
 * the store and against earlier updates of the same group, the superseded versions kept as
 * history, the new current rows, and the {@code HONNIN_NOTICE} of each. Transaction,
 * idempotency and outbox: {@link UpdateBatch}.
 */
public final class HonninUpdateService extends UpdateBatch<HonninUpdate> {
    private final HonninStore store = new HonninStore();

    /** @param dataSource connections of the honnin role */
    public HonninUpdateService(DataSource dataSource, Function<String, String> personKey) {
        super(dataSource, "honnin", personKey);
    }

    @Override
    protected Changes<HonninUpdate> begin(Connection c, List<Command<HonninUpdate>> batch, Instant now, LocalDate today)
            throws SQLException {
        Set<String> codes = new LinkedHashSet<>();
        for (Command<HonninUpdate> cmd : batch) {
            codes.add(cmd.update().record().juminhyoCode());
            if (cmd.update().formerJuminhyoCode() != null) {
                codes.add(cmd.update().formerJuminhyoCode());
            }
        }
        Map<String, HonninRow> state = new HashMap<>(store.lockCurrent(c, codes));
        Map<String, HonninRow> finalRows = new LinkedHashMap<>();
        List<HonninRow> history = new ArrayList<>();
        List<Long> supersededBy = new ArrayList<>();
        return new Changes<>() {
            @Override
            public Outcome apply(Command<HonninUpdate> cmd, long seq) {
                Request req = cmd.request();
                HonninUpdate u = cmd.update();
                String code = u.record().juminhyoCode();
                HonninRow current = state.get(code);
                HonninRow former = u.formerJuminhyoCode() == null ? null : state.get(u.formerJuminhyoCode());
                String refusal = HonninLogicChecks.check(u, req.sender(), current, former);
                if (refusal != null) {
                    return Outcome.refused(refusal);
                }
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
                return Outcome.applied(code, HonninNotice.body(req.sender(), req.id(), u).toString());
            }

            @Override
            public void write(Connection c) throws SQLException {
                store.insertHistory(c, history, supersededBy, now);
                store.upsert(c, finalRows.values());
            }
        };
    }
}
