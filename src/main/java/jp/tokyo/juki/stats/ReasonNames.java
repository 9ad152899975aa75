package jp.tokyo.juki.stats;

import java.util.EnumMap;
import java.util.Map;
import jp.tokyo.juki.record.Reason;

/** The Japanese name of each 異動事由 ({@link Reason}), as the reports' row labels show it. */
public final class ReasonNames {
    private static final Map<Reason, String> NAMES = new EnumMap<>(Reason.class);

    static {
        NAMES.put(Reason.BIRTH, "出生");
        NAMES.put(Reason.MOVE_IN, "国内転入");
        NAMES.put(Reason.MOVE_IN_FROM_ABROAD, "国外転入等");
        NAMES.put(Reason.EX_OFFICIO_ENTRY, "職権記載");
        NAMES.put(Reason.REISSUE_ENTRY, "改製・再製（記載）");
        NAMES.put(Reason.CANCEL_DECREASE, "異動の取消し（増）");
        NAMES.put(Reason.MOVE_OUT, "国内転出");
        NAMES.put(Reason.MOVE_OUT_ABROAD, "国外転出");
        NAMES.put(Reason.DEATH, "死亡");
        NAMES.put(Reason.EX_OFFICIO_DELETION, "職権消除");
        NAMES.put(Reason.REISSUE_DELETION, "改製・再製（消除）");
        NAMES.put(Reason.CANCEL_INCREASE, "異動の取消し（減）");
        NAMES.put(Reason.MOVE_WITHIN, "転居");
        NAMES.put(Reason.MINOR_CORRECTION, "軽微な修正");
        NAMES.put(Reason.EX_OFFICIO_CORRECTION, "職権修正");
        NAMES.put(Reason.CLERICAL_CORRECTION, "誤記修正");
        NAMES.put(Reason.MY_NUMBER_CHANGE, "個人番号の変更");
        NAMES.put(Reason.JUMINHYO_CODE_CHANGE, "住民票コードの変更");
        NAMES.put(Reason.FORMER_SURNAME, "旧氏の記載・変更・削除");
        NAMES.put(Reason.CANCEL_CHANGE, "異動の取消し（修正）");
    }

    private ReasonNames() {
    }

    /** The Japanese name of the reason stored as {@code code}; an unknown code as it is. */
    public static String of(String code) {
        return Reason.parse(code).map(NAMES::get).orElse(code);
    }
}
