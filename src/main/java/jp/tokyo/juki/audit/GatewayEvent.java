package jp.tokyo.juki.audit;

/**
 * The audit record's types that are not message types of the wire: what the gateway, its lines
 * and its operators do beside exchanging messages. Stored as {@link #name()} in the
 * {@code msg_type} column, like a {@link jp.tokyo.juki.wire.MessageType}.
 *
 * <p>A closed set rather than free text: the type column holds only names listed here or in
 * {@code MessageType}, so an operator can read every kind of record off these two enums, and no
 * peer's text can reach the column.
 */
public enum GatewayEvent {
    /** CS line: a TLS handshake refused (certificate revoked, expired, another CA, wrong CN) */
    TLS_HANDSHAKE,
    /** CS line: a connection refused or closed for a bound (too many, stalled frame, memory) */
    CONNECTION,
    /** CS line: a consistency session closed after being idle too long */
    CONSISTENCY_EXPIRED,
    /** national line: a notice moved to the dead-letter queue after its last retry */
    DEAD_LETTER,
    /** the audit: a record the audit store refused, set aside (its event id in {@code msg_id}) */
    AUDIT_SET_ASIDE,
    /** R-LINK: My Numbers asked for a delivery */
    MY_NUMBER_OBTAIN,
    /** R-LINK: a delivery confirmed, its held numbers erased */
    MY_NUMBER_ERASE,
    /** R-LINK: numbers held past the longest hold, erased */
    MY_NUMBER_PURGE,
    /** agency: a request file answered, refused, waiting or withdrawn */
    AGENCY_REQUEST,
    /** agency: a manager's decision on a large request */
    AGENCY_APPROVAL,
    /** agency: an answer collected or erased */
    AGENCY_ANSWER,
    /** SFTP: a connection that ended without logging in */
    SFTP_LOGIN,
    /** SFTP: a request a drop folder does not allow */
    SFTP_REQUEST,
    /** SFTP: a write past the inbox quota or entry limit */
    SFTP_QUOTA,
    /** SFTP: a stale upload or stray entry removed */
    SFTP_SWEEP,
    /** SFTP: an address banned after repeated failed logins */
    SFTP_BAN,
    /** SFTP: the host key replaced */
    SFTP_HOST_KEY,
    /** operator: {@code audit verify} */
    AUDIT_VERIFY,
    /** operator: {@code audit query} (a person's records) */
    AUDIT_QUERY,
    /** operator: {@code audit export} */
    AUDIT_EXPORT,
    /** operator: {@code audit trim} */
    AUDIT_TRIM,
    /** operator: {@code dlq list} */
    DLQ_LIST,
    /** operator: {@code dlq show} (masked) */
    DLQ_SHOW,
    /** operator: {@code dlq show --reveal} */
    DLQ_REVEAL,
    /** operator: {@code dlq replay} */
    DLQ_REPLAY,
    /** operator: {@code dlq discard} */
    DLQ_DISCARD,
    /** operator: the first administrator created on the host ({@code operators bootstrap}) */
    OPERATOR_BOOTSTRAP,
    /** operator register: an operator issued, changed (roles, terminals, password), reviewed, unlocked or revoked */
    OPERATOR_REGISTER,
    /** operator: a login, successful, failed or refused (locked, revoked, terminal not allowed) */
    OPERATOR_LOGIN,
    /** operator: a session ended (logout, idle lock, absolute limit) */
    OPERATOR_SESSION,
    /** operator API: a request allowed, recorded before it takes effect */
    API_REQUEST,
    /** operator API: a request refused (401, 403, CSRF, bad input) */
    API_REFUSED,
    /** operator: a person search, with its purpose and the persons shown (keyed hashes) */
    PERSON_SEARCH,
    /** operator: the report of searches per operator (検索件数) */
    SEARCH_REPORT,
    /** disclosure: a request registered, checked against the record (突合), or closed */
    DISCLOSURE_REQUEST,
    /** the form register (帳票管理簿): a form printed, handed over or destroyed */
    DISCLOSURE_FORM,
    /** a correction or stop-of-use request registered, or its outcome */
    CORRECTION_REQUEST,
    /** operator: a statistics report */
    STATISTICS,
    /** retention: rows past their period erased by a scheduled or requested run */
    RETENTION_ERASE,
    /** a backup archive written (or refused): who, which data directory, the archive's digest */
    BACKUP,
    /** a backup archive restored into an empty data directory (or refused) */
    RESTORE,
    /** a node took or lost a lease (one node at a time: an agency's drop folder, the SFTP server, a singleton timer) */
    NODE_LEASE,
    /** a node refused to start: a shared secret (audit key, SFTP host key, CA) differs from the cluster's */
    NODE_SECRET
}
