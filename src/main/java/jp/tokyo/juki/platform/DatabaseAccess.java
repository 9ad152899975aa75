package jp.tokyo.juki.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * How an operator tool reaches a running gateway's database, as {@link BrokerAccess} reaches its
 * broker: the configured external database, or the embedded one found through the data directory.
 * {@code juki.db.url} comes from the environment ({@code JUKI_DB_URL}, e.g. a systemd EnvironmentFile)
 * before the configuration file, so on a node of several (issue 14) every tool that connects here runs
 * on any server with that environment and no {@code data/} (docs/operations/cluster.md).
 */
public final class DatabaseAccess {
    private DatabaseAccess() {
    }

    /**
     * The owner's connection: {@code juki.db.url} when set, otherwise the embedded PostgreSQL of
     * the gateway running on this data directory (its port is line 4 of postmaster.pid; the owner's
     * password is in the data directory's pg-credentials.properties, readable by the gateway's OS user only).
     */
    public static Connection connect(GatewayConfig cfg) throws IOException, SQLException {
        String url = cfg.get(DatabaseSettings.URL);
        if (url != null) {
            return DriverManager.getConnection(url, cfg.get(DatabaseSettings.USER), cfg.get(DatabaseSettings.PASSWORD));
        }
        Path pid = cfg.dataDir().resolve("pg").resolve("postmaster.pid");
        if (!Files.exists(pid)) {
            throw new IOException(pid + " not found (is the gateway running with this data directory?)");
        }
        List<String> lines = Files.readAllLines(pid, StandardCharsets.UTF_8);
        if (lines.size() < 4 || !lines.get(3).strip().matches("\\d{1,5}")) {
            throw new IOException(pid + " has no port on line 4");
        }
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + lines.get(3).strip() + "/postgres",
                DatabaseLogins.OWNER,
                DatabaseLogins.of(cfg.dataDir()).password(DatabaseLogins.OWNER));
    }
}
