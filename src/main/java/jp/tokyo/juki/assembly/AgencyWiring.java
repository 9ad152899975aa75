package jp.tokyo.juki.assembly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import jp.tokyo.juki.agency.Agency;
import jp.tokyo.juki.agency.AgencyDirectory;
import jp.tokyo.juki.agency.AgencyRequests;
import jp.tokyo.juki.agency.AgencySettings;
import jp.tokyo.juki.agency.DropFolder;
import jp.tokyo.juki.agency.LocalDropFolder;
import jp.tokyo.juki.agency.RequestAnswers;
import jp.tokyo.juki.agency.RequestLedger;
import jp.tokyo.juki.agency.SftpDropFolder;
import jp.tokyo.juki.agency.SftpSettings;
import jp.tokyo.juki.agency.StoreSearch;
import jp.tokyo.juki.audit.AuditEvent;
import jp.tokyo.juki.audit.AuditLine;
import jp.tokyo.juki.link.MyNumberLink;
import jp.tokyo.juki.national.NationalQuery;
import jp.tokyo.juki.agency.DropFolderServer;
import jp.tokyo.juki.agency.SftpOnLease;
import jp.tokyo.juki.platform.Lease;
import jp.tokyo.juki.platform.PgLockClusterService;
import jp.tokyo.juki.platform.EmbeddedDatabase;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.Pem;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wiring of one capability into the gateway (see {@link Assembly}); no logic of its own. */
final class AgencyWiring {
    private static final Logger LOG = LoggerFactory.getLogger(AgencyWiring.class);
    static final String TEMPLATE = "agency-requests";
    /** an agency's lease is this and its id (the route's {@code master:agency-{{agency}}:…}) */
    static final String LEASE_PREFIX = "agency-";
    /** the embedded SFTP server's lease */
    static final String SFTP_LEASE = "sftp";
    /** the SFTP server on lease, bound once at start (its {@code port()} for tools and tests) */
    private static final String SFTP_BEAN = "dropFolderLease";

    private AgencyWiring() {
    }

    /**
     * Who may ask for what ({@code juki.agencies}, default {@code config/agencies.yaml}): read and
     * validated before anything starts; an invalid file stops the start with every mistake and
     * its line. Without the file no agency is served.
     */
    static AgencyDirectory directory(GatewayConfig config) throws IOException {
        Path file = config.get(AgencySettings.FILE);
        if (!Files.exists(file)) {
            LOG.warn("no agency list at {}: no agency will be served", file);
            return AgencyDirectory.empty();
        }
        try {
            AgencyDirectory directory = AgencyDirectory.load(file);
            LOG.info("{} agencies configured ({})", directory.agencies().size(), file);
            return directory;
        } catch (AgencyDirectory.Invalid e) {
            throw new IllegalArgumentException("configuration: " + e.getMessage());
        }
    }

