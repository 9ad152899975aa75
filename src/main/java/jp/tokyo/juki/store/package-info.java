/**
 * The store machinery both stores (honnin, fuhyo) share: the update transaction of a group of
 * checked notifications (idempotency, the 更新順番号 sequence, the transactional outbox of
 * national notices), group commit across connections, and a store's table of persons with its
 * history. Each store says how its rows map to columns and how an update changes them.
 *
 * <p>It may import {@code wire}, {@code record} and {@code platform}; never a store
 * ({@code honnin}, {@code fuhyo}) — they import it.
 */
package jp.tokyo.juki.store;
