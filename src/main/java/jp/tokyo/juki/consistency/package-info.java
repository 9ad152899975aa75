/**
 * The consistency check (整合, SPEC R-CONS, PROTOCOL §2.4/§2.5): a CS sends its full set of
 * records in chunks; the gateway stages per-item digests in a table of the session's own, merges them with
 * the store's current persons in 住民票コード order and answers which persons differ (and in
 * which items) or are missing on either side — codes and item names only, in parts when large.
 * A session's state is in the database (schema {@code consistency}), so any gateway node takes any
 * of its requests (docs/operations/consistency.md).
 * Store-neutral: each store plugs in through a {@link jp.tokyo.juki.consistency.ConsistencySource}.
 */
package jp.tokyo.juki.consistency;
