package jp.tokyo.juki.audit;

import jp.tokyo.juki.wire.Status;

/**
 * What became of an audited exchange: the {@code status} column of {@code audit.record}, stored
 * as {@link #name()}. The first three are the reply statuses of the wire (PROTOCOL §2.3).
 */
public enum AuditStatus {
    /** answered ACK (by the gateway, or by a national server) */
    ACK,
    /** answered NACK */
    NACK,
    /** answered DUPLICATE: accepted before, nothing applied again */
    DUPLICATE,
    /** refused: a request, handshake, connection, login, file or operator command; nothing done */
    REFUSED,
    /** a consistency session closed by the gateway (idle too long) */
    CLOSED,
    /** a national query sent; its answer is a record of its own */
    SENT,
    /** no connection to the national server */
    NO_CONNECTION,
    /** no answer from the national server in time */
    NO_REPLY,
    /** a notice the national server never took, moved to the dead-letter queue */
    DEAD_LETTER,
    /** an audit record the audit store refused, kept in the audit's dead-letter queue */
    SET_ASIDE,
    /** a My Number handed out for a delivery (R-LINK) */
    GRANTED,
    /** an allowed action that could not be done (database or broker unavailable, gone meanwhile) */
    FAILED,
    /** a delivery confirmed for which nothing was held */
    NOTHING_HELD,
    /** erased: held My Numbers, an answer left too long, a stale upload */
    ERASED,
    /** held My Numbers erased after the longest hold allowed */
    PURGED,
    /** the SFTP host key replaced */
    REPLACED,
    /** an agency request waiting for a manager's decision */
    WAITING,
    /** an agency request approved by a manager */
    APPROVED,
    /** an agency request rejected by a manager */
    REJECTED,
    /** an agency request taken back from {@code inbox/} before it was answered */
    WITHDRAWN,
    /** an agency request answered */
    ANSWERED,
    /** an agency answer collected (removed from {@code outbox/} by the agency) */
    COLLECTED,
    /** an operator's dead-letter action, allowed and about to happen */
    ALLOWED,
    /** {@code audit verify}: the chain is intact */
    INTACT,
    /** {@code audit verify}: the chain is broken */
    BROKEN,
    /** {@code audit query}: an operator asked for a person's records */
    ASKED,
    /** {@code audit export}: records written to an archive */
    EXPORTED,
    /** {@code audit trim}: archived records removed from the table */
    TRIMMED;

    /** The audit status of a reply's status. */
    public static AuditStatus of(Status status) {
        return switch (status) {
            case ACK -> ACK;
            case NACK -> NACK;
            case DUPLICATE -> DUPLICATE;
        };
    }
}
