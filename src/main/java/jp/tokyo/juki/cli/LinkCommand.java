package jp.tokyo.juki.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import jp.tokyo.juki.link.HoldFigures;
import jp.tokyo.juki.link.LinkSettings;
import jp.tokyo.juki.platform.GatewayConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
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
        @Mixin
        RunningGatewayOptions gateway;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = gateway.config();
            PrintWriter out = spec.commandLine().getOut();
            HoldFigures figures;
            try (Connection c = RunningGatewayOptions.connect(cfg)) {
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
                    : HoldFigures.age(Duration.between(figures.oldestHeldAt(), now)));
            out.printf("  maximum hold:  %d days (juki.link.max-hold-days)%n", cfg.get(LinkSettings.MAX_HOLD_DAYS));
            out.flush();
            return 0;
        }
    }
}
