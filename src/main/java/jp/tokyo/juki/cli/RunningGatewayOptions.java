package jp.tokyo.juki.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import jp.tokyo.juki.platform.DatabaseAccess;
import jp.tokyo.juki.platform.FileSettings;
import jp.tokyo.juki.platform.GatewayConfig;
import picocli.CommandLine.Option;

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

    /** The owner's connection to the running gateway's database ({@link DatabaseAccess#connect}). */
    static Connection connect(GatewayConfig cfg) throws IOException, SQLException {
        return DatabaseAccess.connect(cfg);
    }
}
