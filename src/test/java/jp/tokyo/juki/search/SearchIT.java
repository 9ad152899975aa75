package jp.tokyo.juki.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.record.NameKeys;
import jp.tokyo.juki.store.SearchKeys;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.testkit.OperatorDesk.Api;
import jp.tokyo.juki.testkit.OperatorDesk.Reply;
import jp.tokyo.juki.testkit.OperatorDesk.Run;
import jp.tokyo.juki.testkit.TestPki;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Request;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operators' search (R-SRCH) and its report (R-AUD-ANALYSIS) on a real gateway: persons sent by a
 * CS over the real line (honnin and fuhyo updates, one moved out), then searched by each key kind
 * through the operator API and the CLI, with the cap (juki.search.max-results = 5 here) and the count,
 * the audit record of each search, the refusals, and the auditor's report. The working hours are set
 * to a minute twelve hours away from the start, so that every search of this test is outside them —
 * the window is moved, not the clock nor the audit records.
 */
class SearchIT {
    private static final String CHIYODA = "131016";
    private static final String NAME = "検索 試験子";
    private static final String KANA = "ケンサク シケンコ";
    private static final String PURPOSE = "住民からの相談対応（受付番号 42）";

    private static OperatorDesk desk;
    private static Api searcher;
    private static String code;
    private static String myNumber;
    private static String deleted;
    private static String annex;

    @BeforeAll
    static void start() throws Exception {
        LocalTime away = LocalTime.now(ZoneId.of("Asia/Tokyo")).plusHours(12).withSecond(0).withNano(0);
        String window = away + "-" + (away.equals(LocalTime.of(23, 59)) ? away : away.plusMinutes(1));
        if (away.equals(LocalTime.of(23, 59))) {
            window = "23:58-23:59";
        }
        desk = OperatorDesk.start(false, Map.of("juki.search.max-results", "5", "juki.search.working-hours", window));
        desk.issue("searcher1", Role.SEARCHER).issue("auditor1", Role.AUDITOR).issue("manager1", Role.MANAGER);
        code = Messages.newJuminhyoCode();
        myNumber = Messages.newMyNumber();
        try (FrameClient cs = desk.gw.connect(CHIYODA)) {
            ObjectNode planted = Messages.person(CHIYODA, code, myNumber, NAME, KANA);
            planted.put("birthDate", "1961-02-03").put("sex", "2");
            planted.with("address").put("text", "東京都千代田区丸の内９丁目１番１号");
            send(cs, Messages.update(CHIYODA, "MOVE_IN", planted));
            ObjectNode gone = Messages.person(CHIYODA, Messages.newJuminhyoCode(), Messages.newMyNumber(), "検索 消除", "ケンサク ショウジョ");
            deleted = gone.get("juminhyoCode").asText();
            send(cs, Messages.update(CHIYODA, "MOVE_IN", gone));
            send(cs, Messages.update(CHIYODA, "MOVE_OUT", gone));
            for (int i = 0; i < 7; i++) {
                send(cs, Messages.update(CHIYODA, "MOVE_IN", Messages.person(CHIYODA, Messages.newJuminhyoCode(),
                        Messages.newMyNumber(), "多数 一郎", "タスウ イチロウ")));
            }
            ObjectNode f = Messages.fuhyoPerson(CHIYODA);
            f.with("name").put("kanji", "検索 附票").put("kana", "ケンサク フヒョウ");
            f.put("birthDate", "1961-02-20");
            annex = f.get("juminhyoCode").asText();
            send(cs, Messages.fuhyoUpdate(CHIYODA, "MOVE_IN", f));
        }
        searcher = desk.login("searcher1");
    }

