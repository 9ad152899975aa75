package jp.tokyo.juki.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code juki.*} key the gateway's code reads is in {@link ConfigKeys}: a key added to the
 * code but not to the table would make {@code config check} call a correct configuration wrong.
 */
class ConfigKeysTest {
    private static final Pattern READ = Pattern.compile("\\.(?:get|getInt|getMillis|path|require)\\(\"(juki\\.[a-z0-9.-]+[a-z0-9])\"");

    @Test
    void everyKeyTheCodeReadsIsKnown() throws IOException {
        Set<String> read = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = READ.matcher(Files.readString(f));
                while (m.find()) {
                    read.add(m.group(1));
                }
            }
        }
        assertThat(read).hasSizeGreaterThan(40);
        assertThat(read).allSatisfy(key -> assertThat(ConfigKeys.kindOf(key)).as(key).isNotNull());
    }
}
