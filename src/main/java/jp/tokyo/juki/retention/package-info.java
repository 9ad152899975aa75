/**
 * Retention and erasure (SPEC R-RET): scheduled, audited jobs that erase what is past its period —
 * history and deleted persons after 150 years, idempotency records after their window, provision
 * records and audit archives after theirs — irrecoverably (DELETE in chunks, then VACUUM), on
 * their own database role. Operators see and start them on the operator API ({@code RETENTION}).
 */
package jp.tokyo.juki.retention;
