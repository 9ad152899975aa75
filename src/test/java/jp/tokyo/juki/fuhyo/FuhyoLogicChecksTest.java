package jp.tokyo.juki.fuhyo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import jp.tokyo.juki.record.FuhyoRecord;
import jp.tokyo.juki.record.FuhyoUpdate;
import jp.tokyo.juki.record.Reason;
import jp.tokyo.juki.store.LogicCheck;
import jp.tokyo.juki.store.Stamp;
import org.junit.jupiter.api.Test;

/**
 * The fuhyo store's logical checks (SPEC R-VAL-LOGIC): every rule and each branch, as the CS
 * sees it — a pass, or E140 with the rule as its detail. The notice kind, not the reason, says
 * which rules apply.
 */
class FuhyoLogicChecksTest {
    private static final String CHIYODA = "131016";
    private static final String CHUO = "131024";
    private static final String CODE = "24727059608";
    private static final String FORMER_CODE = "10000000008";

    /** A person on an annex managed by {@code managing}, as notified with {@code noticeKind}. */
    private static FuhyoRecord person(String code, String managing, String noticeKind, String formerCode) {
        return new FuhyoRecord(code, new FuhyoRecord.Name("山田 花子", "ヤマダ ハナコ", 0), "1985-06-15", "2",
                new FuhyoRecord.Address("271004", "大阪府大阪市北区梅田１番１号", 0),
                new FuhyoRecord.LastAddress("大阪府大阪市北区梅田１番１号", 0), formerCode, managing, "0", "0", null,
                noticeKind);
    }

    private static FuhyoRow row(FuhyoRecord record, boolean deleted) {
        Stamp stamp = new Stamp("MOVE_IN", LocalDate.of(2026, 1, 5), "op", "term", Instant.parse("2026-01-05T01:00:00Z"),
                LocalDate.of(2026, 1, 5), deleted, 1, CHIYODA, "f-1");
        return new FuhyoRow(record, record.name().kana(), stamp);
    }

    private static FuhyoRow onAnnex(String code, String managing) {
        return row(person(code, managing, "ENTRY", null), false);
    }

    private static FuhyoRow deleted(String code) {
        return row(person(code, CHIYODA, "DELETION", null), true);
    }

    private static LogicCheck check(String noticeKind, Reason reason, FuhyoRow current, FuhyoRow former) {
        String formerCode = reason == Reason.JUMINHYO_CODE_CHANGE ? FORMER_CODE : null;
        FuhyoUpdate update = new FuhyoUpdate(person(CODE, CHIYODA, noticeKind, formerCode), reason, LocalDate.of(2026, 2, 1));
        return FuhyoLogicChecks.check(update, CHIYODA, current, former);
    }

    private static LogicCheck refused(String rule) {
        return LogicCheck.refused("R-VAL-LOGIC " + rule);
    }

    // ENTRY: the person comes onto an annex

