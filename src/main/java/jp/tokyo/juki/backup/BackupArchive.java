package jp.tokyo.juki.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import jp.tokyo.juki.security.CmsFiles;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The backup archive's content: one POSIX tar (gzip, fastest level) of the trees given (each under its own name, e.g.
 * {@code data/…}, {@code keystores/…}; files with their modes, no links) followed by
 * {@code manifest.json} (format {@value #FORMAT}, what the caller says of the backup, and each
 * file's size and SHA-256) — signed and encrypted by {@link CmsFiles} as one streamed CMS file, so
 * {@code openssl cms -decrypt … | openssl cms -verify … | tar -xz} opens it too. Reading unpacks into a
 * staging directory as it decrypts and trusts nothing of it until the GCM tag, the signature and
 * every file's hash have been checked.
 */
public final class BackupArchive {
    /** the manifest's format */
    public static final String FORMAT = "juki-backup/1";
    static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final int BUFFER = 64 * 1024;

    private BackupArchive() {
    }

    /** A tree to archive under {@code name}, without the files {@code left} says (paths relative to {@code dir}). */
    public record Tree(String name, Path dir, Predicate<Path> left) {
    }

    /** What an archive held: its manifest (as written) and who signed it. */
    public record Opened(JsonNode manifest, X509Certificate signer) {
    }

    /**
     * Writes the trees and the manifest ({@code about} plus the files) to {@code file}, signed by
     * {@code signerKey}/{@code signer} and encrypted to {@code recipient}. Returns the number of files.
     */
    public static int write(OutputStream file, PrivateKey signerKey, X509Certificate signer, X509Certificate recipient,
                            List<Tree> trees, ObjectNode about) throws IOException {
        Map<String, ObjectNode> files = new TreeMap<>();
        CmsFiles.protect(file, signerKey, signer, recipient, content -> {
            GZIPOutputStream gzip = new GZIPOutputStream(content, BUFFER) {
                {
                    // the fastest level: most of a fresh cluster's and journal's bytes are zeros, and the
                    // compression halves the bytes the encryption must go through for the rest
                    def.setLevel(Deflater.BEST_SPEED);
                }
            };
            TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, BUFFER);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Tree t : trees) {
                addTree(tar, t, files);
            }
            ObjectNode manifest = about.deepCopy().put("format", FORMAT);
            ObjectNode list = manifest.putObject("files");
            files.forEach(list::set);
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
            TarArchiveEntry e = new TarArchiveEntry(MANIFEST);
            e.setSize(bytes.length);
            e.setMode(0600);
            tar.putArchiveEntry(e);
            tar.write(bytes);
            tar.closeArchiveEntry();
            // not closed: CmsFiles closes the signed stream beneath
            tar.finish();
            gzip.finish();
        });
        return files.size();
    }

    private static void addTree(TarArchiveOutputStream tar, Tree t, Map<String, ObjectNode> files) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(t.dir())) {
            all = walk.sorted().toList();
        }
        byte[] buf = new byte[BUFFER];
        for (Path p : all) {
            Path rel = t.dir().relativize(p);
            if (!rel.toString().isEmpty() && t.left().test(rel)) {
                continue;
            }
            String name = rel.toString().isEmpty() ? t.name() : t.name() + "/" + rel.toString().replace('\\', '/');
            if (Files.isSymbolicLink(p)) {
                throw new IOException("a link in " + t.name() + " (" + name + "): the backup copies files only");
            }
            boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            TarArchiveEntry e = new TarArchiveEntry(dir ? name + "/" : name);
            e.setMode(mode(p));
            e.setModTime(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
            if (dir) {
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
                continue;
            }
            e.setSize(Files.size(p));
            tar.putArchiveEntry(e);
            MessageDigest sha = sha256();
            long size = 0;
            try (InputStream in = Files.newInputStream(p)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    tar.write(buf, 0, n);
                    sha.update(buf, 0, n);
                    size += n;
                }
            }
            tar.closeArchiveEntry();
            files.put(name, JSON.createObjectNode().put("size", size).put("sha256", HEX.formatHex(sha.digest())));
        }
    }

    /**
     * Decrypts {@code file} with the backup key and unpacks it into {@code staging} (which must
     * exist and be empty) as it reads; then checks the tag, the signature, and that the files are
     * exactly those of the manifest with their hashes.
     *
     * @throws BackupRefused {@code R422} not a backup archive this key opens, or altered;
     *                       {@code R400} an entry outside the archive's trees
     * @throws IOException   the file or the staging directory could not be read or written
     */
    public static Opened read(InputStream file, PrivateKey key, X509Certificate cert, Path staging)
            throws BackupRefused, IOException {
        CmsFiles.Verified<Unpacked> v;
        try {
            v = CmsFiles.open(file, key, cert, content -> unpack(content, staging));
        } catch (CmsFiles.Refused e) {
            throw new BackupRefused("R422", "the archive cannot be opened with this backup key: " + e.getMessage());
        }
        if (v.readFailure() instanceof BackupRefused r) {
            throw r;
        }
        if (v.readFailure() != null) {
            throw new BackupRefused("R422", "the archive's content is not a backup (" + v.readFailure().getClass().getSimpleName()
                    + ")");
        }
        Unpacked u = v.value();
        if (u.manifest == null || !FORMAT.equals(u.manifest.path("format").asText())) {
            throw new BackupRefused("R422", "the archive has no manifest of format " + FORMAT);
        }
        Map<String, String> listed = new LinkedHashMap<>();
        u.manifest.path("files").properties().forEach(f -> listed.put(f.getKey(), f.getValue().path("sha256").asText()));
        if (!listed.equals(u.hashes)) {
            List<String> differ = new ArrayList<>();
            listed.forEach((n, h) -> {
                if (!h.equals(u.hashes.get(n))) {
                    differ.add(n);
                }
            });
            u.hashes.keySet().stream().filter(n -> !listed.containsKey(n)).forEach(differ::add);
            throw new BackupRefused("R422", "the archive's files differ from its manifest (" + differ.size() + " file(s), e.g. "
                    + (differ.isEmpty() ? "-" : differ.get(0)) + ")");
        }
        return new Opened(u.manifest, v.signer());
    }

    private static final class Unpacked {
        final Map<String, String> hashes = new TreeMap<>();
        final List<Path> dirs = new ArrayList<>();
        JsonNode manifest;
    }

    private static Unpacked unpack(InputStream content, Path staging) throws IOException, BackupRefused {
        Unpacked u = new Unpacked();
        TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(content, BUFFER), BUFFER);
        byte[] buf = new byte[BUFFER];
        Map<Path, Integer> dirModes = new LinkedHashMap<>();
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
            String name = e.getName();
            if (name.equals(MANIFEST)) {
                u.manifest = JSON.readTree(tar.readNBytes(1 << 24));
                continue;
            }
            Path target = staging.resolve(name).normalize();
            if (!target.startsWith(staging) || target.equals(staging) || Arrays.asList(name.split("/")).contains("..")
                    || !(e.isDirectory() || e.isFile()) || e.isSymbolicLink() || e.isLink()) {
                throw new BackupRefused("R400", "the archive holds an entry that is not a file or directory of its trees");
            }
            if (e.isDirectory()) {
                Files.createDirectories(target);
                dirModes.put(target, e.getMode());
                continue;
            }
            Files.createDirectories(target.getParent());
            MessageDigest sha = sha256();
            try (OutputStream out = Files.newOutputStream(target)) {
                Files.setPosixFilePermissions(target, perms(0600));
                DigestInputStream in = new DigestInputStream(tar, sha);
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                }
            }
            Files.setPosixFilePermissions(target, perms(e.getMode()));
            u.hashes.put(name.endsWith("/") ? name.substring(0, name.length() - 1) : name, HEX.formatHex(sha.digest()));
        }
        List<Path> dirs = new ArrayList<>(dirModes.keySet());
        for (int i = dirs.size() - 1; i >= 0; i--) {
            Files.setPosixFilePermissions(dirs.get(i), perms(dirModes.get(dirs.get(i))));
        }
        return u;
    }

    private static int mode(Path p) throws IOException {
        int mode = 0;
        for (PosixFilePermission perm : Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)) {
            mode |= 1 << (8 - perm.ordinal());
        }
        return mode;
    }

    /** The permissions of a tar mode's lower nine bits (PosixFilePermission's order is rwx of owner, group, others). */
    private static Set<PosixFilePermission> perms(int mode) {
        StringBuilder s = new StringBuilder(9);
        String rwx = "rwx";
        for (int bit = 8; bit >= 0; bit--) {
            s.append((mode & (1 << bit)) != 0 ? rwx.charAt((8 - bit) % 3) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
