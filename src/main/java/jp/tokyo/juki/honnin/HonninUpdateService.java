package jp.tokyo.juki.honnin;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import jp.tokyo.juki.store.PersonTable;
import jp.tokyo.juki.store.UpdateBatch;
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
    /** @param dataSource connections of the honnin role */
    public HonninUpdateService(DataSource dataSource, Function<String, String> personKey) {
        super(dataSource, "honnin", personKey);
    }

    @Override
    protected Changes<HonninUpdate> begin(Connection c, List<Command<HonninUpdate>> batch, Instant now, LocalDate today)
            throws SQLException {
        Set<String> codes = new LinkedHashSet<>();
        batch.forEach(cmd -> codes.addAll(cmd.update().persons()));
        PersonTable<HonninRow>.Versions versions = HonninStore.TABLE.versions(HonninStore.TABLE.lockCurrent(c, codes));
        return new Changes<>() {
            @Override
            public Outcome apply(Command<HonninUpdate> cmd, long seq) {
                Request req = cmd.request();
                HonninUpdate u = cmd.update();
                String code = u.record().juminhyoCode();
                HonninRow former = versions.current(u.formerJuminhyoCode());
                String refusal = HonninLogicChecks.check(u, req.sender(), versions.current(code), former);
                if (refusal != null) {
                    return Outcome.refused(refusal);
                }
                versions.put(new HonninRow(u.record(), u.reason().name(), u.changeDate(),
                        KanaNormalizer.normalize(u.record().name().kana()), req.operator(), req.terminal(), now, today,
                        u.reason().kind() == Reason.Kind.DELETION, seq, req.sender(), req.id()), seq);
                if (former != null) {
                    // 住民票コードの変更: the former code's record ends, kept as deleted with its history
                    versions.put(new HonninRow(former.record(), u.reason().name(), u.changeDate(),
                            former.kanaNormalized(), req.operator(), req.terminal(), now, today, true, seq,
                            req.sender(), req.id()), seq);
                }
                return Outcome.applied(code, HonninNotice.body(req.sender(), req.id(), u).toString());
            }

            @Override
            public void write(Connection c) throws SQLException {
                versions.write(c, now);
            }
        };
    }
}
