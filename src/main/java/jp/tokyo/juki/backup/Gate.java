package jp.tokyo.juki.backup;

import java.security.cert.X509Certificate;
import java.util.List;
import javax.sql.DataSource;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.RevocationList;

/**
 * Who may write or restore a backup: the administrator's login against the operator register, which
 * only exists once the embedded database has been started on the data directory (the backup's own,
 * or the one just unpacked from the archive). Given by the command (the operator capability decides
 * who an operator is and what they may do, DESIGN §2); this package only asks.
 */
public interface Gate {
    /**
     * Logs the operator in on {@code ds} (the database owner's pool; the login is audited there), with
     * their certificate checked against {@code cas} and {@code crl} (null: no CRL), and requires the
     * permission to back up; their operator ID.
     *
     * @throws BackupRefused why not, with the login's code
     */
    String admit(DataSource ds, GatewayConfig cfg, List<X509Certificate> cas, RevocationList crl) throws BackupRefused;

    /** The operator ID the certificate names when {@link #admit} refused before it was proven, or null. */
    String claimed();
}
