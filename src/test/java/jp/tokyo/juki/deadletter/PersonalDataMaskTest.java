package jp.tokyo.juki.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What an operator sees of a dead letter without --reveal. */
class PersonalDataMaskTest {

    @Test
    void aFuhyoNoticeShowsOnlyOriginReasonDatesOfChangeAndMunicipalityCodes() {
        String notice = """
                {"origin":{"sender":"131041","id":"req-7"},"juminhyoCode":"12345678901",
                 "name":{"kanji":"鈴木 花子","kana":"スズキ ハナコ","gaijiCount":0},"birthDate":"1990-01-02","sex":"2",
                 "address":{"municipalityCode":"131041","text":"国外","gaijiCount":0},
                 "lastAddress":{"text":"東京都新宿区西新宿１丁目","gaijiCount":0},"formerJuminhyoCode":"10987654321",
                 "managingMunicipalityCode":"131016","status":"1","noticeKind":"CHANGE","reason":"MOVE_OUT_ABROAD",
                 "changeDate":"2026-11-01","anItemAddedLater":"山田"}""";

        String masked = PersonalDataMask.mask(notice);

        assertThat(masked).doesNotContain("12345678901", "10987654321", "鈴木", "スズキ", "1990-01-02", "国外", "西新宿", "山田")
                .contains("\"sender\" : \"131041\"", "\"id\" : \"req-7\"", "\"municipalityCode\" : \"131041\"",
                        "\"managingMunicipalityCode\" : \"131016\"", "\"noticeKind\" : \"CHANGE\"",
                        "\"reason\" : \"MOVE_OUT_ABROAD\"", "\"changeDate\" : \"2026-11-01\"",
                        "\"anItemAddedLater\" : \"***\"", "\"status\" : \"***\"", "\"gaijiCount\" : \"***\"");
    }

    @Test
    void aBodyThatIsNotJsonIsMaskedWhole() {
        assertThat(PersonalDataMask.mask("鈴木 花子 12345678901")).isEqualTo("***");
    }
}
