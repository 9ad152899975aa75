package jp.tokyo.juki.honnin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.function.UnaryOperator;
import jp.tokyo.juki.record.Address;
import jp.tokyo.juki.record.HonninRecord;
import jp.tokyo.juki.record.HonninUpdate;
import jp.tokyo.juki.record.Name;
import jp.tokyo.juki.record.Reason;
import jp.tokyo.juki.store.LogicCheck;
import jp.tokyo.juki.store.Stamp;
import org.junit.jupiter.api.Test;

/**
 * The honnin store's logical checks (SPEC R-VAL-LOGIC): every rule and each branch, as the CS
 * sees it — a pass, or E140 with the rule as its detail.
 */
class HonninLogicChecksTest {
    private static final String CHIYODA = "131016";
    private static final String CHUO = "131024";
    private static final String CODE = "24727059608";
    private static final String FORMER_CODE = "10000000008";

    private static HonninRecord person(String code, String municipality) {
        return new HonninRecord(code, new Name("山田 太郎", "ヤマダ タロウ", 0, 0), "1980-04-01", "1",
                new Address("東京都千代田区千代田１番１号", 0, 0, municipality, "000101"), "123456789018", "0", "0", null);
    }

    private static final HonninRecord RESIDENT = person(CODE, CHIYODA);

    private static HonninRow row(HonninRecord record, boolean deleted) {
        Stamp stamp = new Stamp("MOVE_IN", LocalDate.of(2026, 1, 5), "op", "term", Instant.parse("2026-01-05T01:00:00Z"),
                LocalDate.of(2026, 1, 5), deleted, 1, CHIYODA, "m-1");
        return new HonninRow(record, record.name().kana(), stamp);
    }

    private static HonninRow current(HonninRecord record) {
        return row(record, false);
    }

    private static HonninRow deleted(HonninRecord record) {
        return row(record, true);
    }

    private static HonninUpdate update(Reason reason, HonninRecord record) {
        return new HonninUpdate(record, reason, LocalDate.of(2026, 2, 1),
                reason == Reason.JUMINHYO_CODE_CHANGE ? FORMER_CODE : null);
    }

    private static LogicCheck check(Reason reason, HonninRecord record, HonninRow current, HonninRow former) {
        return HonninLogicChecks.check(update(reason, record), CHIYODA, current, former);
    }

    private static LogicCheck refused(String rule) {
        return LogicCheck.refused("R-VAL-LOGIC " + rule);
    }

    // 記載: 転入・出生 and the other entries

