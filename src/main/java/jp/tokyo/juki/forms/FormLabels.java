package jp.tokyo.juki.forms;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Japanese names a form prints for the codes of {@link DisclosureForm}: item column names of
 * both stores and of agency answers, 異動事由 ({@code record.Reason} names), provision kinds,
 * national lines, notice types and every status a notice or a provision row may carry. A code it
 * does not know is printed as it is, so nothing is hidden from the person by a missing label.
 */
public final class FormLabels {

    private static final Map<String, String> ITEMS = Map.ofEntries(
            Map.entry("juminhyo_code", "住民票コード"),
            Map.entry("name_kanji", "漢字氏名"),
            Map.entry("name_kana", "ふりがな氏名"),
            Map.entry("name_gaiji_count", "外字数（氏名）"),
            Map.entry("birth_date", "生年月日"),
            Map.entry("sex", "性別"),
            Map.entry("address_text", "住所"),
            Map.entry("address", "住所"),
            Map.entry("address_gaiji_count", "外字数（住所）"),
            Map.entry("address_municipality_code", "住所の市町村コード"),
            Map.entry("last_address_text", "最終住所"),
            Map.entry("last_address_gaiji_count", "外字数（最終住所）"),
            Map.entry("my_number", "個人番号"),
            Map.entry("reason", "異動事由"),
            Map.entry("change_date", "異動年月日"),
            Map.entry("retention_flag", "保存期間フラグ"),
            Map.entry("municipality_code", "市町村コード"),
            Map.entry("aza_code", "大字・字コード"),
            Map.entry("notified_date", "通知を受けた年月日"),
            Map.entry("updated_at", "更新日時"),
            Map.entry("gaiji_flag", "外字フラグ"),
            Map.entry("gaiji_pattern", "外字パターン"),
            Map.entry("deleted", "消除"),
            Map.entry("name_gaiji_change_seq", "氏名外字変更連番"),
            Map.entry("address_gaiji_change_seq", "住所外字変更連番"),
            Map.entry("former_surname_kanji", "旧氏（漢字）"),
            Map.entry("former_surname_kana", "旧氏（ふりがな）"),
            Map.entry("former_surname_gaiji_count", "外字数（旧氏）"),
            Map.entry("former_surname_gaiji_change_seq", "旧氏外字変更連番"),
            Map.entry("former_juminhyo_code", "旧住民票コード"),
            Map.entry("managing_municipality_code", "附票管理市町村コード"),
            Map.entry("status", "附票本人確認情報状態区分"),
            Map.entry("notice_kind", "通知区分"));

    private static final Map<String, String> REASONS = Map.ofEntries(
            Map.entry("BIRTH", "出生"),
            Map.entry("MOVE_IN", "転入"),
            Map.entry("MOVE_IN_FROM_ABROAD", "国外からの転入"),
            Map.entry("EX_OFFICIO_ENTRY", "職権記載"),
            Map.entry("REISSUE_ENTRY", "改製・再製（記載）"),
            Map.entry("CANCEL_DECREASE", "異動の取消し（増）"),
            Map.entry("MOVE_OUT", "転出"),
            Map.entry("MOVE_OUT_ABROAD", "国外への転出"),
            Map.entry("DEATH", "死亡"),
            Map.entry("EX_OFFICIO_DELETION", "職権消除"),
            Map.entry("REISSUE_DELETION", "改製・再製（消除）"),
            Map.entry("CANCEL_INCREASE", "異動の取消し（減）"),
            Map.entry("MOVE_WITHIN", "転居"),
            Map.entry("MINOR_CORRECTION", "軽微な修正"),
            Map.entry("EX_OFFICIO_CORRECTION", "職権修正"),
            Map.entry("CLERICAL_CORRECTION", "誤記修正"),
            Map.entry("MY_NUMBER_CHANGE", "個人番号の変更"),
            Map.entry("JUMINHYO_CODE_CHANGE", "住民票コードの変更"),
            Map.entry("FORMER_SURNAME", "旧氏の記載・変更・削除"),
            Map.entry("CANCEL_CHANGE", "異動の取消し（修正）"));

