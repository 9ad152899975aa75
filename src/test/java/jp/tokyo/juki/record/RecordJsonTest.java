package jp.tokyo.juki.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Records are written in the member order of PROTOCOL §3, the same bytes as a tree and as a stream. */
class RecordJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HonninRecord HONNIN = new HonninRecord("24727059608", new Name("山田 太郎", "ヤマダ タロウ", 0, 0),
            "1980-04-01", "1", new Address("東京都千代田区千代田１番１号", 0, 0, "131016", "000101"), "123456789018", "0", "0",
            null);
    private static final FuhyoRecord FUHYO = new FuhyoRecord("24846016224",
            new FuhyoRecord.Name("鈴木 花子", "スズキ ハナコ", 0), "1975-12-03", "2",
            new FuhyoRecord.Address("131130", "東京都渋谷区宇田川町１番１号", 0),
            new FuhyoRecord.LastAddress("東京都渋谷区宇田川町１番１号", 0), null, "131130", "0", "0", null, "ENTRY");

    @Test
    void aHonninRecordIsWrittenInTheOrderOfSection31() throws IOException {
        assertThat(MAPPER.writeValueAsString(RecordJson.honnin(HONNIN))).isEqualTo("{\"juminhyoCode\":\"24727059608\","
                + "\"name\":{\"kanji\":\"山田 太郎\",\"kana\":\"ヤマダ タロウ\",\"gaijiCount\":0,\"gaijiChangeSeq\":0},"
                + "\"birthDate\":\"1980-04-01\",\"sex\":\"1\",\"address\":{\"text\":\"東京都千代田区千代田１番１号\","
                + "\"gaijiCount\":0,\"gaijiChangeSeq\":0,\"municipalityCode\":\"131016\",\"azaCode\":\"000101\"},"
                + "\"myNumber\":\"123456789018\",\"retentionFlag\":\"0\",\"gaijiFlag\":\"0\"}");
    }

    @Test
    void aFuhyoRecordIsWrittenInTheOrderOfSection32() throws IOException {
        assertThat(MAPPER.writeValueAsString(RecordJson.fuhyo(FUHYO))).isEqualTo("{\"juminhyoCode\":\"24846016224\","
                + "\"name\":{\"kanji\":\"鈴木 花子\",\"kana\":\"スズキ ハナコ\",\"gaijiCount\":0},\"birthDate\":\"1975-12-03\","
                + "\"sex\":\"2\",\"address\":{\"municipalityCode\":\"131130\",\"text\":\"東京都渋谷区宇田川町１番１号\","
                + "\"gaijiCount\":0},\"lastAddress\":{\"text\":\"東京都渋谷区宇田川町１番１号\",\"gaijiCount\":0},"
                + "\"managingMunicipalityCode\":\"131130\",\"status\":\"0\",\"gaijiFlag\":\"0\",\"noticeKind\":\"ENTRY\"}");
    }

    @Test
    void treeAndStreamWriteTheSameBytes() throws IOException {
        HonninRecord withFormerSurname = new HonninRecord(HONNIN.juminhyoCode(), HONNIN.name(), HONNIN.birthDate(),
                HONNIN.sex(), HONNIN.address(), HONNIN.myNumber(), "1", "1", new Name("佐藤", "サトウ", 1, 2));
        FuhyoRecord withOptionals = new FuhyoRecord(FUHYO.juminhyoCode(), FUHYO.name(), FUHYO.birthDate(), FUHYO.sex(),
                FUHYO.address(), FUHYO.lastAddress(), "25208017643", "131130", "1", "1", "AB12", "CHANGE");
        for (HonninRecord r : new HonninRecord[]{HONNIN, withFormerSurname}) {
            assertThat(stream(g -> RecordJson.write(g, r))).isEqualTo(MAPPER.writeValueAsString(RecordJson.honnin(r)));
        }
        for (FuhyoRecord r : new FuhyoRecord[]{FUHYO, withOptionals}) {
            assertThat(stream(g -> RecordJson.write(g, r))).isEqualTo(MAPPER.writeValueAsString(RecordJson.fuhyo(r)));
        }
    }

    @Test
    void aHonninNoticeCarriesOnlyTheItemsOfRUpd() throws IOException {
        ObjectNode body = MAPPER.createObjectNode();
        RecordJson.putNotified(body, HONNIN);
        assertThat(MAPPER.writeValueAsString(body)).isEqualTo("{\"juminhyoCode\":\"24727059608\","
                + "\"name\":{\"kanji\":\"山田 太郎\",\"kana\":\"ヤマダ タロウ\"},\"birthDate\":\"1980-04-01\",\"sex\":\"1\","
                + "\"address\":{\"text\":\"東京都千代田区千代田１番１号\",\"municipalityCode\":\"131016\"},"
                + "\"myNumber\":\"123456789018\"}");
    }

    private interface Writing {
        void write(JsonGenerator g) throws IOException;
    }

    private static String stream(Writing w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            w.write(g);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
