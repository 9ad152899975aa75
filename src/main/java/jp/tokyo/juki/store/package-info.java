/**
 * What the two stores (honnin, fuhyo) share as code, not data: the update transaction with its
 * idempotency, sequence and outbox ({@code UpdateTransaction}), the group commit, a person table
 * with its history, the logical checks' verdict, the national notice's frame and the consistency
 * check's view of a store. Each store brings its rows, rules and queries.
 *
 * <p>It may import {@code wire}, {@code record}, {@code platform} and {@code consistency} (the
 * check a store takes part in); never a store ({@code honnin}, {@code fuhyo}) — they import it.
 */
package jp.tokyo.juki.store;
