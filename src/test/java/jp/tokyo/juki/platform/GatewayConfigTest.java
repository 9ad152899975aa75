package jp.tokyo.juki.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a {@code juki.*} value resolves: {@code --set}, then the environment variable named like the key
 * ({@code JUKI_DB_PASSWORD}), then the file, then the declared default; {@code {{env:NAME}}} and
 * {@code {{env:NAME:default}}} in a value are replaced from the environment.
 */
class GatewayConfigTest {
    private static final Setting<String> PASSWORD = Setting.text("juki.db.password", "", "test");
    private static final Setting<Integer> PAGE = Setting.positive("juki.relay.page", 500, "rows", "test");
    private static final Setting<Duration> PERIOD = Setting.duration("juki.relay.period-ms", 20, ChronoUnit.MILLIS, "test");
    private static final Setting<Integer> DAYS = Setting.positive("juki.link.max-hold-days", 30, "days", "test")
            .range(1, 365, "R-LINK");

    @TempDir
    Path dir;

    private GatewayConfig load(String file, Map<String, String> set, Map<String, String> env) throws IOException {
        Path f = dir.resolve("application.properties");
        Files.writeString(f, file);
        return GatewayConfig.load(f, set, env);
    }

    @Test
    void theEnvironmentVariableIsTheKeyInUpperCaseWithDotsAndDashesAsUnderscores() {
        assertThat(GatewayConfig.environmentName("juki.db.password")).isEqualTo("JUKI_DB_PASSWORD");
        assertThat(GatewayConfig.environmentName("juki.national-fuhyo.port")).isEqualTo("JUKI_NATIONAL_FUHYO_PORT");
        assertThat(GatewayConfig.environmentName("juki.db.juki_honnin.password")).isEqualTo("JUKI_DB_JUKI_HONNIN_PASSWORD");
    }

    @Test
    void aKeyNotGivenAnywhereIsItsDeclaredDefault() throws IOException {
        GatewayConfig c = load("", Map.of(), Map.of());
        assertThat(c.get(PAGE)).isEqualTo(500);
        assertThat(c.get(PERIOD)).isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void theFileOverridesTheDefault() throws IOException {
        assertThat(load("juki.relay.page = 7\n", Map.of(), Map.of()).get(PAGE)).isEqualTo(7);
    }

    @Test
    void theEnvironmentOverridesTheFile() throws IOException {
        GatewayConfig c = load("juki.relay.page = 7\njuki.db.password = in-the-file\n", Map.of(),
                Map.of("JUKI_RELAY_PAGE", "8", "JUKI_DB_PASSWORD", "from-env"));
        assertThat(c.get(PAGE)).isEqualTo(8);
        assertThat(c.get(PASSWORD)).isEqualTo("from-env");
        assertThat(c.source("juki.db.password")).isEqualTo("JUKI_DB_PASSWORD");
    }

    @Test
    void setOverridesTheEnvironment() throws IOException {
        GatewayConfig c = load("juki.relay.page = 7\n", Map.of("juki.relay.page", "9"), Map.of("JUKI_RELAY_PAGE", "8"));
        assertThat(c.get(PAGE)).isEqualTo(9);
        assertThat(c.source("juki.relay.page")).isEqualTo("--set");
        assertThat(c.with(Map.of("juki.relay.page", "10")).get(PAGE)).isEqualTo(10);
    }

    @Test
    void anEnvPlaceholderIsReplacedByTheVariable() throws IOException {
        GatewayConfig c = load("juki.db.password = {{env:PGPASSWORD}}\n", Map.of(), Map.of("PGPASSWORD", "s3cret"));
        assertThat(c.get(PASSWORD)).isEqualTo("s3cret");
        assertThat(c.asProperties().getProperty("juki.db.password")).isEqualTo("s3cret");
    }

    @Test
    void anEnvPlaceholderWithADefaultTakesItWhenTheVariableIsNotSet() throws IOException {
        GatewayConfig c = load("juki.relay.page = {{env:RELAY_PAGE:42}}\njuki.db.password = a-{{env:NONE:}}-b\n",
                Map.of(), Map.of());
        assertThat(c.get(PAGE)).isEqualTo(42);
        assertThat(c.get(PASSWORD)).isEqualTo("a--b");
    }

    @Test
    void anEnvPlaceholderWithoutADefaultForAnUnsetVariableIsAnErrorNamingKeyAndVariable() throws IOException {
        GatewayConfig c = load("juki.db.password = {{env:PGPASSWORD}}\n", Map.of(), Map.of());
        assertThatThrownBy(() -> c.get(PASSWORD)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("configuration: juki.db.password: environment variable PGPASSWORD is not set");
    }

    @Test
    void aPlaceholderWorksInAnEnvironmentValueAndInSetToo() throws IOException {
        GatewayConfig c = load("", Map.of("juki.relay.page", "{{env:PAGE}}"), Map.of("PAGE", "3", "JUKI_DB_PASSWORD",
                "{{env:VAULT}}", "VAULT", "v"));
        assertThat(c.get(PAGE)).isEqualTo(3);
        assertThat(c.get(PASSWORD)).isEqualTo("v");
    }

    @Test
    void aBlankValueIsTheDefault() throws IOException {
        assertThat(load("juki.relay.page =\n", Map.of(), Map.of()).get(PAGE)).isEqualTo(500);
        assertThat(load("", Map.of(), Map.of("JUKI_RELAY_PAGE", " ")).get(PAGE)).isEqualTo(500);
    }

    @Test
    void aValueOfTheWrongKindOrOutOfRangeIsAnErrorNamingTheKey() throws IOException {
        assertThatThrownBy(() -> load("juki.relay.page = many\n", Map.of(), Map.of()).get(PAGE))
                .hasMessage("configuration: juki.relay.page: must be a whole number of at least 1");
        assertThatThrownBy(() -> load("", Map.of(), Map.of("JUKI_LINK_MAX_HOLD_DAYS", "400")).get(DAYS))
                .hasMessage("configuration: juki.link.max-hold-days is 400; it must be 1 to 365 (R-LINK)");
    }

    @Test
    void camelMainGetsTheResolvedValuesOfTheFileAndTheOverrides() throws IOException {
        GatewayConfig c = load("juki.relay.page = 7\ncamel.main.name = x\n", Map.of("juki.cs.port", "1"),
                Map.of("JUKI_RELAY_PAGE", "8"));
        assertThat(c.asProperties()).containsEntry("juki.relay.page", "8").containsEntry("camel.main.name", "x")
                .containsEntry("juki.cs.port", "1");
    }

    @Test
    void aTemplateKeyNamesOneInstanceAndItsDefault() throws IOException {
        Setting<String> user = Setting.text("juki.db.<role>.user", "<role>", "test").named("juki_link");
        assertThat(user.key()).isEqualTo("juki.db.juki_link.user");
        GatewayConfig c = load("", Map.of(), Map.of());
        assertThat(c.get(user)).isEqualTo("juki_link");
        assertThat(load("", Map.of(), Map.of("JUKI_DB_JUKI_LINK_USER", "other")).get(user)).isEqualTo("other");
    }

    @Test
    void inRouteFilesTooSetWinsOverAnEnvironmentVariableNamedLikeTheKey() throws Exception {
        // HOME is set in any test environment; Camel would otherwise answer {{home}} with it
        GatewayConfig c = load("", Map.of("home", "from-set"), Map.of());
        Main main = new Main();
        c.applyTo(main);
        main.start();
        try {
            assertThat(main.getCamelContext().resolvePropertyPlaceholders("{{home}}")).isEqualTo("from-set");
        } finally {
            main.stop();
        }
    }
}
