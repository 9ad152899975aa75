package jp.tokyo.juki.cli;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import jp.tokyo.juki.audit.AuditCheckpoints;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.KeyMaterial;

/** The audit chain's signed checkpoints: the gateway's own key, every {@code juki.audit.checkpoint-seconds}. */
final class AuditWiring {
    private AuditWiring() {
    }

    static AuditCheckpoints checkpoints(GatewayConfig config, KeyMaterial keys, EmbeddedDatabase database)
            throws IOException, GeneralSecurityException {
        KeyStore gateway = keys.keyStore(Identities.GATEWAY);
        PrivateKey key = (PrivateKey) gateway.getKey(Identities.GATEWAY, keys.password());
        X509Certificate certificate = (X509Certificate) gateway.getCertificate(Identities.GATEWAY);
        int seconds = config.getInt("juki.audit.checkpoint-seconds", 60);
        if (seconds < 1 || seconds > 3600) {
            throw new IllegalArgumentException("configuration: juki.audit.checkpoint-seconds must be 1-3600, is " + seconds);
        }
        return new AuditCheckpoints(database.dataSource(), key, certificate, Duration.ofSeconds(seconds));
    }
}
