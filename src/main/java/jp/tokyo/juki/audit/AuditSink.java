package jp.tokyo.juki.audit;

/**
 * Where one exchange's audit record goes: the gateway's {@link AuditTap}, or — for an operator
 * tool running outside the gateway — records written straight into the audit table with
 * {@link AuditWriter#insert}. Callers hand over 住民票コード in plain; only keyed hashes are kept.
 */
@FunctionalInterface
public interface AuditSink {
    /** Records one exchange, built with {@link AuditEvent#in} or {@link AuditEvent#out}. */
    void record(AuditEvent.Draft event);
}