    private static void send(FrameClient cs, Request r) throws Exception {
        assertThat(cs.send(r).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    private static JsonNode search(ObjectNode body) throws Exception {
        Reply r = searcher.post("/api/search/persons", body.put("reason", PURPOSE));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(myNumber).doesNotContain("myNumber\":\"");
        return r.json();
    }

    private static List<String> codes(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.path("persons").forEach(p -> out.add(p.path("juminhyoCode").asText()));
        return out;
    }

    @Test
    void eachKeyKindFindsThePersonCurrentAndDeletedToldApartAndNoMyNumberShown() throws Exception {
        JsonNode byCode = search(OperatorDesk.body().put("juminhyoCode", code));
        assertThat(codes(byCode)).containsExactly(code);
        assertThat(byCode.path("total").asLong()).isEqualTo(1);
        assertThat(byCode.path("persons").get(0).path("status").asText()).isEqualTo("CURRENT");
        assertThat(byCode.path("persons").get(0).path("municipality").asText()).isEqualTo(CHIYODA);

        JsonNode byNumber = search(OperatorDesk.body().put("myNumber", myNumber));
        assertThat(codes(byNumber)).containsExactly(code);
        assertThat(byNumber.path("kind").asText()).isEqualTo("myNumber");

        // 清音化: voiced marks ignored, the space too
        JsonNode byKana = search(OperatorDesk.body().put("nameKana", "ゲンザクシゲンゴ").put("birthDate", "1961-02-03"));
        assertThat(codes(byKana)).containsExactly(code);

        // the kanji prefix without the space matches the name written with one
        assertThat(codes(search(OperatorDesk.body().put("nameKanji", "検索試")))).containsExactly(code);
        JsonNode both = search(OperatorDesk.body().put("nameKanji", "検索"));
        assertThat(codes(both)).containsExactlyInAnyOrder(code, deleted, annex);
        for (JsonNode p : both.path("persons")) {
            String c = p.path("juminhyoCode").asText();
            assertThat(p.path("status").asText()).isEqualTo(c.equals(deleted) ? "DELETED" : "CURRENT");
            assertThat(p.path("store").asText()).isEqualTo(c.equals(annex) ? "fuhyo" : "honnin");
        }

        JsonNode range = search(OperatorDesk.body().put("birthDate", "1961-02-01").put("birthTo", "1961-02-28").put("sex", "2"));
        assertThat(codes(range)).contains(code, annex).doesNotContain(deleted);
        assertThat(range.path("kind").asText()).isEqualTo("birthRange+sex");

        assertThat(codes(search(OperatorDesk.body().put("addressPrefix", "東京都千代田区丸の内９")))).containsExactly(code);
    }

    @Test
    void theIndexedKanjiKeyIsNameKeysKanjiOnTheDatabase() throws Exception {
        for (String name : List.of("佐藤 太郎", "佐藤\u3000太郎", " 佐 藤　 ", "𠮷田 太郎", "ｻﾄｳ ﾀﾛｳ", "佐藤\t太郎", "佐藤\u00a0太郎",
                "{MJ000001}佐藤 太郎", "　")) {
            assertThat(desk.gw.queryString("SELECT " + SearchKeys.kanji("t") + " FROM (SELECT CAST(? AS text) AS name_kanji) t",
                    name)).as("the key of a name").isEqualTo(NameKeys.kanji(name));
        }
    }

    @Test
    void fuhyoOnlySearchByStoresFindsTheAnnex() throws Exception {
        ObjectNode body = OperatorDesk.body().put("nameKanji", "検索");
        body.putArray("stores").add("fuhyo");
        assertThat(codes(search(body))).containsExactly(annex);
    }

    @Test
    void moreThanTheCapIsCountedAndNoted() throws Exception {
        JsonNode many = search(OperatorDesk.body().put("nameKana", "タスウ イチロウ"));
        assertThat(many.path("total").asLong()).isEqualTo(7);
        assertThat(many.path("exact").asBoolean()).isTrue();
        assertThat(many.path("shown").asInt()).isEqualTo(5);
        assertThat(many.path("persons").size()).isEqualTo(5);
        assertThat(many.path("more").asBoolean()).isTrue();
        assertThat(many.path("note").asText()).contains("7 persons match").contains("narrow");
    }

    @Test
    void refusalsAreCodedAndAudited() throws Exception {
        Reply none = searcher.post("/api/search/persons", OperatorDesk.body().put("juminhyoCode", code));
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.code()).isEqualTo("K400");
        assertThat(none.body()).contains("reason").doesNotContain(code);
        Reply noKey = searcher.post("/api/search/persons", OperatorDesk.body().put("reason", PURPOSE));
        assertThat(noKey.code()).isEqualTo("K400");
        Reply sexOnly = searcher.post("/api/search/persons", OperatorDesk.body().put("reason", PURPOSE).put("sex", "2"));
        assertThat(sexOnly.code()).isEqualTo("K400");
        ObjectNode fuhyoNumber = OperatorDesk.body().put("reason", PURPOSE).put("myNumber", myNumber);
        fuhyoNumber.putArray("stores").add("fuhyo");
        assertThat(searcher.post("/api/search/persons", fuhyoNumber).code()).isEqualTo("K400");
        Reply wrongRole = desk.login("manager1").post("/api/search/persons",
                OperatorDesk.body().put("reason", PURPOSE).put("juminhyoCode", code));
        assertThat(wrongRole.status()).isEqualTo(403);
        assertThat(wrongRole.code()).isEqualTo("P403");
        assertThat(desk.login("searcher1").post("/api/search/report", OperatorDesk.body().put("from", "2026-01-01")).code())
                .isEqualTo("P403");
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'PERSON_SEARCH' AND status = 'REFUSED' "
                + "AND code = 'K400' AND operator_id = 'searcher1' AND terminal_id = ? AND reason IS NULL", OperatorDesk.TERMINAL))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void theSearchRecordHasOperatorTerminalPurposeAndHashesButNoKeyValue() throws Exception {
        String purpose = "監査記録の確認 " + System.nanoTime();
        Reply r = searcher.post("/api/search/persons", OperatorDesk.body().put("reason", purpose).put("nameKanji", "検索試"));
        assertThat(r.status()).isEqualTo(200);
        String hash = PersonHasher.fromKeyFile(TestPki.dir().resolve("audit-hmac.key")).hash(code);
        String row = desk.gw.queryString("SELECT concat_ws('|', peer, msg_type, status, code, detail, operator_id, terminal_id, "
                + "reason, array_to_string(persons, ',')) FROM audit.record WHERE msg_type = 'PERSON_SEARCH' AND reason = ?", purpose);
        assertThat(row).contains("searcher1").contains(OperatorDesk.TERMINAL).contains(purpose).contains(hash)
                .contains("key nameKanji").contains("shown 1 of 1")
                .doesNotContain(code).doesNotContain(myNumber).doesNotContain("検索試").doesNotContain(NAME).doesNotContain(KANA);
        String all = desk.gw.queryString("SELECT string_agg(concat_ws('|', peer, code, detail, operator_id, terminal_id, reason), "
                + "E'\\n') FROM audit.record WHERE msg_type IN ('PERSON_SEARCH', 'SEARCH_REPORT')");
        assertThat(all).doesNotContain(code).doesNotContain(myNumber).doesNotContain(NAME).doesNotContain(KANA)
                .doesNotContain("ゲンザク").doesNotContain("丸の内");
    }

