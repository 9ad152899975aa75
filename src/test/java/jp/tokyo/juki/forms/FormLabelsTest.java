package jp.tokyo.juki.forms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import jp.tokyo.juki.record.Reason;
import org.junit.jupiter.api.Test;

class FormLabelsTest {

    @Test
    void everyReasonHasItsJapaneseName() {
        for (Reason r : Reason.values()) {
            assertNotEquals(r.name(), FormLabels.reason(r.name()), r.name());
        }
        assertEquals("転入", FormLabels.reason("MOVE_IN"));
        assertEquals("国外への転出", FormLabels.reason("MOVE_OUT_ABROAD"));
        assertEquals("旧氏の記載・変更・削除", FormLabels.reason("FORMER_SURNAME"));
    }

    @Test
    void itemsOfBothStoresAndOfAgencyAnswers() {
        assertEquals("漢字氏名", FormLabels.item("name_kanji"));
        assertEquals("ふりがな氏名", FormLabels.item("name_kana"));
        assertEquals("住所", FormLabels.item("address_text"));
        assertEquals("住所", FormLabels.item("address"));
        assertEquals("最終住所", FormLabels.item("last_address_text"));
        assertEquals("旧住民票コード", FormLabels.item("former_juminhyo_code"));
        assertEquals("附票管理市町村コード", FormLabels.item("managing_municipality_code"));
        assertEquals("個人番号、住民票コード", FormLabels.items(List.of("my_number", "juminhyo_code")));
        assertEquals("なし", FormLabels.items(List.of()));
    }

    @Test
    void valuesByName() {
        assertEquals("男", FormLabels.value("sex", "1"));
        assertEquals("女", FormLabels.value("sex", "2"));
        assertEquals("9", FormLabels.value("sex", "9"));
        assertEquals("転居", FormLabels.value("reason", "MOVE_WITHIN"));
        assertEquals("国外転出者", FormLabels.value("status", "1"));
        assertEquals("令和7年3月28日（2025年3月28日）", FormLabels.value("change_date", "2025-03-28"));
        assertEquals("東京都新宿区", FormLabels.value("address_text", "東京都新宿区"));
        assertEquals("", FormLabels.value("name_kanji", null));
    }

    @Test
    void kindsLinesOutcomesAndUnknownCodesAsThemselves() {
        assertEquals("提供", FormLabels.kind("PROVISION"));
        assertEquals("移転", FormLabels.kind("TRANSFER"));
        assertEquals("地方公共団体情報システム機構（附票本人確認情報）", FormLabels.line("NATIONAL_FUHYO"));
        for (String outcome : List.of("FOUND", "NOT_FOUND", "MULTIPLE", "REFUSED", "INVALID", "FOUND_NATIONAL", "MISMATCH",
                "ACK", "NACK", "NO_REPLY", "DEAD_LETTER")) {
            assertNotEquals(outcome, FormLabels.outcome(outcome), outcome);
        }
        assertEquals("照合不一致", FormLabels.outcome("MISMATCH"));
        assertEquals("SOMETHING_NEW", FormLabels.outcome("SOMETHING_NEW"));
        assertEquals("new_column", FormLabels.item("new_column"));
        assertEquals("ODD", FormLabels.reason("ODD"));
    }
}
