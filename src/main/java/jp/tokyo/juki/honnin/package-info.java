/**
 * The honnin store (都道府県知事保存本人確認情報ファイル): applying CS update notifications
 * (R-UPD) after the store's logical checks (R-VAL-LOGIC), history, idempotency and the
 * outbox of national notices, all in one transaction per group of requests.
 */
package jp.tokyo.juki.honnin;
