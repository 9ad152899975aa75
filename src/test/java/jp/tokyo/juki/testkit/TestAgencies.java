package jp.tokyo.juki.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An agencies file for a test: the shipped config/agencies.yaml and one more agency (with no
 * certificate, so not served over SFTP) whose businesses 番号法 lets use the My Number — R-LINK's
 * permission, which has no other source.
 */
public final class TestAgencies {
    private TestAgencies() {
    }

    /** Writes the file into {@code dir}; returns its path (for {@code juki.agencies}). */
    public static Path withMyNumber(Path dir, String agencyId, String... businesses) throws IOException {
        StringBuilder yaml = new StringBuilder(Files.readString(Path.of("config/agencies.yaml"), StandardCharsets.UTF_8));
        yaml.append("\n  - id: ").append(agencyId).append("\n    name: test agency\n    kind: TRANSFER\n    businesses:\n");
        for (String b : businesses) {
            yaml.append("      - code: ").append(b).append("\n        name: test business\n")
                    .append("        legalBasis: test\n        keyTypes: [JUMINHYO_CODE, MY_NUMBER]\n")
                    .append("        items: [juminhyo_code, my_number]\n        myNumber: true\n");
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("agencies.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }
}
