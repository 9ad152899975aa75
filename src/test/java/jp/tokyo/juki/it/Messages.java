package jp.tokyo.juki.it;

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
final class Messages {
    private static final AtomicLong IDS = new AtomicLong();
    private static final AtomicLong SEQ = new AtomicLong();

    private Messages() {
    }

    static String newId() {
        return "t-" + System.nanoTime() + "-" + IDS.incrementAndGet();
    }

    static String newJuminhyoCode() {
        return CheckDigits.completeJuminhyoCode(digits(10));
    }

    static String newMyNumber() {
        return CheckDigits.completeMyNumber(digits(11));
    }

    /** A valid honnin record of a resident of {@code municipality}. */
    static ObjectNode person(String municipality) {
        return person(municipality, newJuminhyoCode(), newMyNumber(), "山田 太郎", "ヤマダ タロウ");
    }

    static ObjectNode person(String municipality, String code, String myNumber, String kanji, String kana) {
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

    static Request update(String sender, String reason, ObjectNode record) {
        return update(newId(), sender, reason, record);
    }

    static Request update(String id, String sender, String reason, ObjectNode record) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("record", record);
        body.put("reason", reason);
        body.put("changeDate", LocalDate.now(ZoneId.of("Asia/Tokyo")).minusDays(1).toString());
        return new Request(id, "HONNIN_UPDATE", sender, SEQ.incrementAndGet(), OffsetDateTime.now(ZoneOffset.ofHours(9)),
                "op-0001", "term-01", body);
    }

    static Request ping(String sender) {
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
