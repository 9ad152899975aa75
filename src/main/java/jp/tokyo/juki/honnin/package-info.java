/**
 * The honnin store (都道府県知事保存本人確認情報ファイル): how CS update notifications (R-UPD)
 * change {@code honnin.resident} — its rows, logical checks (R-VAL-LOGIC), the
 * {@code HONNIN_NOTICE} and the items of its consistency check. The transaction, history,
 * idempotency and outbox are {@code store}'s, one transaction per group of requests.
 */
package jp.tokyo.juki.honnin;
