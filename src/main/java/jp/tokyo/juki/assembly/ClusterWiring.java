package jp.tokyo.juki.assembly;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import jp.tokyo.juki.agency.DropFolderServer;
import jp.tokyo.juki.agency.SftpSettings;
import jp.tokyo.juki.api.ApiSettings;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.AuditTap;
import jp.tokyo.juki.audit.GatewayEvent;
import jp.tokyo.juki.audit.PersonHasher;
import jp.tokyo.juki.cs.CsLineSettings;
import jp.tokyo.juki.platform.ClusterNodes;
import jp.tokyo.juki.platform.ClusterSettings;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.SharedSecrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes one node of several (issue 14, docs/operations/cluster.md): the secrets every node must share
 * are never made by a node of several ({@code juki.cluster.enabled}), and every node — a single one too —
 * compares their fingerprints with those the cluster recorded ({@code cluster.secret}), refusing to start on
 * one that differs; the CRL's high-water mark is shared ({@code cluster.crl_seen}); then the node records
 * itself in {@code cluster.node} every few seconds.
 */
final class ClusterWiring {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWiring.class);
    static final String AUDIT_KEY = "audit-hmac.key";
    static final String SFTP_HOST_KEY = "sftp-host.key";
    static final String CA = "ca.pem";

    private ClusterWiring() {
    }

    /** A start refused because a shared secret is missing or differs (the message says which and what to do). */
    static final class SecretRefused extends IOException {
        SecretRefused(String message) {
            super(message);
        }
    }

    /**
     * The audit key of {@code keystores/audit-hmac.key}: made on first start by a single node, required of a
     * node of several, which also requires the SFTP host key when it runs the SFTP server (never made either).
     */
    static PersonHasher hasher(GatewayConfig config) throws IOException {
        boolean several = config.get(ClusterSettings.ENABLED);
        Path hostKey = config.keystoresDir().resolve(SFTP_HOST_KEY);
        if (several && config.get(SftpSettings.ENABLED) && !Files.exists(hostKey)) {
            throw new SecretRefused("the SFTP host key " + hostKey + " is missing; a node of several "
                    + "(juki.cluster.enabled=true) never makes one (the agencies' known_hosts would differ by node): copy "
                    + SFTP_HOST_KEY + " and " + SFTP_HOST_KEY + ".pub from a node of this gateway and start again "
                    + "(docs/operations/cluster.md)");
        }
        return PersonHasher.fromKeyFile(config.keystoresDir().resolve(AUDIT_KEY), !several);
    }

    /**
     * Compares this node's shared secrets with the cluster's; on a difference audits {@code NODE_SECRET} (the
     * audit tap is started for it and drained), logs which secret and both fingerprints, and refuses the start.
     * Then records this node in {@code cluster.node} (closed with the gateway).
     */
    static void check(Assembly a) throws IOException, SQLException {
        GatewayConfig config = a.config();
        String node = ClusterSettings.nodeId(config);
        a.keys().crl().shareHighWater(a.database().dataSource());
        List<SharedSecrets.Fingerprint> mine = fingerprints(a);
        List<SharedSecrets.Mismatch> differ = SharedSecrets.check(a.database().dataSource(), node, mine);
        if (!differ.isEmpty()) {
            refuse(a.audit(), node, differ);
        }
        LOG.info("shared secrets of node {} match the cluster's: {}", node,
                String.join(", ", mine.stream().map(f -> f.name() + " " + f.shown()).toList()));
        a.onClose().add(ClusterNodes.start(a.database().dataSource(), node, host(), version(),
                config.get(CsLineSettings.PORT), config.get(ApiSettings.PORT),
                Integer.parseInt(config.get("camel.management.port", "9876"))));
    }

    private static void refuse(AuditTap tap, String node, List<SharedSecrets.Mismatch> differ) throws SecretRefused {
        StringBuilder why = new StringBuilder("node " + node + " refused to start: ");
        tap.start();
        try {
            for (SharedSecrets.Mismatch m : differ) {
                LOG.error("{}", m.describe());
                why.append(m.describe()).append("; ");
                tap.record(AuditEvent.in(AuditLine.AUDIT, node, GatewayEvent.NODE_SECRET).status(AuditStatus.REFUSED)
                        .detail(m.describe()));
            }
        } finally {
            tap.stop(); // sends what it holds to the audit queue: another node writes it into the audit
        }
        throw new SecretRefused(why.append("copy the cluster's file to this node (docs/operations/cluster.md)").toString());
    }

    /** The fingerprints of this node's audit key, CA bundle and (when SFTP is enabled) SFTP host key. */
    static List<SharedSecrets.Fingerprint> fingerprints(Assembly a) throws IOException {
        List<SharedSecrets.Fingerprint> out = new ArrayList<>();
        out.add(new SharedSecrets.Fingerprint("audit-key", AUDIT_KEY, a.hasher().keyCheck()));
        List<byte[]> cas = new ArrayList<>();
        for (X509Certificate ca : a.keys().crl().cas()) {
            try {
                cas.add(ca.getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IOException(CA + ": a certificate cannot be encoded", e);
            }
        }
        out.add(new SharedSecrets.Fingerprint("ca", CA, SharedSecrets.sha256(cas)));
        // from the key file, not the running server: only the node holding the SFTP lease runs it
        Path hostKey = a.config().keystoresDir().resolve(SFTP_HOST_KEY);
        if (a.config().get(SftpSettings.ENABLED) && Files.exists(hostKey)) {
            out.add(new SharedSecrets.Fingerprint("sftp-host-key", SFTP_HOST_KEY,
                    SharedSecrets.sha256(List.of(DropFolderServer.hostKey(hostKey).getEncoded()))));
        }
        return out;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String version() {
        String v = Gateway.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
