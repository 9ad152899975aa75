package jp.tokyo.juki.assembly;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import jp.tokyo.juki.audit.AuditCheckpoints;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;

/** The audit chain's signed checkpoints: the gateway's own key, every {@code juki.audit.checkpoint-seconds}. */
public final class AuditWiring {
    private AuditWiring() {
    }

    /**
     * Puts records written while {@code juki.audit.hash-chain} was false into the chain, in the order
     * they were written, so one such run does not leave the audit unverifiable for good.
     */
    static void chainLeftovers(EmbeddedDatabase database) throws java.sql.SQLException {
        try (java.sql.Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            long chained = jp.tokyo.juki.audit.AuditChain.chainUnchained(c);
            c.commit();
            if (chained > 0) {
                org.slf4j.LoggerFactory.getLogger(AuditWiring.class).warn(
                        "{} audit record(s) written without the hash chain were put into it now", chained);
            }
        }
    }

    public static AuditCheckpoints checkpoints(GatewayConfig config, KeyMaterial keys, EmbeddedDatabase database)
            throws IOException, GeneralSecurityException {
        KeyMaterial.Signer gateway = keys.signer(Identities.GATEWAY);
        int seconds = config.getInt("juki.audit.checkpoint-seconds", 60);
        if (seconds < 1 || seconds > 3600) {
            throw new IllegalArgumentException("configuration: juki.audit.checkpoint-seconds must be 1-3600, is " + seconds);
        }
        return new AuditCheckpoints(database.dataSource(), gateway.key(), gateway.certificate(), Duration.ofSeconds(seconds));
    }
}
