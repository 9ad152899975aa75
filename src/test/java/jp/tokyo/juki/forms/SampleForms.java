package jp.tokyo.juki.forms;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.forms.DisclosureForm.Change;
import jp.tokyo.juki.forms.DisclosureForm.Item;
import jp.tokyo.juki.forms.DisclosureForm.Notice;
import jp.tokyo.juki.forms.DisclosureForm.Provision;
import jp.tokyo.juki.forms.DisclosureForm.Store;

/** Fictitious disclosure forms for the printer's tests and the sample pages in docs/forms. */
final class SampleForms {
    static final String[] AGENCIES = {"日本年金機構", "国税庁", "厚生労働省", "東京都教育委員会", "法務省出入国在留管理庁",
            "全国健康保険協会", "地方公務員共済組合連合会"};
    static final String[] BUSINESSES = {"国民年金法による年金である給付の支給に関する事務", "所得税の確定申告に関する事務",
            "雇用保険法による失業等給付の支給に関する事務", "高等学校等就学支援金の支給に関する事務",
            "出入国管理及び難民認定法による在留資格に関する事務", "健康保険法による保険給付の支給に関する事務",
            "地方公務員等共済組合法による年金である給付の支給に関する事務"};
    private static final String[] KANJI_NUMBERS = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    private static final String[] REASONS = {"MOVE_WITHIN", "MINOR_CORRECTION", "FORMER_SURNAME", "MY_NUMBER_CHANGE",
            "CLERICAL_CORRECTION", "EX_OFFICIO_CORRECTION"};

    private SampleForms() {
    }

    /** A resident with a long life in the stores: 30 changes, notices, 150 provisions, a former code. */
    static DisclosureForm busy() {
        List<Item> record = List.of(
                new Item("juminhyo_code", "12345678906"),
                new Item("name_kanji", "都民　花子"),
                new Item("name_kana", "トミン　ハナコ"),
                new Item("former_surname_kanji", "見本"),
                new Item("former_surname_kana", "ミホン"),
                new Item("birth_date", "1975-03-05"),
                new Item("sex", "2"),
                new Item("address_text", "東京都新宿区見本町一丁目2番3号　見本ハイツ405号室"),
                new Item("my_number", "123456789018"),
                new Item("reason", "MOVE_WITHIN"),
                new Item("change_date", "2025-03-28"),
                new Item("municipality_code", "131041"),
                new Item("notified_date", "2025-03-28"));
        List<Change> history = new ArrayList<>();
        Instant start = Instant.parse("1999-08-12T01:30:00Z");
        history.add(new Change(LocalDate.of(1999, 8, 10), "MOVE_IN", start, List.of()));
        for (int i = 1; i < 30; i++) {
            Instant at = start.plus(Duration.ofDays(300L * i + i));
            LocalDate day = LocalDate.ofInstant(at, Wareki.JST).minusDays(2);
            String reason = REASONS[i % REASONS.length];
            List<String> items = switch (reason) {
                case "MOVE_WITHIN" -> List.of("address_text", "change_date");
                case "FORMER_SURNAME" -> List.of("former_surname_kanji", "former_surname_kana");
                case "MY_NUMBER_CHANGE" -> List.of("my_number");
                default -> List.of("name_kanji", "name_kana", "address_text");
            };
            history.add(new Change(day, reason, at, items));
        }
        List<Notice> notices = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Instant at = start.plus(Duration.ofDays(800L * i)).plusSeconds(40);
            notices.add(new Notice(at, "NATIONAL", "HONNIN_NOTICE", i == 3 ? "NO_REPLY" : "ACK"));
        }
        return new DisclosureForm("R7-開示-000123", LocalDate.of(2025, 4, 1), "東京都知事", "R7-請求-000045",
                Store.HONNIN, record, false, List.of("98765432109"), history, notices, provisions(150));
    }

    /** Provisions, each with a legal basis of its own so a test can find every one. */
    static List<Provision> provisions(int count) {
        List<Provision> list = new ArrayList<>();
        Instant start = Instant.parse("2003-04-01T00:05:00Z");
        for (int i = 0; i < count; i++) {
            int a = i % AGENCIES.length;
            String basis = "住民基本台帳法別表第一の" + kanji(i + 1) + "の項";
            List<String> items = i % 5 == 0 ? List.of("juminhyo_code", "name_kanji", "name_kana", "birth_date", "sex",
                    "address", "my_number") : i % 7 == 0 ? List.of() : List.of("name_kanji", "birth_date", "address");
            String outcome = i % 7 == 0 ? (i % 2 == 0 ? "NOT_FOUND" : "MISMATCH") : i % 11 == 0 ? "FOUND_NATIONAL" : "FOUND";
            list.add(new Provision(start.plus(Duration.ofHours(1200L * i)), AGENCIES[a], i % 9 == 4 ? "TRANSFER" : "PROVISION",
                    BUSINESSES[a], basis, items, outcome, i < 40));
        }
        return list;
    }

    /** A deleted person nothing was provided about. */
    static DisclosureForm quiet() {
        List<Item> record = List.of(
                new Item("juminhyo_code", "23456789012"),
                new Item("name_kanji", "見本　太郎"),
                new Item("name_kana", "ミホン　タロウ"),
                new Item("birth_date", "1923-02-29"),
                new Item("sex", "1"),
                new Item("address_text", "国外"),
                new Item("last_address_text", "東京都八王子市見本町四丁目5番6号"),
                new Item("change_date", "2019-05-01"),
                new Item("status", "1"),
                new Item("reason", "MOVE_OUT_ABROAD"));
        return new DisclosureForm("R7-開示-000124", LocalDate.of(2019, 5, 7), "東京都知事", "R7-請求-000046",
                Store.FUHYO, record, true, List.of(),
                List.of(new Change(LocalDate.of(2019, 5, 1), "MOVE_OUT_ABROAD", Instant.parse("2019-05-07T00:12:00Z"),
                        List.of("address_text", "last_address_text", "status"))),
                List.of(), List.of());
    }

    /** 1 → 一, 27 → 二十七, 150 → 百五十. */
    static String kanji(int n) {
        StringBuilder b = new StringBuilder();
        if (n >= 100) {
            b.append(n / 100 == 1 ? "" : KANJI_NUMBERS[n / 100 - 1]).append("百");
            n %= 100;
        }
        if (n >= 10) {
            b.append(n / 10 == 1 ? "" : KANJI_NUMBERS[n / 10 - 1]).append("十");
            n %= 10;
        }
        if (n > 0) {
            b.append(KANJI_NUMBERS[n - 1]);
        }
        return b.toString();
    }
}
