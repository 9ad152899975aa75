package jp.tokyo.juki.assembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jp.tokyo.juki.platform.ConfigKeys;
import jp.tokyo.juki.platform.Setting;
import org.junit.jupiter.api.Test;

/**
 * Each configuration key in one place: every {@code juki.*} key of config/application.properties is
 * declared in a settings record, the file states each declared default (or says the key is unset
 * there), and no code reads a {@code juki.*} key by its literal name outside the settings records.
 */
class SettingsCatalogueTest {
    private static final Path FILE = Path.of("config/application.properties");
    /**
     * Keys the shipped file sets to something other than the declared default, on purpose: a blank
     * value there would mean the default, so the default must stay "none".
     */
    private static final Map<String, String> SHIPPED_NOT_DEFAULT = Map.of(
            "juki.broker.acceptor", "on in the shipped file for operator tools; blank (none) for in-VM-only starts",
            "juki.db.juki_honnin.pool-size", "an instance of juki.db.<role>.pool-size",
            "juki.db.juki_fuhyo.pool-size", "an instance of juki.db.<role>.pool-size");

    private final ConfigKeys keys = SettingsCatalogue.keys();

    private static Properties file() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(FILE, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    @Test
    void everyKeyOfTheShippedFileIsDeclared() throws IOException {
        List<String> undeclared = file().stringPropertyNames().stream()
                .filter(k -> k.startsWith("juki.") && keys.find(k) == null).sorted().toList();
        assertThat(undeclared).isEmpty();
    }

    @Test
    void theShippedFileStatesEveryDeclaredDefault() throws IOException {
        Properties p = file();
        String text = Files.readString(FILE, StandardCharsets.UTF_8);
        List<String> wrong = new ArrayList<>();
        for (Setting<?> s : keys.all()) {
            if (!s.key().startsWith("juki.") || s.kind() == Setting.Kind.RETIRED) {
                continue;
            }
            String value = p.getProperty(s.key());
            if (value == null) {
                // a template, or a key the file documents in a comment ("# juki.agency.<ID>.sftp.port = 22")
                if (!text.contains(s.key())) {
                    wrong.add(s.key() + ": not in the file");
                }
            } else if (!value.isBlank() && !value.strip().equals(s.defaultValue())
                    && !SHIPPED_NOT_DEFAULT.containsKey(s.key())) {
                wrong.add(s.key() + ": file " + value.strip() + ", declared " + s.defaultValue());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aRetiredKeyIsNotInTheShippedFile() throws IOException {
        Properties p = file();
        assertThat(keys.all()).filteredOn(s -> s.kind() == Setting.Kind.RETIRED)
                .allSatisfy(s -> assertThat(p).doesNotContainKey(s.key())).isNotEmpty();
    }

    private static final Pattern PLACEHOLDER_DEFAULT = Pattern.compile("\\{\\{(juki\\.[a-z0-9.-]+):([^}]*)}}");

    @Test
    void aRouteFilesPlaceholderDefaultIsTheDeclaredDefault() throws IOException {
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Matcher m = PLACEHOLDER_DEFAULT.matcher(Files.readString(f, StandardCharsets.UTF_8));
                while (m.find()) {
                    Setting<?> s = keys.find(m.group(1));
                    if (s == null || !m.group(2).equals(s.defaultValue())) {
                        wrong.add(f + ": " + m.group());
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** A read of a GatewayConfig ({@code config}, {@code cfg}, {@code a.config()} …) by a literal key. */
    private static final Pattern READ = Pattern.compile(
            "\\b(?:config|cfg|conf|c)(?:\\(\\))?\\.(?:get|getInt|getMillis|path|require)\\(\"juki\\.");
    private static final Set<String> RECORDS = Set.of("Settings.java", "ConfigKeys.java");

    @Test
    void noCodeReadsAJukiKeyByItsNameOutsideTheSettingsRecords() throws IOException {
        List<String> reads = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith("Settings.java") || RECORDS.contains(name)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = READ.matcher(lines.get(i));
                    if (m.find()) {
                        reads.add(f + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(reads).isEmpty();
    }

    @Test
    void everySettingsRecordOfTheSourceIsInTheCatalogue() throws IOException {
        List<String> records;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            records = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("Settings.java"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        List<String> inCatalogue = new ArrayList<>();
        for (Class<?> c : SettingsCatalogue.RECORDS) {
            inCatalogue.add(c.getSimpleName());
        }
        // records that declare no key of their own (e.g. a record of values) are not listed
        assertThat(inCatalogue).containsAll(records.stream().filter(r -> declaresKeys(r)).toList());
    }

    private static boolean declaresKeys(String simpleName) {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            Path f = files.filter(p -> p.getFileName().toString().equals(simpleName + ".java")).findFirst().orElseThrow();
            return Files.readString(f).contains("public static final Setting<");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