    @Test
    void theCliSearchesAndReportsThroughTheApi() throws Exception {
        Run found = desk.cli("searcher1", "search", "--purpose", PURPOSE, "--kanji", "検索試");
        assertThat(found.exit()).as(found.err()).isZero();
        assertThat(found.out()).contains("1 person(s) match, 1 shown").contains(code).contains("CURRENT").doesNotContain(myNumber);
        Run byNumber = desk.cli("searcher1", "search", "--purpose", PURPOSE, "--my-number", myNumber);
        assertThat(byNumber.out()).contains(code).doesNotContain(myNumber);
        Run many = desk.cli("searcher1", "search", "--purpose", PURPOSE, "--kana", "タスウイチロウ");
        assertThat(many.out()).contains("7 person(s) match, 5 shown").contains("note: ");
        Run noPurpose = desk.cli("searcher1", "search", "--code", code);
        assertThat(noPurpose.exit()).isEqualTo(1);
        assertThat(noPurpose.err()).contains("K400").doesNotContain(code);
        Run report = desk.cli("auditor1", "search", "report", "--from", LocalDate.now(ZoneId.of("Asia/Tokyo")).toString());
        assertThat(report.exit()).as(report.err()).isZero();
        assertThat(report.out()).contains("searcher1").contains("outside working hours:");
    }

    @Test
    void theReportCountsSearchesPerOperatorPerDayAndThoseOutsideWorkingHours() throws Exception {
        for (int i = 0; i < 3; i++) {
            search(OperatorDesk.body().put("juminhyoCode", code));
        }
        String today = LocalDate.now(ZoneId.of("Asia/Tokyo")).toString();
        long answered = desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'PERSON_SEARCH' AND status = 'ANSWERED' "
                + "AND operator_id = 'searcher1'");
        Reply r = desk.login("auditor1").post("/api/search/report", OperatorDesk.body().put("from", today).put("to", today));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode day = null;
        for (JsonNode d : r.json().path("days")) {
            if (d.path("operator").asText().equals("searcher1") && d.path("date").asText().equals(today)) {
                day = d;
            }
        }
        assertThat(day).as(r.body()).isNotNull();
        assertThat(day.path("searches").asLong()).isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(answered);
        // the working hours are a minute twelve hours away: every search of this test is outside them
        assertThat(day.path("outsideHours").asLong()).isEqualTo(day.path("searches").asLong());
        assertThat(r.json().path("outsideHours").toString()).contains("searcher1").contains(PURPOSE);
        assertThat(desk.gw.queryLong("SELECT count(*) FROM audit.record WHERE msg_type = 'SEARCH_REPORT' AND operator_id = 'auditor1' "
                + "AND status = 'ANSWERED'")).isGreaterThanOrEqualTo(1);
        Reply bad = desk.login("auditor1").post("/api/search/report", OperatorDesk.body().put("from", "yesterday"));
        assertThat(bad.code()).isEqualTo("K400");
    }

    @Test
    void theSearchesLeaveNoPlantedPersonalDataInTheLog() throws Exception {
        search(OperatorDesk.body().put("myNumber", myNumber));
        search(OperatorDesk.body().put("nameKana", KANA));
        searcher.post("/api/search/persons", OperatorDesk.body().put("nameKanji", NAME).put("birthDate", "not-a-date")
                .put("reason", PURPOSE));
        String log = Files.readString(Path.of("target/test-logs/tests.log"), StandardCharsets.UTF_8);
        assertThat(log).doesNotContain(myNumber).doesNotContain(NAME).doesNotContain(KANA).doesNotContain(code);
    }
}
