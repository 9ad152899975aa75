package jp.tokyo.juki.honnin;

import java.time.Duration;
import java.util.function.Function;
import javax.sql.DataSource;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.record.KanaNormalizer;
import jp.tokyo.juki.record.Reason;
import jp.tokyo.juki.store.PersonUpdates;
import jp.tokyo.juki.store.UpdateTransaction;

/**
 * The honnin store's update service (R-UPD): the update transaction of {@code honnin.resident}
 * with the honnin logical checks ({@link HonninLogicChecks}) and the {@code HONNIN_NOTICE} of
 * each update ({@link HonninNotice}). Transaction, idempotency and outbox:
 * {@link UpdateTransaction}; history and the group's state: {@link PersonUpdates}.
 */
public final class HonninUpdates {
    private HonninUpdates() {
    }

    /**
     * @param dataSource connections of the honnin role
     * @param personKey  keyed hash of a 住民票コード (the outbox groups a person's notices by it)
     * @param dbTimeout  {@link jp.tokyo.juki.platform.DatabaseSettings#NETWORK_TIMEOUT}
     */
    public static UpdateTransaction<HonninUpdate> transaction(DataSource dataSource, Function<String, String> personKey,
                                                        Duration dbTimeout) {
        PersonUpdates.Rules<HonninUpdate, HonninRow> rules = new PersonUpdates.Rules<>(HonninUpdates::change,
                HonninLogicChecks::check,
                (u, stamp) -> new HonninRow(u.record(), KanaNormalizer.normalize(u.record().name().kana()), stamp),
                (former, stamp) -> new HonninRow(former.record(), former.kanaNormalized(), stamp),
                HonninNotice::body);
        return new UpdateTransaction<>(dataSource, "honnin", personKey, new PersonUpdates<>(HonninStore.TABLE, rules),
                dbTimeout);
    }

    /** A 消除 reason deletes the person; a code change names the former code in the body. */
    private static PersonUpdates.Change change(HonninUpdate u) {
        return new PersonUpdates.Change(u.record().juminhyoCode(), u.formerJuminhyoCode(), u.reason(), u.changeDate(),
                u.reason().kind() == Reason.Kind.DELETION);
    }
}