    @Test
    void anEntryForSomeoneTheStoreDoesNotKnowPasses() {
        assertThat(check(Reason.BIRTH, RESIDENT, null, null)).isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void anEntryForAFormerResidentWhoWasDeletedPasses() {
        assertThat(check(Reason.MOVE_IN, RESIDENT, deleted(RESIDENT), null)).isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void moveInForACurrentResidentIsRefusedWithE140() {
        assertThat(check(Reason.MOVE_IN, RESIDENT, current(RESIDENT), null))
                .isEqualTo(refused("entry: person is already a current resident"));
    }

    @Test
    void anEntryForAResidentOfAnotherMunicipalityIsRefusedToo() {
        assertThat(check(Reason.MOVE_IN_FROM_ABROAD, RESIDENT, current(person(CODE, CHUO)), null))
                .isEqualTo(refused("entry: person is already a current resident"));
    }

    // 消除: 転出, 死亡 and the other deletions

    @Test
    void aDeletionOfACurrentResidentOfTheSenderPasses() {
        assertThat(check(Reason.DEATH, RESIDENT, current(RESIDENT), null)).isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void aDeletionOfSomeoneTheStoreDoesNotKnowIsRefused() {
        assertThat(check(Reason.MOVE_OUT, RESIDENT, null, null))
                .isEqualTo(refused("deletion: person is not a current resident of the sending municipality"));
    }

    @Test
    void aDeletionOfSomeoneAlreadyDeletedIsRefused() {
        assertThat(check(Reason.MOVE_OUT_ABROAD, RESIDENT, deleted(RESIDENT), null))
                .isEqualTo(refused("deletion: person is not a current resident of the sending municipality"));
    }

    @Test
    void aDeletionOfAResidentOfAnotherMunicipalityIsRefused() {
        assertThat(check(Reason.EX_OFFICIO_DELETION, RESIDENT, current(person(CODE, CHUO)), null))
                .isEqualTo(refused("deletion: person is not a current resident of the sending municipality"));
    }

    // 修正: the changes other than a 住民票コード change

    @Test
    void aChangeOfACurrentResidentOfTheSenderPasses() {
        HonninRecord renamed = with(r -> new HonninRecord(r.juminhyoCode(), new Name("山田 次郎", "ヤマダ ジロウ", 0, 0),
                r.birthDate(), r.sex(), r.address(), r.myNumber(), r.retentionFlag(), r.gaijiFlag(), r.formerSurname()));
        assertThat(check(Reason.CLERICAL_CORRECTION, renamed, current(RESIDENT), null)).isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void aChangeOfSomeoneTheStoreDoesNotKnowIsRefused() {
        assertThat(check(Reason.MINOR_CORRECTION, RESIDENT, null, null))
                .isEqualTo(refused("change: person is not a current resident of the sending municipality"));
    }

    @Test
    void aChangeOfSomeoneDeletedIsRefused() {
        assertThat(check(Reason.MY_NUMBER_CHANGE, RESIDENT, deleted(RESIDENT), null))
                .isEqualTo(refused("change: person is not a current resident of the sending municipality"));
    }

    @Test
    void aChangeOfAResidentOfAnotherMunicipalityIsRefused() {
        assertThat(check(Reason.FORMER_SURNAME, RESIDENT, current(person(CODE, CHUO)), null))
                .isEqualTo(refused("change: person is not a current resident of the sending municipality"));
    }

    // 転居: the address only

    @Test
    void aMoveWithinThatChangesTheAddressTextAzaCodeAndGaijiPasses() {
        HonninRecord moved = with(r -> new HonninRecord(r.juminhyoCode(), r.name(), r.birthDate(), r.sex(),
                new Address("東京都千代田区丸の内２番２号", 1, 1, CHIYODA, "000202"), r.myNumber(), r.retentionFlag(), "1",
                r.formerSurname()));
        assertThat(check(Reason.MOVE_WITHIN, moved, current(RESIDENT), null)).isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void aMoveWithinThatChangesTheNameIsRefused() {
        assertMoveWithinRefused(r -> new HonninRecord(r.juminhyoCode(), new Name("山田 次郎", "ヤマダ ジロウ", 0, 0),
                r.birthDate(), r.sex(), r.address(), r.myNumber(), r.retentionFlag(), r.gaijiFlag(), r.formerSurname()));
    }

    @Test
    void aMoveWithinThatChangesTheBirthDateIsRefused() {
        assertMoveWithinRefused(r -> new HonninRecord(r.juminhyoCode(), r.name(), "1980-04-02", r.sex(), r.address(),
                r.myNumber(), r.retentionFlag(), r.gaijiFlag(), r.formerSurname()));
    }

    @Test
    void aMoveWithinThatChangesTheSexIsRefused() {
        assertMoveWithinRefused(r -> new HonninRecord(r.juminhyoCode(), r.name(), r.birthDate(), "2", r.address(),
                r.myNumber(), r.retentionFlag(), r.gaijiFlag(), r.formerSurname()));
    }

    @Test
    void aMoveWithinThatChangesTheMyNumberIsRefused() {
        assertMoveWithinRefused(r -> new HonninRecord(r.juminhyoCode(), r.name(), r.birthDate(), r.sex(), r.address(),
                "987654321098", r.retentionFlag(), r.gaijiFlag(), r.formerSurname()));
    }

    @Test
    void aMoveWithinThatChangesTheRetentionFlagIsRefused() {
        assertMoveWithinRefused(r -> new HonninRecord(r.juminhyoCode(), r.name(), r.birthDate(), r.sex(), r.address(),
                r.myNumber(), "1", r.gaijiFlag(), r.formerSurname()));
    }

    @Test
    void aMoveWithinThatAddsAFormerSurnameIsRefused() {
        assertMoveWithinRefused(r -> new HonninRecord(r.juminhyoCode(), r.name(), r.birthDate(), r.sex(), r.address(),
                r.myNumber(), r.retentionFlag(), r.gaijiFlag(), new Name("鈴木", "スズキ", 0, 0)));
    }

    @Test
    void aMoveWithinToAnotherMunicipalityIsRefused() {
        assertMoveWithinRefused(r -> new HonninRecord(r.juminhyoCode(), r.name(), r.birthDate(), r.sex(),
                new Address("東京都中央区銀座１番１号", 0, 0, CHUO, "000101"), r.myNumber(), r.retentionFlag(),
                r.gaijiFlag(), r.formerSurname()));
    }

    @Test
    void recordsOfTwoPersonsDifferInMoreThanTheAddress() {
        assertThat(HonninLogicChecks.onlyAddressDiffers(RESIDENT, person(FORMER_CODE, CHIYODA))).isFalse();
    }

    private static void assertMoveWithinRefused(UnaryOperator<HonninRecord> change) {
        assertThat(check(Reason.MOVE_WITHIN, with(change), current(RESIDENT), null))
                .isEqualTo(refused("move within: items other than the address changed"));
    }

    private static HonninRecord with(UnaryOperator<HonninRecord> change) {
        return change.apply(RESIDENT);
    }

    // 住民票コードの変更: the former code ends, the new one begins

    @Test
    void aCodeChangeFromACurrentResidentOfTheSenderToAFreeCodePasses() {
        assertThat(check(Reason.JUMINHYO_CODE_CHANGE, RESIDENT, null, current(person(FORMER_CODE, CHIYODA))))
                .isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void aCodeChangeToTheCodeOfADeletedPersonPasses() {
        assertThat(check(Reason.JUMINHYO_CODE_CHANGE, RESIDENT, deleted(RESIDENT), current(person(FORMER_CODE, CHIYODA))))
                .isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void aCodeChangeFromAnUnknownCodeIsRefused() {
        assertThat(check(Reason.JUMINHYO_CODE_CHANGE, RESIDENT, null, null)).isEqualTo(
                refused("code change: former code is not a current resident of the sending municipality"));
    }

    @Test
    void aCodeChangeFromADeletedCodeIsRefused() {
        assertThat(check(Reason.JUMINHYO_CODE_CHANGE, RESIDENT, null, deleted(person(FORMER_CODE, CHIYODA)))).isEqualTo(
                refused("code change: former code is not a current resident of the sending municipality"));
    }

    @Test
    void aCodeChangeFromAResidentOfAnotherMunicipalityIsRefused() {
        assertThat(check(Reason.JUMINHYO_CODE_CHANGE, RESIDENT, null, current(person(FORMER_CODE, CHUO)))).isEqualTo(
                refused("code change: former code is not a current resident of the sending municipality"));
    }

    @Test
    void aCodeChangeToTheCodeOfACurrentResidentIsRefused() {
        assertThat(check(Reason.JUMINHYO_CODE_CHANGE, RESIDENT, current(RESIDENT), current(person(FORMER_CODE, CHIYODA))))
                .isEqualTo(refused("code change: new code belongs to a current resident"));
    }
}
