package jp.tokyo.juki.disclosure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import jp.tokyo.juki.audit.PersonHistory;

/**
 * The audit records of a person already moved to audit archives ({@code audit export}, then
 * {@code audit trim}): each export the gateway registered ({@code audit.export}) is read from the
 * export directory ({@code juki.audit.export-dir}) and its {@code records.jsonl} scanned for
 * records naming one of the person's keyed hashes. An archive holds the audit chain only — the
 * exchanges, national notices among them; the provision records ({@code agency.provision}) are a
 * table of their own that no export moves, so they are always read live. An export file missing
 * from the directory (moved to offline storage, or erased by the retention job after its period)
 * is named in {@link Found#missing}, so the form's
 * maker knows the form may be incomplete; archives are not verified here ({@code audit verify}
 * does that), only read.
 */
final class ArchivedExchanges {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the archives held for the person, and the registered exports not found in the directory. */
    record Found(List<PersonHistory.Exchange> exchanges, List<String> missing) {
    }

    private ArchivedExchanges() {
    }

    static Found read(Connection c, Path exportDir, Collection<String> hashes) throws SQLException, IOException {
        List<PersonHistory.Exchange> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT file_name FROM audit.export ORDER BY first_seq");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Path file = exportDir.resolve(rs.getString(1));
                if (!Files.isRegularFile(file)) {
                    missing.add(rs.getString(1));
                    continue;
                }
                scan(file, hashes, out);
            }
        }
        return new Found(out, missing);
    }

    private static void scan(Path file, Collection<String> hashes, List<PersonHistory.Exchange> out) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry records = zip.getEntry("records.jsonl");
            if (records == null) {
                return;
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(zip.getInputStream(records), StandardCharsets.UTF_8),
                    1 << 16)) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (hashes.stream().noneMatch(line::contains)) {
                        continue; // most records name someone else: parse only the few that may not
                    }
                    JsonNode n = JSON.readTree(line);
                    boolean names = false;
                    for (JsonNode p : n.path("persons")) {
                        names |= hashes.contains(p.asText());
                    }
                    if (names) {
                        out.add(new PersonHistory.Exchange(n.path("seq").asLong(), Instant.parse(n.path("at").asText()),
                                text(n, "line"), text(n, "direction"), text(n, "peer"), text(n, "type"), text(n, "messageId"),
                                text(n, "sender"), text(n, "status"), text(n, "code"), text(n, "operator"), text(n, "terminal")));
                    }
                }
            }
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
