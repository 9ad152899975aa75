package jp.tokyo.juki.record;

import java.util.Optional;

/** 異動事由: why a record changed (PROTOCOL §3.3), grouped by what it does to the store. */
public enum Reason {
    /** 出生 */ BIRTH(Kind.ENTRY),
    /** 国内転入 */ MOVE_IN(Kind.ENTRY),
    /** 国外転入等 */ MOVE_IN_FROM_ABROAD(Kind.ENTRY),
    /** 職権記載 (incl. 帰化等) */ EX_OFFICIO_ENTRY(Kind.ENTRY),
    /** 改製・再製 (記載) */ REISSUE_ENTRY(Kind.ENTRY),
    /** 異動の取消し（増） */ CANCEL_DECREASE(Kind.ENTRY),
    /** 国内転出 */ MOVE_OUT(Kind.DELETION),
    /** 国外転出 */ MOVE_OUT_ABROAD(Kind.DELETION),
    /** 死亡 */ DEATH(Kind.DELETION),
    /** 職権消除 (incl. 国籍喪失) */ EX_OFFICIO_DELETION(Kind.DELETION),
    /** 改製・再製 (消除) */ REISSUE_DELETION(Kind.DELETION),
    /** 異動の取消し（減） */ CANCEL_INCREASE(Kind.DELETION),
    /** 転居: move within the municipality */ MOVE_WITHIN(Kind.CHANGE),
    /** 軽微な修正 */ MINOR_CORRECTION(Kind.CHANGE),
    /** 職権修正 */ EX_OFFICIO_CORRECTION(Kind.CHANGE),
    /** 誤記修正 */ CLERICAL_CORRECTION(Kind.CHANGE),
    /** 個人番号の変更請求・職権修正・職権記載 */ MY_NUMBER_CHANGE(Kind.CHANGE),
    /** 住民票コードの変更請求・職権記載 (the body carries formerJuminhyoCode) */ JUMINHYO_CODE_CHANGE(Kind.CHANGE),
    /** 旧氏の記載・変更・削除 */ FORMER_SURNAME(Kind.CHANGE),
    /** 異動の取消し（修正） */ CANCEL_CHANGE(Kind.CHANGE);

    /** 記載 / 消除 / 修正 */
    public enum Kind { ENTRY, DELETION, CHANGE }

    private final Kind kind;

    Reason(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static Optional<Reason> parse(String text) {
        for (Reason r : values()) {
            if (r.name().equals(text)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