    private static final Map<String, String> KINDS = Map.of(
            "PROVISION", "提供",
            "TRANSFER", "移転");

    private static final Map<String, String> LINES = Map.of(
            "NATIONAL", "地方公共団体情報システム機構（本人確認情報）",
            "NATIONAL_FUHYO", "地方公共団体情報システム機構（附票本人確認情報）");

    private static final Map<String, String> NOTICE_TYPES = Map.of(
            "HONNIN_NOTICE", "本人確認情報の通知",
            "FUHYO_NOTICE", "附票本人確認情報の通知");

    private static final Map<String, String> OUTCOMES = Map.ofEntries(
            Map.entry("FOUND", "提供"),
            Map.entry("NOT_FOUND", "該当者なし"),
            Map.entry("MULTIPLE", "複数該当"),
            Map.entry("REFUSED", "拒否"),
            Map.entry("INVALID", "照会不備"),
            Map.entry("FOUND_NATIONAL", "提供（機構）"),
            Map.entry("MISMATCH", "照合不一致"),
            Map.entry("ACK", "受理"),
            Map.entry("NACK", "不受理"),
            Map.entry("DUPLICATE", "受理済（重複）"),
            Map.entry("SENT", "送信"),
            Map.entry("NO_CONNECTION", "接続できず"),
            Map.entry("NO_REPLY", "応答なし"),
            Map.entry("DEAD_LETTER", "未達"),
            Map.entry("FAILED", "失敗"));

    private static final Map<String, String> SEXES = Map.of("1", "男", "2", "女");
    private static final Map<String, String> FUHYO_STATUSES = Map.of("1", "国外転出者");
    private static final Map<String, String> NOTICE_KINDS = Map.of(
            "ENTRY", "記載", "CHANGE", "修正", "DELETION", "消除");

    private FormLabels() {
    }

    /** The name of an item column, e.g. {@code name_kanji} → 氏名（漢字）. */
    public static String item(String code) {
        return label(ITEMS, code);
    }

    /** The names of several item columns, joined with 、 ({@code なし} for none). */
    public static String items(List<String> codes) {
        if (codes == null || codes.isEmpty()) {
            return "なし";
        }
        return codes.stream().map(FormLabels::item).collect(Collectors.joining("、"));
    }

    /** 異動事由 for a {@code record.Reason} name, e.g. {@code MOVE_IN} → 転入. */
    public static String reason(String code) {
        return label(REASONS, code);
    }

    /** 提供 or 移転. */
    public static String kind(String code) {
        return label(KINDS, code);
    }

    /** The national server a line leads to. */
    public static String line(String code) {
        return label(LINES, code);
    }

    /** The kind of a notice to a national server. */
    public static String noticeType(String code) {
        return label(NOTICE_TYPES, code);
    }

    /** What became of a provision row or a notice, e.g. {@code MISMATCH} → 不一致（提供せず）. */
    public static String outcome(String code) {
        return label(OUTCOMES, code);
    }

    /**
     * An item's value as the form prints it: sex, reason, state and notice kind by name, dates in
     * 和暦 with the Western date beside, the rest as stored.
     */
    public static String value(String code, String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        return switch (code == null ? "" : code) {
            case "sex" -> label(SEXES, value);
            case "reason" -> reason(value);
            case "status" -> label(FUHYO_STATUSES, value);
            case "notice_kind" -> label(NOTICE_KINDS, value);
            case "deleted" -> "true".equals(value) ? "消除" : "false".equals(value) ? "現存" : value;
            case "birth_date", "change_date", "notified_date" -> Wareki.storedDate(value, true);
            default -> value;
        };
    }

    private static String label(Map<String, String> labels, String code) {
        if (code == null) {
            return "";
        }
        return labels.getOrDefault(code, code);
    }
}
