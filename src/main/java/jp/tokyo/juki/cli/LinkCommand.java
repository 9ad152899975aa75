package jp.tokyo.juki.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import jp.tokyo.juki.link.HoldFigures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./gateway link status}: what the My Number hold of the running gateway holds (R-LINK), through the operator API. */
@Command(name = "link", mixinStandardHelpOptions = true, description = "The My Number link between the stores (R-LINK).",
        subcommands = {LinkCommand.Status.class})
public final class LinkCommand {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Figures of the My Number hold of the running gateway: numbers held, deliveries, oldest "
                    + "age, maximum hold. Never a value. Asks the operator API (/api/link/status; a maintainer's).")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorLogin login;

        @Override
        public Integer call() {
            return ApiClient.run(spec, login, (api, out) -> {
                JsonNode figures = api.post("/api/link/status", ApiClient.body());
                JsonNode oldest = figures.path("oldestHeldAt");
                out.println("my-number hold (R-LINK)");
                out.printf("  numbers held:  %d%n", figures.path("numbers").asLong());
                out.printf("  deliveries:    %d%n", figures.path("deliveries").asLong());
                out.printf("  oldest held:   %s%n", !oldest.isTextual() ? "-"
                        : HoldFigures.age(Duration.between(Instant.parse(oldest.asText()), Instant.now())));
                out.printf("  maximum hold:  %d days (juki.link.max-hold-days)%n", figures.path("maxHoldDays").asInt());
                return 0;
            });
        }
    }
}
