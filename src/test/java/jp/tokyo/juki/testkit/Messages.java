package jp.tokyo.juki.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import jp.tokyo.juki.record.CheckDigits;
import jp.tokyo.juki.wire.Json;
import jp.tokyo.juki.wire.Request;

/** Requests as a CS writes them (PROTOCOL §2.2, §3.1), for the integration tests. */
public final class Messages {
    private static final AtomicLong IDS = new AtomicLong();
    private static final AtomicLong SEQ = new AtomicLong();

    private Messages() {
    }

    public static String newId() {
        return "t-" + System.nanoTime() + "-" + IDS.incrementAndGet();
    }

    public static String newJuminhyoCode() {
        return CheckDigits.completeJuminhyoCode(digits(10));
    }

    public static String newMyNumber() {
        return CheckDigits.completeMyNumber(digits(11));
    }

    /** A valid honnin record of a resident of {@code municipality}. */
    public static ObjectNode person(String municipality) {
        return person(municipality, newJuminhyoCode(), newMyNumber(), "山田 太郎", "ヤマダ タロウ");
    }

    public static ObjectNode person(String municipality, String code, String myNumber, String kanji, String kana) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("juminhyoCode", code);
        ObjectNode name = r.putObject("name");
        name.put("kanji", kanji);
        name.put("kana", kana);
        name.put("gaijiCount", 0);
        name.put("gaijiChangeSeq", 0);
        r.put("birthDate", "1980-04-01");
        r.put("sex", "1");
        ObjectNode address = r.putObject("address");
        address.put("text", "東京都千代田区千代田１番１号");
        address.put("gaijiCount", 0);
        address.put("gaijiChangeSeq", 0);
        address.put("municipalityCode", municipality);
        address.put("azaCode", "000101");
        r.put("myNumber", myNumber);
        r.put("retentionFlag", "0");
        r.put("gaijiFlag", "0");
        return r;
    }

    public static Request update(String sender, String reason, ObjectNode record) {
        return update(newId(), sender, reason, record);
    }

    public static Request update(String id, String sender, String reason, ObjectNode record) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("record", record);
        body.put("reason", reason);
        body.put("changeDate", LocalDate.now(ZoneId.of("Asia/Tokyo")).minusDays(1).toString());
        return new Request(id, "HONNIN_UPDATE", sender, SEQ.incrementAndGet(), OffsetDateTime.now(ZoneOffset.ofHours(9)),
                "op-0001", "term-01", body);
    }

    /** A valid fuhyo record of a person whose family-register annex {@code managing} keeps, living in Tokyo. */
    public static ObjectNode fuhyoPerson(String managing) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("juminhyoCode", newJuminhyoCode());
        ObjectNode name = r.putObject("name");
        name.put("kanji", "鈴木 花子");
        name.put("kana", "スズキ ハナコ");
        name.put("gaijiCount", 0);
        r.put("birthDate", "1975-12-03");
        r.put("sex", "2");
        ObjectNode address = r.putObject("address");
        address.put("municipalityCode", "131130");
        address.put("text", "東京都渋谷区宇田川町１番１号");
        address.put("gaijiCount", 0);
        ObjectNode last = r.putObject("lastAddress");
        last.put("text", "東京都渋谷区宇田川町１番１号");
        last.put("gaijiCount", 0);
        r.put("managingMunicipalityCode", managing);
        r.put("status", "0");
        r.put("gaijiFlag", "0");
        r.put("gaijiPattern", "");
        r.put("noticeKind", "ENTRY");
        return r;
    }

    /** The same person after moving abroad (国外転出者). */
    public static ObjectNode abroad(ObjectNode fuhyoRecord) {
        ObjectNode r = fuhyoRecord.deepCopy();
        r.with("address").put("text", "国外");
        r.put("status", "1");
        r.put("noticeKind", "CHANGE");
        return r;
    }

    public static Request fuhyoUpdate(String sender, String reason, ObjectNode record) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("record", record);
        body.put("reason", reason);
        body.put("changeDate", LocalDate.now(ZoneId.of("Asia/Tokyo")).minusDays(1).toString());
        return new Request(newId(), "FUHYO_UPDATE", sender, SEQ.incrementAndGet(), OffsetDateTime.now(ZoneOffset.ofHours(9)),
                "op-0001", "term-01", body);
    }

    public static Request ping(String sender) {
        return new Request(newId(), "PING", sender, SEQ.incrementAndGet(), OffsetDateTime.now(ZoneOffset.ofHours(9)),
                null, null, Json.MAPPER.createObjectNode());
    }

    private static String digits(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(ThreadLocalRandom.current().nextInt(10));
        }
        return sb.toString();
    }
}
