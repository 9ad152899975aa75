package jp.tokyo.juki.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import jp.tokyo.juki.audit.AuditArchive.Manifest;
import jp.tokyo.juki.audit.AuditArchive.Refused;
import jp.tokyo.juki.security.CmsSignatures;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.security.RevocationList;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;

/**
 * Reads an audit export ({@link AuditArchive}) back and verifies it by itself, trusting only the
 * CA: the signed manifest, the digests of its files, every record's hash and link, the signed
 * checkpoints, and the link to the previous archive. Records of both chain formats are hashed as
 * they were written ({@link AuditChain#format}: a record without operator, terminal and reason,
 * as every record of a format-1 archive, is format 1).
 */
final class AuditArchiveVerifier {
    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditArchiveVerifier() {
    }

    /**
     * Verifies an archive by itself: the manifest's signature (the gateway's certificate, issued by
     * {@code ca}), both files' digests, every record's hash and link from the manifest's first
     * predecessor hash to its last hash, the places, every checkpoint's signature and that the chain
     * passes through each signed hash and ends at one; with {@code previous}, that this archive
     * continues that one (its range, last hash and file digest).
     */
    static Manifest verify(Path file, RevocationList ca, Path previous) throws IOException, Refused {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            byte[] manifestBytes = entry(zip, "manifest.json");
            checkSignature(manifestBytes, entry(zip, "manifest.p7s"), ca);
            JsonNode m = JSON.readTree(manifestBytes);
            if (!AuditArchive.READABLE.contains(m.path("format").asText())) {
                throw new Refused("not a " + String.join(" or ", AuditArchive.READABLE) + " archive");
            }
            long first = m.path("firstSeq").asLong();
            long last = m.path("lastSeq").asLong();
            byte[] prevHash = HEX.parseHex(m.path("prevHash").asText());
            byte[] lastHash = HEX.parseHex(m.path("lastHash").asText());
            if (!HEX.formatHex(digest(zip, "records.jsonl")).equals(m.path("recordsSha256").asText())) {
                throw new Refused("records.jsonl is not the file the signed manifest describes");
            }
            if (!HEX.formatHex(digest(zip, "checkpoints.jsonl")).equals(m.path("checkpointsSha256").asText())) {
                throw new Refused("checkpoints.jsonl is not the file the signed manifest describes");
            }
            List<JsonNode> checkpoints = new ArrayList<>();
            try (BufferedReader r = reader(zip, "checkpoints.jsonl")) {
                for (String line; (line = r.readLine()) != null; ) {
                    JsonNode cp = JSON.readTree(line);
                    String bad = new AuditCheckpoint(cp.path("seq").asLong(), HEX.parseHex(cp.path("hash").asText()),
                            Instant.parse(cp.path("at").asText()), Base64.getDecoder().decode(cp.path("signature").asText()))
                            .problem(ca);
                    if (bad != null) {
                        throw new Refused("checkpoint at seq " + cp.path("seq").asLong() + " cannot be trusted: " + bad);
                    }
                    if (!checkpoints.isEmpty() && Instant.parse(cp.path("at").asText())
                            .isBefore(Instant.parse(checkpoints.get(checkpoints.size() - 1).path("at").asText()))) {
                        throw new Refused("checkpoint at seq " + cp.path("seq").asLong() + " is dated before the previous one");
                    }
                    checkpoints.add(cp);
                }
            }
            if (checkpoints.isEmpty() || checkpoints.get(checkpoints.size() - 1).path("seq").asLong() != last
                    || !Arrays.equals(HEX.parseHex(checkpoints.get(checkpoints.size() - 1).path("hash").asText()), lastHash)) {
                throw new Refused("the archive does not end at a signed checkpoint of its last record (seq " + last + ")");
            }
            if (first > 1 && (checkpoints.get(0).path("seq").asLong() != first - 1
                    || !Arrays.equals(HEX.parseHex(checkpoints.get(0).path("hash").asText()), prevHash))) {
                throw new Refused("the archive's start (after seq " + (first - 1) + ") is not anchored by a signed checkpoint");
            }
            if (first == 1 && !Arrays.equals(prevHash, AuditChain.GENESIS)) {
                throw new Refused("the archive starts the chain but its first predecessor hash is not the genesis hash");
            }
            walkRecords(zip, first, last, prevHash, lastHash, checkpoints);
            String previousSha = m.path("previous").isObject() ? m.path("previous").path("sha256").asText() : null;
            Long previousLast = m.path("previous").isObject() ? m.path("previous").path("lastSeq").asLong() : null;
            if (previous != null) {
                Manifest before = verify(previous, ca, null);
                if (previousSha == null || !previousSha.equals(HEX.formatHex(AuditArchive.sha256(previous)))) {
                    throw new Refused(previous.getFileName() + " is not the archive this one continues (SHA-256 differs)");
                }
                if (before.lastSeq() + 1 != first || !Arrays.equals(before.lastHash(), prevHash)) {
                    throw new Refused("this archive does not continue " + previous.getFileName() + " (seq "
                            + before.lastSeq() + " then " + first + ")");
                }
            }
            return new Manifest(first, last, m.path("records").asLong(), prevHash, lastHash, previousSha, previousLast,
                    Instant.parse(m.path("exportedAt").asText()));
        } catch (ZipException e) {
            throw new Refused("not a ZIP archive: " + e.getMessage());
        }
    }

    private static void walkRecords(ZipFile zip, long first, long last, byte[] prevHash, byte[] lastHash,
                                    List<JsonNode> checkpoints) throws IOException, Refused {
        MessageDigest sha256 = AuditChain.sha256();
        long expected = first;
        byte[] prev = prevHash;
        int nextCheckpoint = 0;
        try (BufferedReader r = reader(zip, "records.jsonl")) {
            for (String line; (line = r.readLine()) != null; ) {
                JsonNode n = JSON.readTree(line);
                long seq = n.path("seq").asLong();
                if (seq != expected) {
                    throw new Refused("record seq " + expected + " is missing from the archive (next is seq " + seq + ")");
                }
                List<String> persons = new ArrayList<>();
                n.path("persons").forEach(p -> persons.add(p.asText()));
                AuditEvent e = new AuditEvent(UUID.fromString(n.path("eventId").asText()), Instant.parse(n.path("at").asText()),
                        text(n, "line"), text(n, "direction"), text(n, "peer"), text(n, "type"), text(n, "messageId"),
                        text(n, "sender"), text(n, "status"), text(n, "code"), text(n, "detail"), persons,
                        text(n, "operator"), text(n, "terminal"), text(n, "reason"));
                byte[] storedPrev = HEX.parseHex(n.path("prevHash").asText());
                byte[] hash = HEX.parseHex(n.path("hash").asText());
                if (!Arrays.equals(AuditChain.link(sha256, storedPrev, e), hash)) {
                    throw new Refused("record seq " + seq + " (event " + e.eventId() + ") was changed: its content no longer matches its hash");
                }
                if (!Arrays.equals(storedPrev, prev)) {
                    throw new Refused("record seq " + seq + " does not link to seq " + (seq - 1));
                }
                while (nextCheckpoint < checkpoints.size() && checkpoints.get(nextCheckpoint).path("seq").asLong() < seq) {
                    nextCheckpoint++;
                }
                if (nextCheckpoint < checkpoints.size() && checkpoints.get(nextCheckpoint).path("seq").asLong() == seq
                        && !Arrays.equals(HEX.parseHex(checkpoints.get(nextCheckpoint).path("hash").asText()), hash)) {
                    throw new Refused("record seq " + seq + " does not have the hash signed at its checkpoint");
                }
                prev = hash;
                expected++;
            }
        }
        if (expected != last + 1) {
            throw new Refused("records seq " + expected + " to " + last + " are missing from the archive");
        }
        if (!Arrays.equals(prev, lastHash)) {
            throw new Refused("the last record's hash is not the manifest's");
        }
    }

    private static void checkSignature(byte[] manifest, byte[] signature, RevocationList ca) throws Refused {
        String bad;
        try {
            Instant exported = Instant.parse(JSON.readTree(manifest).path("exportedAt").asText());
            bad = CmsSignatures.problem(new CMSSignedData(new CMSProcessableByteArray(manifest), signature), ca,
                    Identities.GATEWAY, exported);
        } catch (Exception e) {
            bad = "the signature cannot be read (" + e.getClass().getSimpleName() + ")";
        }
        if (bad != null) {
            throw new Refused("the manifest cannot be trusted (changed, or not the gateway's): " + bad);
        }
    }

    private static byte[] entry(ZipFile zip, String name) throws IOException, Refused {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new Refused("the archive has no " + name);
        }
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    private static byte[] digest(ZipFile zip, String name) throws IOException, Refused {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new Refused("the archive has no " + name);
        }
        MessageDigest d = AuditChain.sha256();
        try (InputStream in = zip.getInputStream(e)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return d.digest();
    }

    private static BufferedReader reader(ZipFile zip, String name) throws IOException, Refused {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new Refused("the archive has no " + name);
        }
        return new BufferedReader(new InputStreamReader(zip.getInputStream(e), StandardCharsets.UTF_8), 1 << 16);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