    @Test
    void anEntryForSomeoneTheStoreDoesNotKnowPasses() {
        assertThat(check("ENTRY", Reason.BIRTH, null, null)).isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void anEntryForSomeoneWhoseAnnexWasDeletedPasses() {
        assertThat(check("ENTRY", Reason.EX_OFFICIO_ENTRY, deleted(CODE), null)).isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void anEntryForSomeoneOnAnAnnexIsRefusedWithE140() {
        assertThat(check("ENTRY", Reason.BIRTH, onAnnex(CODE, CHIYODA), null))
                .isEqualTo(refused("entry: person is already on a family-register annex"));
    }

    @Test
    void anEntryForSomeoneOnTheAnnexOfAnotherMunicipalityIsRefusedToo() {
        assertThat(check("ENTRY", Reason.BIRTH, onAnnex(CODE, CHUO), null))
                .isEqualTo(refused("entry: person is already on a family-register annex"));
    }

    // DELETION: the person leaves the annex

    @Test
    void aDeletionOfSomeoneOnTheSendersAnnexPasses() {
        assertThat(check("DELETION", Reason.DEATH, onAnnex(CODE, CHIYODA), null)).isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void aDeletionOfSomeoneTheStoreDoesNotKnowIsRefused() {
        assertThat(check("DELETION", Reason.DEATH, null, null))
                .isEqualTo(refused("deletion: person is not in the fuhyo store"));
    }

    @Test
    void aDeletionOfSomeoneAlreadyDeletedIsRefused() {
        assertThat(check("DELETION", Reason.EX_OFFICIO_DELETION, deleted(CODE), null))
                .isEqualTo(refused("deletion: person is already deleted"));
    }

    @Test
    void aDeletionOfSomeoneOnTheAnnexOfAnotherMunicipalityIsRefused() {
        assertThat(check("DELETION", Reason.DEATH, onAnnex(CODE, CHUO), null))
                .isEqualTo(refused("deletion: person's annex is managed by another municipality"));
    }

    // CHANGE: the person stays on the annex

    @Test
    void aChangeOfSomeoneOnTheSendersAnnexPasses() {
        assertThat(check("CHANGE", Reason.CLERICAL_CORRECTION, onAnnex(CODE, CHIYODA), null)).isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void aMoveIsAChangeOfTheAnnexNotAnEntry() {
        // 転入 with notice kind CHANGE: the person moved, their annex stays
        assertThat(check("CHANGE", Reason.MOVE_IN, onAnnex(CODE, CHIYODA), null)).isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void aMoveOutThatKeepsTheAnnexIsAChangeNotADeletion() {
        assertThat(check("CHANGE", Reason.MOVE_OUT_ABROAD, null, null))
                .isEqualTo(refused("change: person is not on an annex of the sending municipality"));
    }

    @Test
    void aChangeOfSomeoneTheStoreDoesNotKnowIsRefused() {
        assertThat(check("CHANGE", Reason.MINOR_CORRECTION, null, null))
                .isEqualTo(refused("change: person is not on an annex of the sending municipality"));
    }

    @Test
    void aChangeOfSomeoneDeletedIsRefused() {
        assertThat(check("CHANGE", Reason.MINOR_CORRECTION, deleted(CODE), null))
                .isEqualTo(refused("change: person is not on an annex of the sending municipality"));
    }

    @Test
    void aChangeOfSomeoneOnTheAnnexOfAnotherMunicipalityIsRefused() {
        assertThat(check("CHANGE", Reason.MOVE_WITHIN, onAnnex(CODE, CHUO), null))
                .isEqualTo(refused("change: person is not on an annex of the sending municipality"));
    }

    // 住民票コードの変更: the former code ends, the new one begins

    @Test
    void aCodeChangeFromTheSendersAnnexToAFreeCodePasses() {
        assertThat(check("CHANGE", Reason.JUMINHYO_CODE_CHANGE, null, onAnnex(FORMER_CODE, CHIYODA)))
                .isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void aCodeChangeToTheCodeOfADeletedPersonPasses() {
        assertThat(check("CHANGE", Reason.JUMINHYO_CODE_CHANGE, deleted(CODE), onAnnex(FORMER_CODE, CHIYODA)))
                .isEqualTo(LogicCheck.PASSED);
    }

    @Test
    void aCodeChangeFromAnUnknownCodeIsRefused() {
        assertThat(check("CHANGE", Reason.JUMINHYO_CODE_CHANGE, null, null))
                .isEqualTo(refused("code change: former code is not on an annex of the sending municipality"));
    }

    @Test
    void aCodeChangeFromADeletedCodeIsRefused() {
        assertThat(check("CHANGE", Reason.JUMINHYO_CODE_CHANGE, null, deleted(FORMER_CODE)))
                .isEqualTo(refused("code change: former code is not on an annex of the sending municipality"));
    }

    @Test
    void aCodeChangeFromTheAnnexOfAnotherMunicipalityIsRefused() {
        assertThat(check("CHANGE", Reason.JUMINHYO_CODE_CHANGE, null, onAnnex(FORMER_CODE, CHUO)))
                .isEqualTo(refused("code change: former code is not on an annex of the sending municipality"));
    }

    @Test
    void aCodeChangeToTheCodeOfSomeoneOnAnAnnexIsRefused() {
        assertThat(check("CHANGE", Reason.JUMINHYO_CODE_CHANGE, onAnnex(CODE, CHUO), onAnnex(FORMER_CODE, CHIYODA)))
                .isEqualTo(refused("code change: new code belongs to a person on an annex"));
    }

    @Test
    void aCodeChangeNotifiedAsAnEntryIsCheckedAsAnEntry() {
        assertThat(check("ENTRY", Reason.JUMINHYO_CODE_CHANGE, null, null)).isEqualTo(LogicCheck.PASSED);
    }
}
