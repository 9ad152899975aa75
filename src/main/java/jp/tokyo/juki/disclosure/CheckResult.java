package jp.tokyo.juki.disclosure;

/** The result of checking a requester against the record (4 items 突合). Only MATCHED produces a form. */
public enum CheckResult {
    /** not yet checked */
    REGISTERED,
    /** exactly one person has the 4 items (and the stated 住民票コード, if one was stated) */
    MATCHED,
    /** nobody has the 4 items, or the stated 住民票コード is not in the store */
    NOT_FOUND,
    /** more than one person has the 4 items: ask for the 住民票コード */
    MULTIPLE,
    /** the stated 住民票コード's record differs from the 4 items stated */
    MISMATCH
}
