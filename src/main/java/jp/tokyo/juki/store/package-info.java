/**
 * What the two stores (honnin, fuhyo) share as code, not data: the update transaction with its
 * idempotency, sequence and outbox ({@link jp.tokyo.juki.store.UpdateTransaction}), the group
 * commit, a person table with its history, the logical checks' verdict, the national notice's
 * frame and the consistency check's view of a store. Each store brings its rows, rules and queries.
 */
package jp.tokyo.juki.store;
