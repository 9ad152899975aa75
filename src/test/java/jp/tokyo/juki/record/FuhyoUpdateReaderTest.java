package jp.tokyo.juki.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The item rules of PROTOCOL §3.2/§3.4 for fuhyo records that need no store. */
class FuhyoUpdateReaderTest {
    private static final ObjectMapper M = new ObjectMapper();
    private final FuhyoUpdateReader reader = new FuhyoUpdateReader(new Municipalities(
            Map.of("130001", "東京都", "131130", "渋谷区", "131016", "千代田区")));

    /** The example of PROTOCOL §3.2. */
    private static ObjectNode body(String reason) throws Exception {
        return (ObjectNode) M.readTree("{\"record\":{\"juminhyoCode\":\"24846016224\",\"name\":{\"kanji\":\"鈴木 花子\","
                + "\"kana\":\"スズキ ハナコ\",\"gaijiCount\":0},\"birthDate\":\"1975-12-03\",\"sex\":\"2\","
                + "\"address\":{\"municipalityCode\":\"131130\",\"text\":\"東京都渋谷区宇田川町１番１号\",\"gaijiCount\":0},"
                + "\"lastAddress\":{\"text\":\"東京都渋谷区宇田川町１番１号\",\"gaijiCount\":0},"
                + "\"formerJuminhyoCode\":\"25208017643\",\"managingMunicipalityCode\":\"131130\",\"status\":\"0\","
                + "\"gaijiFlag\":\"0\",\"gaijiPattern\":\"\",\"noticeKind\":\"ENTRY\"},\"reason\":\"" + reason + "\","
                + "\"changeDate\":\"2026-11-20\"}");
    }

    private FuhyoUpdate read(ObjectNode body) throws Violation {
        return reader.read(body, "131130", LocalDate.of(2026, 11, 26));
    }

    private static ObjectNode record(ObjectNode body) {
        return (ObjectNode) body.get("record");
    }

    @Test
    void theProtocolExampleIsAccepted() throws Exception {
        FuhyoUpdate u = read(body("BIRTH"));
        assertThat(u.record().managingMunicipalityCode()).isEqualTo("131130");
        assertThat(u.record().formerJuminhyoCode()).isEqualTo("25208017643");
        assertThat(u.record().abroad()).isFalse();
    }

    @Test
    void aMoveAbroadIsAChangeOfTheAnnexWithTheAddressAbroad() throws Exception {
        ObjectNode body = body("MOVE_OUT_ABROAD");
        record(body).put("noticeKind", "CHANGE").put("status", "1").with("address").put("text", "国外");
        assertThat(read(body).record().abroad()).isTrue();
    }

    @Test
    void aMyNumberIsAnUnknownItem() throws Exception {
        ObjectNode body = body("BIRTH");
        record(body).put("myNumber", "123456789018");
        assertThatThrownBy(() -> read(body)).isInstanceOf(Violation.class)
                .hasMessage("body.record.myNumber: unknown item");
    }

    @Test
    void statusAbroadWithAnAddressInJapanIsRefused() throws Exception {
        ObjectNode body = body("BIRTH");
        record(body).put("status", "1");
        assertThatThrownBy(() -> read(body)).hasMessage("body.record.status: 1 exactly when address.text is 国外");
    }

    @Test
    void aDeletionReasonNeedsADeletionNotice() throws Exception {
        assertThatThrownBy(() -> read(body("DEATH"))).hasMessage("body.record.noticeKind: does not fit the reason");
    }

    @Test
    void theAnnexIsManagedBySenderOrTheRequestIsRefusedAsAnotherSenders() throws Exception {
        ObjectNode body = body("BIRTH");
        record(body).put("managingMunicipalityCode", "131016");
        assertThatThrownBy(() -> read(body)).isInstanceOf(Violation.class)
                .satisfies(v -> assertThat(((Violation) v).rule()).isEqualTo(Violation.Rule.SENDER));
    }

    @Test
    void theAddressMayBeOutsideTokyo() throws Exception {
        ObjectNode body = body("MOVE_OUT");
        record(body).put("noticeKind", "CHANGE").with("address").put("municipalityCode", "271004")
                .put("text", "大阪府大阪市北区梅田１番１号");
        assertThat(read(body).record().address().municipalityCode()).isEqualTo("271004");
    }

    @Test
    void aNationalServersRecordMayBeOnAnyMunicipalitysAnnexButACsMayNot() throws Exception {
        ObjectNode record = record(body("BIRTH")).put("managingMunicipalityCode", "271004");
        assertThat(FuhyoUpdateReader.readRecordOfAnyone(record, "body.records[0]").managingMunicipalityCode())
                .isEqualTo("271004");
        assertThatThrownBy(() -> reader.readRecord(record, "131130", "body.records[0]"))
                .hasMessage("body.records[0].managingMunicipalityCode: not a municipality of this prefecture");
    }

    @Test
    void aMoveAbroadMustLeaveThePersonAbroadAndAMoveBackMustNot() throws Exception {
        ObjectNode abroadInJapan = body("MOVE_OUT_ABROAD");
        record(abroadInJapan).put("noticeKind", "CHANGE");
        assertThatThrownBy(() -> read(abroadInJapan)).hasMessage("body.record.status: must be 1 with MOVE_OUT_ABROAD");
        ObjectNode backButAbroad = body("MOVE_IN_FROM_ABROAD");
        record(backButAbroad).put("noticeKind", "CHANGE").put("status", "1").with("address").put("text", "国外");
        assertThatThrownBy(() -> read(backButAbroad)).hasMessage("body.record.status: must be 0 with MOVE_IN_FROM_ABROAD");
    }
}