    /**
     * R-PROV over the drop folders: the embedded SFTP server ({@code juki.sftp.*}; on the node holding lease
     * {@code sftp} only, docs/operations/leases.md) with one account
     * per configured agency that has an {@code agency-ID} certificate — or, for an agency with
     * {@code juki.agency.<ID>.sftp.host}, its folders on that external server (host key checked
     * against the given known_hosts) — the bean
     * {@code agencyRequests} that answers their files (routes/agency-requests.camel.yaml), on its
     * own database role for its ledger and on each store's role for that store's lookups.
     *
     * @return the agencies served, whose routes {@link #startRoutes} makes from the template
     */
    static AgencyRequests wire(Assembly a, NationalQuery national, MyNumberLink link, PgLockClusterService leases)
            throws Exception {
        GatewayConfig config = a.config();
        Map<String, Agency> served = new LinkedHashMap<>();
        Map<String, PublicKey> accounts = new LinkedHashMap<>();
        Map<String, X509Certificate> certificates = new LinkedHashMap<>();
        for (Agency agency : a.agencies().agencies()) {
            Path cert = config.keystoresDir().resolve(agency.identity() + ".pem");
            if (Files.exists(cert)) {
                X509Certificate c = Pem.readCertificate(cert);
                certificates.put(agency.id(), c);
                accounts.put(agency.id(), c.getPublicKey());
                served.put(agency.id(), agency);
            } else {
                LOG.warn("agency {}: no certificate {} — not served", agency.id(), cert.getFileName());
            }
        }
        Path root = SftpSettings.root(config);
        Map<String, DropFolder> drops = new LinkedHashMap<>();
        for (String id : served.keySet()) {
            SftpDropFolder.Settings external = AgencySettings.externalDropFolder(config, id);
            if (external == null) {
                drops.put(id, new LocalDropFolder(root.resolve(id)));
                continue;
            }
            SftpDropFolder folder = new SftpDropFolder(external);
            a.onClose().add(folder);
            drops.put(id, folder);
            accounts.remove(id); // its folder is on the agency's server: no login to ours
            LOG.info("agency {}: drop folder on {}:{} as {}", id, external.host(), external.port(), external.user());
        }
        if (config.get(SftpSettings.ENABLED)) {
            // on the node holding lease "sftp" only (issue 14): it starts when the lease is taken, stops when it is lost
            SftpOnLease sftp = new SftpOnLease(config.get(SftpSettings.PORT), port -> DropFolderServer.start(
                    config.get(SftpSettings.HOST), port, root, config.keystoresDir().resolve("sftp-host.key"), accounts,
                    id -> trusted(a, served.get(id), certificates.get(id)), DropFolderServer.Settings.of(config),
                    (account, type, status, code, detail) -> a.audit().record(AuditEvent.in(AuditLine.SFTP,
                            account != null && served.containsKey(account) ? served.get(account).identity() : null, type)
                            .status(status).code(code).detail(detail))));
            leases.getView(SFTP_LEASE).addEventListener((CamelClusterEventListener.Leadership) (view, leader) -> {
                if (view.getLocalMember().isLeader()) {
                    sftp.taken();
                } else {
                    sftp.lost();
                }
            });
            a.onClose().add(sftp);
            a.bind(SFTP_BEAN, sftp);
        }

        jp.tokyo.juki.security.KeyMaterial.Signer gateway = a.keys().signer(Identities.GATEWAY);
        AgencyRequests.Keys keys = new AgencyRequests.Keys(gateway.key(), gateway.certificate(), agency -> certificates.get(agency.id()),
                agency -> a.keys().trustManager(Identities.exactly(agency.identity()), "agency"));

        ExecutorService nationalPool = Executors.newFixedThreadPool(config.get(AgencySettings.NATIONAL_PARALLEL), r -> {
            Thread t = new Thread(r, "agency-national");
            t.setDaemon(true);
            return t;
        });
        a.onClose().add(nationalPool::shutdownNow);
        RequestAnswers answers = new RequestAnswers(
                new StoreSearch(a.database().forRole(EmbeddedDatabase.HONNIN_ROLE), StoreSearch.Table.HONNIN),
                new StoreSearch(a.database().forRole(EmbeddedDatabase.FUHYO_ROLE), StoreSearch.Table.FUHYO),
                national, link, a.hasher()::hash, nationalPool);
        AgencyRequests.Settings settings = new AgencyRequests.Settings(
                config.get(AgencySettings.MAX_FILE) * 1024L * 1024L,
                config.get(AgencySettings.MAX_ROWS),
                config.get(AgencySettings.APPROVAL_ROWS),
                config.get(AgencySettings.ANSWER_RETENTION),
                config.get(AgencySettings.SWEEP));
        // one budget for all agencies' files (issue 15 finding 6); a poll waits a few seconds for its share
        jp.tokyo.juki.agency.AgencyMemory memory = new jp.tokyo.juki.agency.AgencyMemory(
                config.get(AgencySettings.MEMORY_BUDGET) * 1024L * 1024L, Duration.ofSeconds(5));
        if (memory.budget() > Runtime.getRuntime().maxMemory() / 2) {
            LOG.warn("juki.agency.memory-budget-mb ({} MiB) is more than half the maximum heap ({} MiB)",
                    memory.budget() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        }
        // one lease per agency (issue 14): its poll and outbox sweep run on the holder, its ledger commits only there
        Function<String, Lease> lease = id -> leases.lease(LEASE_PREFIX + id);
        AgencyRequests requests = new AgencyRequests(served, drops, new RequestLedger(a.database().forRole(RequestLedger.ROLE),
                lease), answers, link, keys, settings, a.audit(), Clock.systemUTC(), memory, lease);
        a.bind("agencyRequests", requests);
        LOG.info("agency drop folders: {} agencies served; more than {} rows wait for approval; answers kept {} h; "
                + "memory budget {} MiB", served.size(), settings.approvalRows(), settings.answerRetention().toHours(),
                memory.budget() >> 20);
        return requests;
    }

    /**
     * An agency logs in to its drop folder only with its own certificate still trusted (network CA,
     * valid, not revoked): the same check as the signature of its files.
     */
    private static boolean trusted(Assembly a, Agency agency, X509Certificate certificate) {
        try {
            a.keys().trustManager(Identities.exactly(agency.identity()), "sftp").check(new X509Certificate[]{certificate});
            return true;
        } catch (java.security.cert.CertificateException e) {
            return false;
        }
    }

    /**
     * One route per agency served, made from routes/agency-requests.camel.yaml once the routes are loaded; then the
     * leases are tried once, so that a node alone serves its agencies and SFTP when its start returns, and a server
     * that cannot start (its host key unreadable) fails the start as it did before leases.
     */
    static void startRoutes(CamelContext context, AgencyRequests requests, PgLockClusterService leases) throws Exception {
        for (String id : requests.agencyIds()) {
            context.addRouteFromTemplate("agency-" + id, TEMPLATE, Map.of("agency", id));
        }
        leases.awaitTried(Duration.ofSeconds(10));
        SftpOnLease sftp = context.getRegistry().lookupByNameAndType(SFTP_BEAN, SftpOnLease.class);
        if (sftp != null && sftp.failure() != null) {
            throw sftp.failure();
        }
    }
}
