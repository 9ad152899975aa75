package jp.tokyo.juki.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jp.tokyo.juki.cli.ConfigCommand;
import jp.tokyo.juki.cli.GatewayCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./gateway config check} on the shipped configuration (clean) and on broken copies of
 * each file: every mistake is named with its file and line (and column in YAML).
 */
class ConfigCheckTest {
    @TempDir
    Path base;

    @BeforeEach
    void copyTheShippedFiles() throws IOException {
        for (String dir : List.of("config", "routes")) {
            Files.createDirectories(base.resolve(dir));
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                for (Path f : files.toList()) {
                    Files.copy(f, base.resolve(dir).resolve(f.getFileName()));
                }
            }
        }
        Files.createDirectories(base.resolve("keystores"));
        // what a start cannot do without (config check looks for the files, not into them)
        for (String name : List.of("ca.pem", "crl.pem", "gateway.p12")) {
            Files.writeString(base.resolve("keystores").resolve(name), "");
        }
    }

    @Test
    void theShippedConfigurationHasNoProblemAndTheCommandSaysOk() throws IOException {
        long routeFiles;
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            routeFiles = files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).count();
        }
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new GatewayCli()).setOut(new PrintWriter(out))
                .execute("config", "check", "--config", base.resolve("config/application.properties").toString(),
                        "--base", base.toString());
        assertThat(out.toString()).startsWith("config ok: ").contains(routeFiles + " route files");
        assertThat(exit).isZero();
    }

    @Test
    void aBrokenPropertiesFileIsReportedLineByLine() throws IOException {
        Path file = base.resolve("config/application.properties");
        int port = replace(file, "juki.cs.port = 7443", "juki.cs.port = 74430");
        int typo = replace(file, "juki.batch.max = 256", "juki.bacth.max = 256");
        int notANumber = replace(file, "juki.relay.page = 500", "juki.relay.page = five hundred");
        int noDir = replace(file, "juki.keystores.dir = keystores", "juki.keystores.dir = no-such-dir");

        List<String> problems = problems();

        assertThat(problems).containsExactlyInAnyOrder(
                file + ":" + port + ": juki.cs.port: must be a port number (0-65535)",
                file + ":" + typo + ": juki.bacth.max: unknown key (misspelt? see config/application.properties)",
                file + ":" + notANumber + ": juki.relay.page: must be a whole number of at least 1",
                file + ":" + noDir + ": juki.keystores.dir: directory no-such-dir does not exist");
    }

    @Test
    void aMissingCaCertificateIsReportedAtTheKeystoresKey() throws IOException {
        Files.delete(base.resolve("keystores/ca.pem"));
        Path file = base.resolve("config/application.properties");
        int line = Files.readAllLines(file).indexOf("juki.keystores.dir = keystores") + 1;
        assertThat(line).isPositive();
        assertThat(problems()).containsExactly(file + ":" + line + ": juki.keystores.dir: ca.pem missing in "
                + base.resolve("keystores") + " (./gateway pki init makes a development PKI; keystores/README.md)");
    }

    @Test
    void aMunicipalityCodeWithAWrongCheckDigitIsReportedWithItsLine() throws IOException {
        Path file = base.resolve("config/municipalities.csv");
        int line = replace(file, "131016,千代田区", "131017,千代田区");
        assertThat(problems()).containsExactly(file + ":" + line
                + ": expected 'code,name' with a valid 6-digit municipality code (check digit included)");
    }

    @Test
    void anAgencyFileMistakeIsReportedWithItsLine() throws IOException {
        Path file = base.resolve("config/agencies.yaml");
        int line = replace(file, "  - id: suido", "  - id: Suido!");
        List<String> problems = problems();
        assertThat(problems).isNotEmpty();
        assertThat(problems).allMatch(p -> p.startsWith(file + ":"));
        assertThat(problems).anyMatch(p -> p.startsWith(file + ":" + line + ": "));
    }

    @Test
    void routeFilesAreCheckedForSyntaxIdsBeansAndPlaceholders() throws IOException {
        Path cs = base.resolve("routes/cs-listener.camel.yaml");
        int ref = replace(cs, "            ref: csPing", "            ref: csPong");
        int placeholder = replace(cs, "{{juki.cs.port}}", "{{juki.cs.prot}}");
        Path honnin = base.resolve("routes/national-honnin.camel.yaml");
        int id = replace(honnin, "    id: honnin-outbox-relay", "    description: no id");
        Path fuhyo = base.resolve("routes/national-fuhyo.camel.yaml");
        Files.writeString(fuhyo, Files.readString(fuhyo) + "\n- route: [unclosed\n", StandardCharsets.UTF_8);
        int lastLine = Files.readAllLines(fuhyo).size();

        List<String> problems = problems();

        assertThat(problems).anyMatch(p -> p.startsWith(cs + ":" + ref + ":") && p.contains("no bean named csPong"));
        assertThat(problems).anyMatch(p -> p.startsWith(cs + ":" + placeholder + ":")
                && p.contains("{{juki.cs.prot}}: no such configuration key"));
        assertThat(problems).anyMatch(p -> p.startsWith(honnin + ":" + (id - 1) + ":") && p.contains("route without an id"));
        assertThat(problems).anyMatch(p -> p.matches(Pattern.quote(fuhyo.toString()) + ":\\d+:\\d+: not YAML: .*")
                && Integer.parseInt(p.substring(fuhyo.toString().length() + 1).split(":")[0]) >= lastLine);
        assertThat(problems).hasSize(4);
    }

    @Test
    void theCommandExitsOneAndPrintsEachProblem() throws IOException {
        replace(base.resolve("config/application.properties"), "juki.cs.port = 7443", "juki.cs.port = x");
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new GatewayCli()).setOut(new PrintWriter(out))
                .execute("config", "check", "--config", base.resolve("config/application.properties").toString(),
                        "--base", base.toString());
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("juki.cs.port: must be a port number").contains("1 problem(s)");
    }

    @Test
    void theRetiredMyNumberBusinessesKeyIsReportedWithWhereThePermissionLivesNow() throws IOException {
        Path file = base.resolve("config/application.properties");
        int line = replace(file, "juki.link.max-hold-days = 30", "juki.link.max-hold-days = 30\njuki.link.businesses = TAX-01");
        assertThat(problems()).singleElement().asString()
                .startsWith(file + ":" + (line + 1) + ": juki.link.businesses: retired: ")
                .contains("config/agencies.yaml");
    }

    @Test
    void theRetiredDeadLetterAdministratorsListIsReportedWithTheRoleThatReplacesIt() throws IOException {
        Path file = base.resolve("config/application.properties");
        int line = replace(file, "juki.operator.sweep-ms = 60000",
                "juki.operator.sweep-ms = 60000\njuki.operators.administrators = adm-1");
        assertThat(problems()).singleElement().asString()
                .startsWith(file + ":" + (line + 1) + ": juki.operators.administrators: retired: ")
                .contains("a role in the operator register");
    }

    @Test
    void aValueOutOfItsDeclaredRangeIsReported() throws IOException {
        Path file = base.resolve("config/application.properties");
        int line = replace(file, "juki.link.max-hold-days = 30", "juki.link.max-hold-days = 400");
        assertThat(problems()).containsExactly(file + ":" + line
                + ": juki.link.max-hold-days: is 400; it must be 1 to 365 (R-LINK: a held My Number is erased within a year)");
    }

    @Test
    void anEnvironmentVariableOfAKnownKeyIsCheckedLikeTheFile() throws IOException {
        List<String> problems = new ConfigCheck(ConfigCommand.ROUTE_BEANS).run(base.resolve("config/application.properties"),
                base, Map.of(), Map.of("JUKI_CS_PORT", "74430", "JUKI_LINK_BUSINESSES", "TAX-01", "JUKI_UNRELATED", "x"))
                .problems().stream().map(Object::toString).toList();
        assertThat(problems).hasSize(2)
                .contains("environment JUKI_CS_PORT: juki.cs.port: must be a port number (0-65535)")
                .anyMatch(p -> p.startsWith("environment JUKI_LINK_BUSINESSES: juki.link.businesses: retired: "));
    }

    @Test
    void anEnvPlaceholderWithoutItsVariableIsReportedAtItsLine() throws IOException {
        Path file = base.resolve("config/application.properties");
        int line = replace(file, "juki.db.password =", "juki.db.password = {{env:JUKI_TEST_NO_SUCH_VARIABLE}}");
        assertThat(problems()).containsExactly(file + ":" + line + ": juki.db.password: environment variable "
                + "JUKI_TEST_NO_SUCH_VARIABLE is not set (and {{env:JUKI_TEST_NO_SUCH_VARIABLE:…}} gives no default)");
    }

    private List<String> problems() throws IOException {
        return new ConfigCheck(ConfigCommand.ROUTE_BEANS).run(base.resolve("config/application.properties"), base, Map.of(), Map.of())
                .problems().stream().map(Object::toString).toList();
    }

    /** Replaces the one line containing {@code from}; returns its line number. */
    private static int replace(Path file, String from, String to) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        int found = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(from)) {
                assertThat(found).as("%s once in %s", from, file).isEqualTo(-1);
                found = i;
            }
        }
        assertThat(found).as("%s in %s", from, file).isGreaterThanOrEqualTo(0);
        lines.set(found, lines.get(found).replace(from, to));
        Files.write(file, lines, StandardCharsets.UTF_8);
        return found + 1;
    }
}
