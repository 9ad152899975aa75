package jp.tokyo.juki.fuhyo;

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
import jp.tokyo.juki.record.FuhyoUpdate;
import jp.tokyo.juki.record.KanaNormalizer;
import jp.tokyo.juki.record.Reason;
import jp.tokyo.juki.wire.Request;

/**
 * How a group of {@code FUHYO_UPDATE}s changes the fuhyo store: the logical checks, history,
 * new current rows and the {@code FUHYO_NOTICE} of each. Transaction, idempotency and outbox:
 * {@link UpdateBatch}.
 */
public final class FuhyoUpdateService extends UpdateBatch<FuhyoUpdate> {
    /** @param dataSource connections of the fuhyo role */
    public FuhyoUpdateService(DataSource dataSource, Function<String, String> personKey) {
        super(dataSource, "fuhyo", personKey);
    }

    @Override
    protected Changes<FuhyoUpdate> begin(Connection c, List<Command<FuhyoUpdate>> batch, Instant now, LocalDate today)
            throws SQLException {
        Set<String> codes = new LinkedHashSet<>();
        batch.forEach(cmd -> codes.addAll(cmd.update().persons()));
        PersonTable<FuhyoRow>.Versions versions = FuhyoStore.TABLE.versions(FuhyoStore.TABLE.lockCurrent(c, codes));
        return new Changes<>() {
            @Override
            public Outcome apply(Command<FuhyoUpdate> cmd, long seq) {
                Request req = cmd.request();
                FuhyoUpdate u = cmd.update();
                String code = u.record().juminhyoCode();
                FuhyoRow former = u.reason() == Reason.JUMINHYO_CODE_CHANGE
                        ? versions.current(u.record().formerJuminhyoCode()) : null;
                String refusal = FuhyoLogicChecks.check(u, req.sender(), versions.current(code), former);
                if (refusal != null) {
                    return Outcome.refused(refusal);
                }
                versions.put(new FuhyoRow(u.record(), u.reason().name(), u.changeDate(),
                        KanaNormalizer.normalize(u.record().name().kana()), req.operator(), req.terminal(), now, today,
                        "DELETION".equals(u.record().noticeKind()), seq, req.sender(), req.id()), seq);
                if (former != null) {
                    versions.put(new FuhyoRow(former.record(), u.reason().name(), u.changeDate(),
                            former.kanaNormalized(), req.operator(), req.terminal(), now, today, true, seq,
                            req.sender(), req.id()), seq);
                }
                return Outcome.applied(code, FuhyoNotice.body(req.sender(), req.id(), u).toString());
            }

            @Override
            public void write(Connection c) throws SQLException {
                versions.write(c, now);
            }
        };
    }
}
