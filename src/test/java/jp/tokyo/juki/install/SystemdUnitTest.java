package jp.tokyo.juki.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jp.tokyo.juki.assembly.SettingsCatalogue;
import jp.tokyo.juki.platform.GatewayConfig;
import jp.tokyo.juki.platform.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distribution's systemd unit: confined to its state directory, and it waits longer than the gateway's stop. */
class SystemdUnitTest {
    private static final String LAUNCHER_IN_UNIT = "/opt/juki-gateway/bin/juki-gateway";

    @Test
    void itWaitsForTheWholeDrainBeforeSystemdKillsTheGateway() throws Exception {
        SystemdUnit unit = SystemdUnit.read();
        long drain = SystemdUnit.drainWorstCaseSeconds(SystemdUnit.shippedConfig());
        System.out.printf("worst-case drain %d s; TimeoutStopSec %d s%n", drain, unit.timeoutStopSeconds());
        assertThat(unit.timeoutStopSeconds()).as("TimeoutStopSec against the drain's worst case").isGreaterThan(drain);
        // SIGTERM to the JVM only: the embedded PostgreSQL is stopped by the gateway after the drain
        assertThat(unit.get("KillMode")).isEqualTo("mixed");
        assertThat(unit.get("KillSignal")).isEqualTo("SIGTERM");
    }

    @Test
    void itRunsAsItsOwnUserWritingOnlyItsStateDirectory() throws Exception {
        SystemdUnit unit = SystemdUnit.read();
        assertThat(unit.get("User")).isNotBlank().isNotEqualTo("root").isNotEqualTo("0");
        assertThat(unit.get("NoNewPrivileges")).isEqualTo("yes");
        assertThat(unit.get("ProtectSystem")).isEqualTo("strict");
        String writable = unit.get("ReadWritePaths");
        assertThat(writable).as("one writable directory").doesNotContain(" ");
        assertThat("/var/lib/" + unit.get("StateDirectory")).isEqualTo(writable);
        Map<String, String> env = unit.environment();
        Matcher zonky = Pattern.compile("-Dot\\.epg\\.working-dir=(\\S+)").matcher(env.getOrDefault("JAVA_OPTS", ""));
        assertThat(zonky.find()).as("zonky's working directory in JAVA_OPTS").isTrue();
        for (String dir : List.of(env.get("JUKI_DATA_DIR"), env.get("JUKI_KEYSTORES_DIR"), zonky.group(1))) {
            assertThat(dir).isNotNull().startsWith(writable + "/");
        }
        assertThat(unit.get("EnvironmentFile")).isEqualTo("/etc/juki-gateway/juki-gateway.env");
        assertThat(unit.get("ExecStart")).isEqualTo(unit.get("WorkingDirectory") + "/bin/juki-gateway run")
                .startsWith(LAUNCHER_IN_UNIT);
    }

    @Test
    void theExampleEnvironmentFileNamesOnlyKeysTheGatewayKnows() throws Exception {
        Set<String> known = new HashSet<>();
        for (Setting<?> s : SettingsCatalogue.keys().all()) {
            known.add(GatewayConfig.environmentName(s.key()));
        }
        Properties shipped = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("config/application.properties"), StandardCharsets.UTF_8)) {
            shipped.load(r);
        }
        shipped.stringPropertyNames().forEach(k -> known.add(GatewayConfig.environmentName(k)));
        known.add("JUKI_LOG_FORMAT"); // read by logback.xml
        List<String> unknown = new ArrayList<>();
        List<String> set = new ArrayList<>();
        Pattern assignment = Pattern.compile("^(#)?([A-Z][A-Z0-9_]*)=.*$");
        for (String line : Files.readAllLines(SystemdUnit.ENVIRONMENT_FILE, StandardCharsets.UTF_8)) {
            Matcher m = assignment.matcher(line.strip());
            if (m.matches()) {
                (known.contains(m.group(2)) ? set : unknown).add(m.group(2));
            }
        }
        assertThat(unknown).as("variables no key reads").isEmpty();
        assertThat(set).contains("JUKI_KEYSTORES_PASSWORD", "JUKI_DB_URL", "JUKI_BROKER_URL", "JUKI_CLUSTER_ENABLED",
                "JUKI_NODE_ID");
    }

    /**
     * {@code systemd-analyze verify} (systemd 252 here): it also checks that ExecStart is an executable,
     * so the launcher's install path is replaced by the launcher in the source tree. It ends 0 on
     * parse errors ("Unknown key …, ignoring"), so what it prints counts, not only its exit code.
     */
    @Test
    void systemdAcceptsTheUnitWithoutAWordOfComplaint(@TempDir Path dir) throws Exception {
        Path tool = Path.of("/usr/bin/systemd-analyze");
        if (!Files.isExecutable(tool)) {
            System.out.println("SKIPPED: " + tool + " not installed (Debian package systemd); the unit was not verified");
        }
        assumeTrue(Files.isExecutable(tool), tool + " not installed");
        Path unit = dir.resolve("juki-gateway.service");
        String launcher = Path.of("src/dist/bin/juki-gateway").toAbsolutePath().toString();
        Files.writeString(unit, Files.readString(SystemdUnit.FILE).replace(LAUNCHER_IN_UNIT, launcher));

        Run verify = run(dir, tool.toString(), "verify", unit.toString());
        assertThat(verify.exit()).as(verify.stderr()).isZero();
        assertThat(verify.stderr()).as("systemd-analyze verify").isEmpty();

        // the exposure score systemd gives the sandboxing (4.9 "OK" on a 0-10 scale when written)
        Run security = run(dir, tool.toString(), "security", "--offline=yes", "--threshold=50", unit.toString());
        System.out.println(security.stdout().lines().filter(l -> l.contains("Overall exposure")).findFirst().orElse(""));
        assertThat(security.exit()).as("exposure above 5.0: %s", security.stderr()).isZero();
    }

    private record Run(int exit, String stdout, String stderr) {
    }

    private static Run run(Path dir, String... cmd) throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s did not end", String.join(" ", cmd)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
