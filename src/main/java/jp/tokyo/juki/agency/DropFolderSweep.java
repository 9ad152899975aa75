package jp.tokyo.juki.agency;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import jp.tokyo.juki.audit.AuditStatus;
import jp.tokyo.juki.audit.GatewayEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the agencies' folders as PROTOCOL §4 has them: in each account's folder only
 * {@code inbox/} and {@code outbox/} (mode 0700), in them only files (mode 0600). A stray entry
 * (a folder, a link, anything else, or any entry beside the two folders) is removed, and so is an
 * upload in {@code inbox/} — any file not named {@code *.req.p7m} — untouched (its inode's change
 * time, ctime, which a client cannot set) for longer than {@code partMaxAge}. Each removal is audited (what it was, never its name: an agency chooses
 * names). Files the gateway writes to {@code outbox/} are left to the agency flow.
 */
final class DropFolderSweep {
    private static final Logger LOG = LoggerFactory.getLogger(DropFolderSweep.class);
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    static final String REQUEST = ".req.p7m";

    private final Path root;
    private final Collection<String> accounts;
    private final Duration partMaxAge;
    private final DropFolderServer.Audit audit;

    DropFolderSweep(Path root, Collection<String> accounts, Duration partMaxAge, DropFolderServer.Audit audit) {
        this.root = root;
        this.accounts = accounts;
        this.partMaxAge = partMaxAge;
        this.audit = audit;
    }

    /** Makes the folders (at start) and sets their modes. */
    void prepare() throws IOException {
        Files.createDirectories(root);
        mode(root, DIR_MODE);
        for (String account : accounts) {
            Path home = root.resolve(account);
            Files.createDirectories(home.resolve(DropFolderAccess.INBOX));
            Files.createDirectories(home.resolve(DropFolderAccess.OUTBOX));
            mode(home, DIR_MODE);
            mode(home.resolve(DropFolderAccess.INBOX), DIR_MODE);
            mode(home.resolve(DropFolderAccess.OUTBOX), DIR_MODE);
        }
    }

    /** One pass over every account's folder. */
    void sweep(Instant now) {
        for (String account : accounts) {
            try {
                sweep(account, root.resolve(account), now);
            } catch (IOException | RuntimeException e) {
                LOG.warn("SFTP sweep of account {}: {}", account, e.getClass().getSimpleName());
            }
        }
    }

    private void sweep(String account, Path home, Instant now) throws IOException {
        prepareOne(home);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(home)) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (!(name.equals(DropFolderAccess.INBOX) || name.equals(DropFolderAccess.OUTBOX))
                        || !Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) {
                    remove(account, e, "a stray " + kind(e) + " beside inbox/ and outbox/");
                }
            }
        }
        Path inbox = home.resolve(DropFolderAccess.INBOX);
        Path outbox = home.resolve(DropFolderAccess.OUTBOX);
        for (Path folder : new Path[] {inbox, outbox}) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
                for (Path e : entries) {
                    BasicFileAttributes a;
                    try {
                        a = Files.readAttributes(e, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException gone) {
                        continue;
                    }
                    if (!a.isRegularFile()) {
                        remove(account, e, "a stray " + kind(e) + " in " + folder.getFileName() + "/");
                        continue;
                    }
                    mode(e, FILE_MODE);
                    // the inode's change time, which an agency cannot set (it may set the modification time by
                    // setstat: one in the future would keep a stale upload forever, an old one would have a
                    // finished upload removed before its rename); every write or setstat moves it to now
                    Duration untouched;
                    try {
                        untouched = Duration.between(((FileTime) Files.getAttribute(e, "unix:ctime", LinkOption.NOFOLLOW_LINKS))
                                .toInstant(), now);
                    } catch (NoSuchFileException gone) {
                        continue;
                    }
                    if (folder == inbox && !e.getFileName().toString().endsWith(REQUEST) && untouched.compareTo(partMaxAge) > 0) {
                        remove(account, e, "an unfinished upload (" + a.size() + " bytes, untouched " + untouched.toMinutes()
                                + " min, more than " + partMaxAge.toMinutes() + ") in inbox/");
                    }
                }
            }
        }
    }

    private static void prepareOne(Path home) throws IOException {
        for (String f : new String[] {DropFolderAccess.INBOX, DropFolderAccess.OUTBOX}) {
            Path folder = home.resolve(f);
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(folder);
                }
                Files.createDirectories(folder);
            }
            mode(folder, DIR_MODE);
        }
        mode(home, DIR_MODE);
    }

    private void remove(String account, Path entry, String what) {
        try {
            deleteTree(entry);
            audit.record(account, GatewayEvent.SFTP_SWEEP, AuditStatus.ERASED,
                    "S130", what + " removed (account " + account + ")");
        } catch (IOException e) {
            LOG.warn("SFTP sweep of account {}: {} not removed ({})", account, what, e.getClass().getSimpleName());
        }
    }

    private static String kind(Path p) {
        return Files.isSymbolicLink(p) ? "link" : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "folder"
                : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "file" : "entry";
    }

    private static void mode(Path p, Set<PosixFilePermission> mode) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
                Files.setPosixFilePermissions(p, mode);
            }
        } catch (NoSuchFileException gone) {
            // removed meanwhile (an answer collected)
        }
    }

    /** a folder with all below it, links removed as links (never followed) */
    static void deleteTree(Path p) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(p);
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
