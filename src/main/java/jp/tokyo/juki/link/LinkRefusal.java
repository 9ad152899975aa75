package jp.tokyo.juki.link;

/**
 * Why the bridge would not give a My Number: the audit code and the reason, never a value.
 * Checked in this order, so the first that applies is the one recorded.
 */
public enum LinkRefusal {
    /** business, requester, delivery id or 住民票コード missing or not in their format */
    MALFORMED_REQUEST("L100", "request: business, requester, delivery id or juminhyo code malformed"),
    /** 番号法 Art. 9 does not let this requester use the My Number for this business */
    BUSINESS_NOT_ALLOWED("L110", "番号法 does not allow the My Number for this business"),
    NOT_IN_FUHYO("L120", "person is not in the fuhyo store"),
    /** the annex record was deleted (消除) */
    DELETED_IN_FUHYO("L121", "person is deleted in the fuhyo store"),
    /** 附票本人確認情報状態区分 is not 1 (国外転出者) */
    NOT_ABROAD("L122", "person is not abroad (国外転出者) in the fuhyo store"),
    NOT_IN_HONNIN("L130", "person is not in the honnin store"),
    /** deleted for another reason than 国外転出: died, moved to another prefecture, code changed … */
    DELETED_IN_HONNIN("L131", "person's honnin record was deleted other than by moving abroad"),
    /** the delivery already holds this person's number for another business or requester */
    DELIVERY_CONFLICT("L140", "delivery holds this person for another business or requester");

    private final String code;
    private final String reason;

    LinkRefusal(String code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    /** The audit code ({@code audit.record.code}). */
    public String code() {
        return code;
    }

    public String reason() {
        return reason;
    }
}
