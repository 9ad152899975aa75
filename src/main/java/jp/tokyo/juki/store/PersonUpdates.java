package jp.tokyo.juki.store;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import jp.tokyo.juki.record.Reason;
import jp.tokyo.juki.wire.Request;

/**
 * How a group of updates changes a store's person table, the same for both stores: each update
 * is checked against the person as the store and the earlier updates of the group leave them,
 * then written as the person's new version (the one it replaces kept as history); a
 * 住民票コード change also ends the former code's person, kept as deleted with their history;
 * each applied update gives its national notice. What differs — the store's rows, logical
 * checks and notice — is given by the store.
 *
 * @param <U> the store's update
 * @param <R> the store's row (one version of a person)
 */
public final class PersonUpdates<U, R> implements UpdateTransaction.Begin<U> {

    /**
     * What the transaction needs to know of an update, whatever the store.
     *
     * @param person       the 住民票コード the update writes
     * @param formerPerson for a 住民票コード change, the former code; else {@code null}
     * @param deletes      the update deletes the person (消除)
     */
    public record Change(String person, String formerPerson, Reason reason, LocalDate changeDate, boolean deletes) {
    }

    /** The store's logical checks of an update against the person as they stand. */
    @FunctionalInterface
    public interface Check<U, R> {
        /**
         * @param current the person as the store has them now, or {@code null}
         * @param former  for a 住民票コード change, the person under the former code, or {@code null}
         */
        LogicCheck check(U update, String sender, R current, R former);
    }

    /** The body of the national notice of an applied update. */
    @FunctionalInterface
    public interface Notice<U> {
        String body(Request origin, U update);
    }

    /**
     * What differs between the stores.
     *
     * @param change  what the transaction needs to know of an update
     * @param version the person's version an update writes, with its stamp
     * @param restamp a version of the person under a new stamp (the former code's last, deleted)
     */
    public record Rules<U, R>(Function<U, Change> change, Check<U, R> check, BiFunction<U, Stamp, R> version,
                              BiFunction<R, Stamp, R> restamp, Notice<U> notice) {
    }

    private final PersonTable<R> table;
    private final Rules<U, R> rules;

    public PersonUpdates(PersonTable<R> table, Rules<U, R> rules) {
        this.table = table;
        this.rules = rules;
    }

    @Override
    public UpdateTransaction.Changes<U> begin(RoundTrip reads, List<UpdateTransaction.Command<U>> batch, Instant now,
                                              LocalDate today) {
        Set<String> codes = new LinkedHashSet<>();
        for (UpdateTransaction.Command<U> cmd : batch) {
            Change ch = rules.change().apply(cmd.update());
            codes.add(ch.person());
            if (ch.formerPerson() != null) {
                codes.add(ch.formerPerson());
            }
        }
        // the rows arrive when the reads have run, before the first apply
        PersonTable<R>.Versions versions = table.versions(table.lockCurrent(reads, codes));
        return new UpdateTransaction.Changes<>() {
            @Override
            public UpdateTransaction.Outcome apply(UpdateTransaction.Command<U> cmd, long seq) {
                Request req = cmd.request();
                U u = cmd.update();
                Change ch = rules.change().apply(u);
                R former = versions.current(ch.formerPerson());
                LogicCheck verdict = rules.check().check(u, req.sender(), versions.current(ch.person()), former);
                if (verdict instanceof LogicCheck.Refused refused) {
                    return UpdateTransaction.Outcome.refused(refused.rule());
                }
                versions.put(rules.version().apply(u, stamp(req, ch, ch.deletes(), seq)), seq);
                if (former != null) {
                    // 住民票コードの変更: the former code's person ends, kept as deleted with their history
                    versions.put(rules.restamp().apply(former, stamp(req, ch, true, seq)), seq);
                }
                return UpdateTransaction.Outcome.applied(ch.person(), rules.notice().body(req, u));
            }

            private Stamp stamp(Request req, Change ch, boolean deleted, long seq) {
                return new Stamp(ch.reason().name(), ch.changeDate(), req.operator(), req.terminal(), now, today,
                        deleted, seq, req.sender(), req.id());
            }

            @Override
            public void write(RoundTrip writes) {
                versions.write(writes, now);
            }
        };
    }
}
