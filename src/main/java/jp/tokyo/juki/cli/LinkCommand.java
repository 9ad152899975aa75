package jp.tokyo.juki.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jp.tokyo.juki.link.HoldFigures;
import jp.tokyo.juki.link.LinkSettings;
import jp.tokyo.juki.platform.GatewayConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./gateway link status}: what the My Number hold of the running gateway holds (R-LINK). */
@Command(name = "link", mixinStandardHelpOptions = true, description = "The My Number link between the stores (R-LINK).",
        subcommands = {LinkCommand.Status.class})
public final class LinkCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Figures of the My Number hold of the running gateway: numbers held, deliveries, oldest "
                    + "age. Never a value. Reads the embedded database under --data, or juki.db.url.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--config", defaultValue = "config/application.properties", description = "Configuration file.")
        Path config;
        @Option(names = "--data", description = "Data directory of the running gateway (default: juki.data.dir).")
        String data;
        @Option(names = "--set", description = "Any configuration key, e.g. --set juki.db.url=jdbc:postgresql://…")
        Map<String, String> set = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            Map<String, String> overrides = new HashMap<>(set);
            if (data != null) {
                overrides.put("juki.data.dir", data);
            }
            GatewayConfig cfg = GatewayConfig.load(config, overrides);
            PrintWriter out = spec.commandLine().getOut();
            HoldFigures figures;
            try (Connection c = connect(cfg)) {
                figures = HoldFigures.read(c);
            } catch (IOException | SQLException e) {
                spec.commandLine().getErr().println("no running gateway database: " + e.getMessage());
                return 2;
            }
            Instant now = Instant.now();
            out.println("my-number hold (R-LINK)");
            out.printf("  numbers held:  %d%n", figures.numbers());
            out.printf("  deliveries:    %d%n", figures.deliveries());
            out.printf("  oldest held:   %s%n", figures.oldestHeldAt() == null ? "-"
                    : HoldFigures.age(java.time.Duration.between(figures.oldestHeldAt(), now)));
            out.printf("  maximum hold:  %d days (juki.link.max-hold-days)%n", LinkSettings.from(cfg).maxHoldDays());
            out.flush();
            return 0;
        }

        /**
         * The owner's connection: {@code juki.db.url} when set, otherwise the embedded PostgreSQL of
         * the gateway running on this data directory (its port is line 4 of postmaster.pid; local
         * connections are trusted).
         */
        static Connection connect(GatewayConfig cfg) throws IOException, SQLException {
            String url = cfg.get("juki.db.url", null);
            if (url != null) {
                return DriverManager.getConnection(url, cfg.get("juki.db.user", "postgres"), cfg.get("juki.db.password", ""));
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
                    "postgres", "");
        }
    }
}
