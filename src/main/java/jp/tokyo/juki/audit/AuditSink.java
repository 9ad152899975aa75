package jp.tokyo.juki.audit;

import java.util.List;

/**
 * Where one exchange's audit record goes: the gateway's {@link AuditTap}, or — for an operator
 * tool running outside the gateway — records written straight into the audit table with
 * {@link AuditWriter#insert}. Callers hand over 住民票コード in plain; only keyed hashes are kept.
 */
@FunctionalInterface
public interface AuditSink {
    /** See {@link AuditEvent} for the members; {@code juminhyoCodes} are the persons concerned, in plain. */
    void record(String line, String direction, String peer, String type, String messageId, String sender,
                String status, String code, String detail, List<String> juminhyoCodes);
}
