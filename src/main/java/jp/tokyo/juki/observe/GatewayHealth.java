package jp.tokyo.juki.observe;

import jakarta.jms.ConnectionFactory;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import javax.sql.DataSource;

/**
 * The gateway's health checks, bound as beans so Camel's health-check registry finds them
 * (camel.health.registry-enabled): readiness on the database, the broker and the certificates;
 * in the overall state also the national servers, the CRL and the dead letters.
 */
public final class GatewayHealth {
    private GatewayHealth() {
    }

    /** A certificate by what it is to the gateway, e.g. {@code gateway}, {@code ca}. */
    public record Certificate(String name, X509Certificate certificate) {
    }

    /** What the checks look at. */
    public record Parts(DataSource owner, ConnectionFactory broker, List<Certificate> certificates, Path crl,
                        ObserveSampler sampler, List<String> nationalServers, ExecutorService probes, long timeoutMs,
                        Duration certWarnAhead, Clock clock) {
    }

    public static void register(BiConsumer<String, Object> bind, Parts p) {
        bind.accept("jukiDatabaseCheck", new DatabaseCheck(p.owner(), p.probes(), p.timeoutMs()));
        bind.accept("jukiBrokerCheck", new BrokerCheck(p.broker(), p.probes(), p.timeoutMs()));
        bind.accept("jukiCertificateCheck", new CertificateCheck(p.certificates(), p.certWarnAhead(), p.clock()));
        bind.accept("jukiCrlCheck", new CrlCheck(p.crl(), p.clock()));
        bind.accept("jukiDeadLetterCheck", new DeadLetterCheck(p.sampler()));
        for (String server : p.nationalServers()) {
            bind.accept("jukiNational" + server + "Check", new NationalCheck(p.sampler(), server));
        }
    }
}
