package jp.tokyo.juki.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jp.tokyo.juki.platform.GatewayConfig;
import picocli.CommandLine.Option;
import jp.tokyo.juki.platform.DatabaseSettings;
import jp.tokyo.juki.platform.FileSettings;

/**
 * The options of an operator command that works on a running gateway's database
 * ({@code link status}, {@code query national}, {@code approvals}): its configuration, its data
 * directory and overrides; and the owner's connection to that database.
 */
final class RunningGatewayOptions {
    @Option(names = "--config", defaultValue = "config/application.properties", description = "Configuration file.")
    Path config;
    @Option(names = "--data", description = "Data directory of the running gateway (default: juki.data.dir).")
    String data;
    @Option(names = "--set", description = "Any configuration key, e.g. --set juki.db.url=jdbc:postgresql://…")
    Map<String, String> set = new HashMap<>();

    GatewayConfig config() throws IOException {
        Map<String, String> overrides = new HashMap<>(set);
        if (data != null) {
            overrides.put(FileSettings.DATA_DIR.key(), data);
        }
        return GatewayConfig.load(config, overrides);
    }

    /**
     * The owner's connection: {@code juki.db.url} when set, otherwise the embedded PostgreSQL of
     * the gateway running on this data directory (its port is line 4 of postmaster.pid; the owner's
     * password is in the data directory's pg-credentials.properties, readable by the gateway's OS user only).
     */
    static Connection connect(GatewayConfig cfg) throws IOException, SQLException {
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
                jp.tokyo.juki.platform.DatabaseLogins.OWNER,
                jp.tokyo.juki.platform.DatabaseLogins.of(cfg.dataDir()).password(jp.tokyo.juki.platform.DatabaseLogins.OWNER));
    }
}
