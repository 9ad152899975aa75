/**
 * What the two stores (honnin, fuhyo) share as code, not data: the update transaction with its
 * idempotency, sequence and outbox ({@code UpdateTransaction}), the group commit, a person table
 * with its history, the logical checks' verdict, the national notice's frame and the consistency
 * check's view of a store. Each store brings its rows, rules and queries.
 *
 * <p>It may use the foundation ({@code record}, {@code wire}, {@code security}, {@code platform}),
 * {@code consistency} (it plugs each store into the check) and {@code audit}; never a store
 * ({@code honnin}, {@code fuhyo}) — they use it (docs/architecture.md).
 */
package jp.tokyo.juki.store;
