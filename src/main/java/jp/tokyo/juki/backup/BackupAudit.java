package jp.tokyo.juki.backup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import jp.tokyo.juki.audit.AuditChain;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.GatewayEvent;

/**
 * The audit records of backups and restores (line {@code operator}, types {@code BACKUP} and
 * {@code RESTORE}), appended to the hash chain directly on the database owner's connection as the
 * other host tools do ({@link AuditWriter#insert}): peer {@code host:<OS user>}, the operator who
 * logged in (or the one their certificate names, for a refusal before the login), the archive's
 * file name as message id, and in the detail the step, the archive's SHA-256 and sizes — never a
 * person's data.
 */
final class BackupAudit {
    private BackupAudit() {
    }

    /** One record of {@code type} on {@code ds}. */
    static void append(DataSource ds, GatewayEvent type, String hostUser, String operator, String archive,
                       AuditStatus status, String code, String detail) throws SQLException {
        try (Connection c = ds.getConnection()) {
            append(c, type, hostUser, operator, archive, status, code, detail);
        }
    }

    static void append(Connection c, GatewayEvent type, String hostUser, String operator, String archive,
                       AuditStatus status, String code, String detail) throws SQLException {
        AuditWriter.insert(c, List.of(AuditEvent.of(null, AuditEvent.in(AuditLine.OPERATOR, "host:" + hostUser, type)
                .operator(operator).id(archive).status(status).code(code).detail(detail))));
    }

    /** The chain's last sequence number and hash, as committed. */
    static AuditChain.Head head(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return AuditChain.head(c);
        }
    }
}
