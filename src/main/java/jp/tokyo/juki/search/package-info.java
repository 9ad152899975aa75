/**
 * The operators' search of the stores (R-SRCH) and its count per operator (検索件数, R-AUD-ANALYSIS):
 * {@link jp.tokyo.juki.search.PersonSearch} finds persons in the honnin and fuhyo stores — each read on
 * its own database role — by 住民票コード, My Number or the 4 items under the one matching rule
 * ({@code record.NameKeys}, {@code store.SearchKeys}), capped and counted, and records each search with
 * its purpose and the persons shown (keyed hashes); {@link jp.tokyo.juki.search.SearchReport} counts
 * those records per operator and day and lists the searches outside working hours.
 *
 * <p>It uses {@code store}, {@code record} and {@code audit}; the operator port ({@code api},
 * {@code console}) is its client and hands it the authenticated operator as an {@code audit.Actor}.
 */
package jp.tokyo.juki.search;
