package jp.tokyo.juki.cli;

import java.security.cert.X509Certificate;
import java.util.List;
import javax.sql.DataSource;
import jp.tokyo.juki.backup.BackupRefused;
import jp.tokyo.juki.backup.Gate;
import jp.tokyo.juki.operator.HostLogin;
import jp.tokyo.juki.operator.Permission;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.RevocationList;

/** The gate of {@code backup} and {@code restore}: an administrator's {@link HostLogin} with {@link Permission#BACKUP}. */
final class HostLoginGate implements Gate {
    private final HostLogin.Credentials creds;
    private String claimed;

    HostLoginGate(HostLogin.Credentials creds) {
        this.creds = creds;
    }

    @Override
    public String admit(DataSource ds, GatewayConfig cfg, List<X509Certificate> cas, RevocationList crl) throws BackupRefused {
        try {
            HostLogin.Identified who = HostLogin.identify(creds, cas, crl);
            claimed = who.operatorId();
            return HostLogin.login(ds, cfg, who, creds, Permission.BACKUP).operatorId();
        } catch (HostLogin.Refused r) {
            throw new BackupRefused(r.code(), r.reason());
        }
    }

    @Override
    public String claimed() {
        return claimed;
    }
}
