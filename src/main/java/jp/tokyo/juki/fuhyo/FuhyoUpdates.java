package jp.tokyo.juki.fuhyo;

import java.time.Duration;
import java.util.function.Function;
import javax.sql.DataSource;
import jp.tokyo.juki.record.FuhyoUpdate;
import jp.tokyo.juki.record.KanaNormalizer;
import jp.tokyo.juki.record.Reason;
import jp.tokyo.juki.store.PersonUpdates;
import jp.tokyo.juki.store.UpdateTransaction;

/**
 * The fuhyo store's update service: the update transaction of {@code fuhyo.person} with the
 * fuhyo logical checks ({@link FuhyoLogicChecks}) and the {@code FUHYO_NOTICE} of each
 * {@code FUHYO_UPDATE} ({@link FuhyoNotice}). Transaction, idempotency and outbox:
 * {@link UpdateTransaction}; history and the group's state: {@link PersonUpdates}.
 */
public final class FuhyoUpdates {
    private FuhyoUpdates() {
    }

    /**
     * @param dataSource connections of the fuhyo role
     * @param personKey  keyed hash of a 住民票コード: the outbox keeps each person's notices in order by it
     * @param dbTimeout  {@link jp.tokyo.juki.platform.DatabaseSettings#NETWORK_TIMEOUT}
     */
    public static UpdateTransaction<FuhyoUpdate> transaction(DataSource dataSource, Function<String, String> personKey,
                                                        Duration dbTimeout) {
        PersonUpdates.Rules<FuhyoUpdate, FuhyoRow> rules = new PersonUpdates.Rules<>(FuhyoUpdates::change,
                FuhyoLogicChecks::check,
                (u, stamp) -> new FuhyoRow(u.record(), KanaNormalizer.normalize(u.record().name().kana()), stamp),
                (former, stamp) -> new FuhyoRow(former.record(), former.kanaNormalized(), stamp),
                FuhyoNotice::body);
        return new UpdateTransaction<>(dataSource, "fuhyo", personKey, new PersonUpdates<>(FuhyoStore.TABLE, rules),
                dbTimeout);
    }

    /**
     * The notice kind, not the reason, says whether the person leaves the annex; the record
     * names the former code of a code change.
     */
    private static PersonUpdates.Change change(FuhyoUpdate u) {
        return new PersonUpdates.Change(u.record().juminhyoCode(),
                u.reason() == Reason.JUMINHYO_CODE_CHANGE ? u.record().formerJuminhyoCode() : null,
                u.reason(), u.changeDate(), "DELETION".equals(u.record().noticeKind()));
    }
}
