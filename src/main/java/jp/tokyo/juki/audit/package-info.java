/**
 * The audit tap (R-AUD-MSG): every request, reply and refusal on every line becomes an audit
 * record — persons only as a keyed hash — sent through a persistent queue to one writer that
 * appends it to the audit table, so traffic never waits on it.
 */
package jp.tokyo.juki.audit;
