package jp.tokyo.juki.audit;

/**
 * Who takes an operator's action, as the audit records name them: the operator ID of the session
 * (never a name typed by the caller) and the terminal the operator logged in at. The desks of the
 * operator tools ({@link AuditDesk}, the dead-letter desk) take one with every action.
 *
 * @param operatorId the session's operator (recorded in {@code operator_id}, and as the peer {@code operator:<ID>})
 * @param terminal   the session's terminal (recorded in {@code terminal_id})
 */
public record Actor(String operatorId, String terminal) {
    /** The peer of the actor's audit records: {@code operator:<ID>}, as the operator register's records name it. */
    public String peer() {
        return "operator:" + operatorId;
    }
}
