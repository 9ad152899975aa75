package jp.tokyo.juki.agency;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Principal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.common.SftpException;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpErrorStatusDataHandler;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemEnvironment;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * What an agency may do in its drop folder over SFTP, enforced where MINA SSHD touches the disk:
 * it writes, renames and removes files in {@code inbox/} only (removes answers in
 * {@code outbox/} too), and reads both; it cannot make folders or links, copy on the server,
 * change a file's permissions, owner, group or size (only its times), nor write beyond its quota
 * — the bytes of all files in its {@code inbox/} and of the files it still holds open for writing
 * that are no longer in {@code inbox/} (removed or replaced while open) — nor hold more than
 * {@code maxInboxFiles} entries there. A write past the quota fails with an SFTP error, the file it
 * was writing is removed at once (if that name is still that file) and every later write to it
 * fails, so nothing half-written stays. A file open for writing cannot be removed or renamed (nor
 * replaced by a rename), and an answer the gateway has not yet published ({@code outbox/*.part})
 * cannot be removed. Files it creates get mode 0600 whatever it asked for. Every refusal is
 * audited, folded per account and kind ({@link AuditDigest}) so a loop of refused requests cannot
 * flood the audit.
 */
final class DropFolderAccess implements SftpFileSystemAccessor, SftpEventListener, SftpErrorStatusDataHandler {
    static final String INBOX = "inbox";
    static final String OUTBOX = "outbox";
    /** attributes an agency may set (a client that keeps a file's times after an upload) */
    private static final Set<String> TIMES = Set.of("lastModifiedTime", "lastAccessTime", "creationTime");
    private static final Set<String> KNOWN = Set.of("size", "uid", "gid", "owner", "group", "permissions", "acl",
            "extended", "lastModifiedTime", "lastAccessTime", "creationTime");
    static final FileAttribute<?> FILE_MODE = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    static final String PART = ".part";

    private final AuditDigest audit;
    private final InboxQuota quota;

    DropFolderAccess(long quotaBytes, int maxInboxFiles, AuditDigest audit) {
        this.audit = audit;
        this.quota = new InboxQuota(quotaBytes, maxInboxFiles, audit);
    }

    // ---- what may be written where

    @Override
    public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
                                        Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
        boolean writes = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND)
                || options.contains(StandardOpenOption.CREATE) || options.contains(StandardOpenOption.CREATE_NEW)
                || options.contains(StandardOpenOption.TRUNCATE_EXISTING);
        if (Files.isSymbolicLink(file)) {
            // an agency cannot make links; one made on the host (until the sweep removes it) is not followed
            throw refused(subsystem.getServerSession(), "opening a link");
        }
        if (!writes) {
            return SftpFileSystemAccessor.super.openFile(subsystem, fileHandle, file, handle, options, attrs);
        }
        if (fileHandle == null) {
            // MINA opens a file itself only to set its size, which setstat refuses before; nothing else writes
            throw refused(subsystem.getServerSession(), "writing outside an upload");
        }
        if (!in(file, INBOX)) {
            throw refused(subsystem.getServerSession(), "writing outside inbox/");
        }
        ServerSession session = subsystem.getServerSession();
        synchronized (quota.lock(session)) {
            quota.admitNewFile(session, file, subsystem.getVersion());
            // the mode the agency asked for is ignored: 0600 for every file it creates
            SeekableByteChannel channel = SftpFileSystemAccessor.super.openFile(subsystem, fileHandle, file, handle, options,
                    FILE_MODE);
            return quota.track(channel, file, session, subsystem.getVersion());
        }
    }

    @Override
    public void createDirectory(SftpSubsystemProxy subsystem, Path path) throws IOException {
        throw refused(subsystem.getServerSession(), "making a folder");
    }

    @Override
    public void createLink(SftpSubsystemProxy subsystem, Path link, Path existing, boolean symLink) throws IOException {
        throw refused(subsystem.getServerSession(), "making a link");
    }

    @Override
    public void copyFile(SftpSubsystemProxy subsystem, Path src, Path dst, Collection<CopyOption> opts) throws IOException {
        throw refused(subsystem.getServerSession(), "copying on the server");
    }

    @Override
    public void renameFile(SftpSubsystemProxy subsystem, Path oldPath, Path newPath, Collection<CopyOption> opts)
            throws IOException {
        ServerSession session = subsystem.getServerSession();
        if (!in(oldPath, INBOX) || !in(newPath, INBOX) || Files.isDirectory(oldPath, LinkOption.NOFOLLOW_LINKS)) {
            throw refused(session, "renaming outside inbox/");
        }
        synchronized (quota.lock(session)) {
            // a file open for writing keeps its name until closed: else its bytes would leave inbox/ (and the quota)
            if (quota.beingWritten(session, oldPath) || quota.beingWritten(session, newPath)) {
                throw refused(session, "renaming a file open for writing");
            }
            SftpFileSystemAccessor.super.renameFile(subsystem, oldPath, newPath, opts);
        }
    }

    @Override
    public void removeFile(SftpSubsystemProxy subsystem, Path path, boolean isDirectory) throws IOException {
        ServerSession session = subsystem.getServerSession();
        if (isDirectory || !(in(path, INBOX) || in(path, OUTBOX))) {
            throw refused(session, isDirectory ? "removing a folder" : "removing outside inbox/ and outbox/");
        }
        if (in(path, OUTBOX) && path.getFileName().toString().endsWith(PART)) {
            throw refused(session, "removing an answer not yet published (outbox/*.part)");
        }
        synchronized (quota.lock(session)) {
            if (quota.beingWritten(session, path)) {
                throw refused(session, "removing a file open for writing");
            }
            SftpFileSystemAccessor.super.removeFile(subsystem, path, isDirectory);
        }
    }


    // ---- attributes: times only

    @Override
    public void modifyingAttributes(ServerSession session, Path path, Map<String, ?> attrs) throws IOException {
        Set<String> asked = new TreeSet<>();
        for (String name : attrs.keySet()) {
            if (!TIMES.contains(name)) {
                asked.add(KNOWN.contains(name) ? name : "other");
            }
        }
        if (!asked.isEmpty()) {
            throw refused(session, "changing " + String.join(", ", asked));
        }
    }

    @Override
    public void setFilePermissions(SftpSubsystemProxy subsystem, Path file, Set<PosixFilePermission> perms,
                                   LinkOption... options) throws IOException {
        throw refused(subsystem.getServerSession(), "changing permissions");
    }

    @Override
    public void setFileOwner(SftpSubsystemProxy subsystem, Path file, Principal value, LinkOption... options)
            throws IOException {
        throw refused(subsystem.getServerSession(), "changing owner");
    }

    @Override
    public void setGroupOwner(SftpSubsystemProxy subsystem, Path file, Principal value, LinkOption... options)
            throws IOException {
        throw refused(subsystem.getServerSession(), "changing group");
    }

    @Override
    public void setFileAccessControl(SftpSubsystemProxy subsystem, Path file, List<AclEntry> acl,
                                     LinkOption... options) throws IOException {
        throw refused(subsystem.getServerSession(), "changing the access control list");
    }

    // ---- the channel MINA would have had, for what needs it

    @Override
    public FileLock tryLock(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle, Channel channel,
                            long position, long size, boolean shared) throws IOException {
        return SftpFileSystemAccessor.super.tryLock(subsystem, fileHandle, file, handle, unwrap(channel), position, size, shared);
    }

    @Override
    public void syncFileData(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle, Channel channel)
            throws IOException {
        SftpFileSystemAccessor.super.syncFileData(subsystem, fileHandle, file, handle, unwrap(channel));
    }

    @Override
    public void closeFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle, Channel channel,
                          Set<? extends OpenOption> options) throws IOException {
        InboxQuota.closed(channel);
        SftpFileSystemAccessor.super.closeFile(subsystem, fileHandle, file, handle, unwrap(channel), options);
    }

    private static Channel unwrap(Channel channel) {
        return InboxQuota.unwrap(channel);
    }

    /** whether {@code path} is a file directly in the account's {@code folder} (paths here are the account's own) */
    static boolean in(Path path, String folder) {
        Path p = path.toAbsolutePath().normalize();
        return p.getNameCount() == 2 && p.getName(0).toString().equals(folder);
    }

    private AccessDeniedException refused(ServerSession session, String what) {
        // one record per account and kind of request at once, its repeats counted till the next sweep
        audit.record("S110 " + account(session) + " " + what, account(session), "SFTP_REQUEST", "REFUSED", "S110",
                what + " is not allowed in a drop folder (" + who(session) + ")",
                "refused request(s): " + what + " (account " + account(session) + ")");
        return new Refusal(what + " is not allowed in a drop folder");
    }

    /** one of our refusals: its reason is the client's status message (nothing of the host's paths is in it) */
    static final class Refusal extends AccessDeniedException {
        Refusal(String reason) {
            super(reason);
        }
    }

    /** a write past the quota */
    static final class OverQuota extends SftpException {
        OverQuota(int status, String reason) {
            super(status, reason);
        }
    }

    @Override
    public String resolveErrorMessage(SftpSubsystemEnvironment sftpSubsystem, int id, Throwable e, int subStatus, int cmd,
                                      Object... args) {
        return e instanceof Refusal || e instanceof OverQuota ? e.getMessage()
                : SftpErrorStatusDataHandler.super.resolveErrorMessage(sftpSubsystem, id, e, subStatus, cmd, args);
    }

    static String account(ServerSession session) {
        return session == null ? null : session.getUsername();
    }

    static String who(ServerSession session) {
        String ip = session != null && session.getClientAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "?";
        return "account " + account(session) + ", from " + ip;
    }

}
