package jp.tokyo.juki.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's logback.xml writes one JSON object per line when JUKI_LOG_FORMAT=json, and its
 * usual text lines otherwise: checked in a JVM of its own, as the gateway process starts.
 */
class JsonLogsTest {

    @Test
    void withJukiLogFormatJsonEveryLineIsAJsonObjectWithLevelLoggerAndFormattedMessage() throws Exception {
        List<String> lines = run("json");
        assertThat(lines).isNotEmpty();
        ObjectMapper mapper = new ObjectMapper();
        JsonNode marker = null;
        for (String line : lines) {
            JsonNode node = mapper.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            if (node.path("formattedMessage").asText().startsWith("json-log-probe")) {
                marker = node;
            }
        }
        assertThat(marker).as("the probe line in %s", lines).isNotNull();
        assertThat(marker.path("level").asText()).isEqualTo("WARN");
        assertThat(marker.path("loggerName").asText()).isEqualTo(Probe.class.getName());
        assertThat(marker.path("formattedMessage").asText()).isEqualTo("json-log-probe E503 for request r-1");
    }

    @Test
    void withoutItTheLinesAreText() throws Exception {
        List<String> lines = run(null);
        assertThat(lines).anyMatch(l -> l.contains("WARN") && l.endsWith("json-log-probe E503 for request r-1"));
        assertThat(lines).noneMatch(l -> l.startsWith("{"));
    }

    private static List<String> run(String format) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the gateway's own configuration, not the tests' logback-test.xml on this class path
                "-Dlogback.configurationFile=" + Path.of("src/main/resources/logback.xml").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()).redirectErrorStream(true);
        pb.environment().remove("JUKI_LOG_FORMAT");
        if (format != null) {
            pb.environment().put("JUKI_LOG_FORMAT", format);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l.strip());
            }
        }
        return lines;
    }

    /** Logs one line through the gateway's logging configuration. */
    public static final class Probe {
        public static void main(String[] args) {
            Logger log = LoggerFactory.getLogger(Probe.class);
            log.warn("json-log-probe {} for request {}", "E503", "r-1");
        }
    }
}
