/**
 * The audit tap (R-AUD-MSG): every request, reply and refusal on every line becomes an audit
 * record — persons only as a keyed hash — sent through a persistent queue to one writer that
 * appends it to the audit table, so traffic never waits on it. The chain (its verification,
 * exports and trims) and a person's history; {@link jp.tokyo.juki.audit.AuditDesk} is an
 * auditor's actions on them, called by the operator API and the console.
 */
package jp.tokyo.juki.audit;
