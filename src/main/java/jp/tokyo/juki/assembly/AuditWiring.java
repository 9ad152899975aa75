package jp.tokyo.juki.assembly;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import jp.tokyo.juki.audit.AuditAccepted;
import jp.tokyo.juki.audit.AuditChain;
import jp.tokyo.juki.audit.AuditCheckpoints;
import jp.tokyo.juki.audit.AuditLag;
import jp.tokyo.juki.audit.AuditSettings;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.audit.AuditWriter;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.platform.DatabaseSettings;
import jp.tokyo.juki.platform.Broker;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit's parts: the tap every flow records through, the writer that chains the records into
 * the database, the lag that readiness and the CS line watch, and the signed checkpoints (the
 * gateway's own key, every {@code juki.audit.checkpoint-seconds}).
 */
public final class AuditWiring {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWiring.class);

    private AuditWiring() {
    }

    /** What the gateway starts before its routes and stops after them, in this order. */
    record Parts(AuditTap tap, AuditWriter writer, AuditLag lag, AuditCheckpoints checkpoints) {
    }

    static Parts wire(GatewayConfig config, KeyMaterial keys, PersonHasher hasher, EmbeddedDatabase database, Broker broker)
            throws IOException, GeneralSecurityException, SQLException {
        AuditTap tap = new AuditTap(broker.connectionFactory(), Broker.AUDIT_QUEUE, hasher);
        boolean chained = config.get(AuditSettings.HASH_CHAIN);
        if (!chained) {
            LOG.warn("juki.audit.hash-chain=false: audit records are written without the hash chain and cannot be "
                    + "verified until a start with the chain on puts them into it; for measuring the chain's cost only");
        } else {
            chainLeftovers(database);
        }
        AuditWriter writer = new AuditWriter(broker.connectionFactory(), Broker.AUDIT_QUEUE, database.dataSource(), chained)
                .boundedBy(config.get(DatabaseSettings.NETWORK_TIMEOUT));
        AuditLag lag = new AuditLag(tap, writer, config.get(AuditSettings.MAX_LAG),
                Clock.systemUTC());
        return new Parts(tap, writer, lag, checkpoints(config, keys, database));
    }

    /**
     * Puts records written while {@code juki.audit.hash-chain} was false into the chain, in the order
     * they were written, so one such run does not leave the audit unverifiable for good.
     */
    private static void chainLeftovers(EmbeddedDatabase database) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            c.setAutoCommit(false);
            long chained = AuditChain.chainUnchained(c);
            c.commit();
            if (chained > 0) {
                LOG.warn(
                        "{} audit record(s) written without the hash chain were put into it now", chained);
            }
        }
    }

    /**
     * A line's audit step: {@code tapStep} as it is, or, with {@code juki.audit.reply-after-broker}, followed by
     * a wait (no thread held) until its records are committed on the broker ({@link AuditAccepted}).
     */
    static Processor tapStep(GatewayConfig config, Processor tapStep, AuditTap tap) {
        return config.get(AuditSettings.REPLY_AFTER_BROKER)
                ? new AuditAccepted(tapStep, tap, config.get(AuditSettings.MAX_LAG)) : tapStep;
    }

    public static AuditCheckpoints checkpoints(GatewayConfig config, KeyMaterial keys, EmbeddedDatabase database)
            throws IOException, GeneralSecurityException {
        KeyMaterial.Signer gateway = keys.signer(Identities.GATEWAY);
        return new AuditCheckpoints(database.dataSource(), gateway.key(), gateway.certificate(),
                config.get(AuditSettings.CHECKPOINT));
    }
}
