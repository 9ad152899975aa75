package jp.tokyo.juki.agency;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Principal;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.common.SftpConstants;
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

    private final long quotaBytes;
    private final int maxInboxFiles;
    private final AuditDigest audit;
    private final Map<String, Object> accountLocks = new ConcurrentHashMap<>();
    /** per account: its uploads open for writing (each with the file's inode, fileKey) */
    private final Map<String, Set<QuotaChannel>> writing = new ConcurrentHashMap<>();

    DropFolderAccess(long quotaBytes, int maxInboxFiles, AuditDigest audit) {
        this.quotaBytes = quotaBytes;
        this.maxInboxFiles = maxInboxFiles;
        this.audit = audit;
    }

    private Object lock(ServerSession session) {
        return accountLocks.computeIfAbsent(String.valueOf(account(session)), a -> new Object());
    }

    private Set<QuotaChannel> writing(ServerSession session) {
        return writing.computeIfAbsent(String.valueOf(account(session)), a -> ConcurrentHashMap.newKeySet());
    }

    /** the account's uploads still open (one closed by any path other than a CLOSE request is forgotten here) */
    private Set<QuotaChannel> open(ServerSession session) {
        Set<QuotaChannel> all = writing(session);
        all.removeIf(q -> !q.delegate.isOpen());
        return all;
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
        synchronized (lock(session)) {
            // under the account's lock: two sessions of one agency cannot both squeeze past the entry limit
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                long entries = entries(file.getParent());
                if (entries >= maxInboxFiles) {
                    audit.record("S120 " + account(session) + " entries", account(session), "SFTP_QUOTA", "REFUSED", "S120",
                            "a new file refused: inbox/ holds " + entries + " entries, at most " + maxInboxFiles
                                    + " allowed (" + who(session) + ")",
                            "new file(s) refused: inbox/ full (at most " + maxInboxFiles + " entries; account "
                                    + account(session) + ")");
                    throw new OverQuota(subsystem.getVersion() >= SftpConstants.SFTP_V5 ? SftpConstants.SSH_FX_QUOTA_EXCEEDED
                            : SftpConstants.SSH_FX_FAILURE, "inbox/ holds at most " + maxInboxFiles + " files");
                }
            }
            // the mode the agency asked for is ignored: 0600 for every file it creates
            SeekableByteChannel channel = SftpFileSystemAccessor.super.openFile(subsystem, fileHandle, file, handle, options,
                    FILE_MODE);
            QuotaChannel q;
            try {
                q = new QuotaChannel(channel, file, fileKey(file), session, subsystem.getVersion());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            writing(session).add(q);
            return q;
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
        synchronized (lock(session)) {
            // a file open for writing keeps its name until closed: else its bytes would leave inbox/ (and the quota)
            if (beingWritten(session, oldPath) || beingWritten(session, newPath)) {
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
        synchronized (lock(session)) {
            if (beingWritten(session, path)) {
                throw refused(session, "removing a file open for writing");
            }
            SftpFileSystemAccessor.super.removeFile(subsystem, path, isDirectory);
        }
    }

    /** whether the file at {@code path} (not a link followed) is one the account holds open for writing */
    private boolean beingWritten(ServerSession session, Path path) throws IOException {
        Object key;
        try {
            key = fileKey(path);
        } catch (NoSuchFileException gone) {
            return false;
        }
        for (QuotaChannel q : open(session)) {
            if (q.key.equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** the file's identity (device and inode on Linux), the same whatever name it has or whether it has one */
    private static Object fileKey(Path path) throws IOException {
        Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        return key != null ? key : path.toAbsolutePath().normalize().toString();
    }

    /** the entries in {@code folder} now */
    private static long entries(Path folder) throws IOException {
        long n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path ignored : files) {
                n++;
            }
        }
        return n;
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
        if (channel instanceof QuotaChannel q) {
            q.closed();
        }
        SftpFileSystemAccessor.super.closeFile(subsystem, fileHandle, file, handle, unwrap(channel), options);
    }

    private static Channel unwrap(Channel channel) {
        return channel instanceof QuotaChannel q ? q.delegate : channel;
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

    /**
     * the bytes of the regular files in {@code inbox} now, and of the files the account holds open
     * for writing that are not among them (removed or replaced while open: their bytes are still on
     * the disk until the handle is closed); each file once (by its fileKey)
     */
    private long usage(Path inbox, ServerSession session) throws IOException {
        long total = 0;
        Set<Object> counted = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(inbox)) {
            for (Path f : files) {
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile() && counted.add(a.fileKey() != null ? a.fileKey() : f.toAbsolutePath().normalize().toString())) {
                        total += a.size();
                    }
                } catch (NoSuchFileException gone) {
                    // removed meanwhile
                }
            }
        }
        for (QuotaChannel q : open(session)) {
            if (counted.add(q.key)) {
                try {
                    total += q.delegate.size();
                } catch (IOException closed) {
                    // closed meanwhile
                }
            }
        }
        return total;
    }

    /** An upload into {@code inbox/}: each write that would grow the folder past the quota is refused. */
    private final class QuotaChannel implements SeekableByteChannel {
        final SeekableByteChannel delegate;
        private final Path file;
        /** the file's identity when opened: what it is whatever becomes of its name */
        final Object key;
        private final ServerSession session;
        private final int version;
        private volatile boolean overQuota;

        QuotaChannel(SeekableByteChannel delegate, Path file, Object key, ServerSession session, int version) {
            this.delegate = delegate;
            this.file = file;
            this.key = key;
            this.session = session;
            this.version = version;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (overQuota) {
                throw quotaError();
            }
            synchronized (lock(session)) {
                // check and write under the account's lock: two uploads of one agency cannot both squeeze in
                if (overQuota) {
                    throw quotaError();
                }
                long grows = delegate.position() + src.remaining() - delegate.size();
                if (grows > 0) {
                    long used = usage(file.getParent(), session);
                    if (used + grows > quotaBytes) {
                        // every handle on this file fails from now on; the name is removed only while it is still
                        // this file (a file renamed over it, e.g. a complete request, stays)
                        for (QuotaChannel q : writing(session)) {
                            if (q.key.equals(key)) {
                                q.overQuota = true;
                            }
                        }
                        overQuota = true;
                        try {
                            if (key.equals(fileKey(file))) {
                                Files.deleteIfExists(file);
                            }
                        } catch (NoSuchFileException gone) {
                            // removed or renamed meanwhile
                        }
                        audit.record("S120 " + account(session) + " quota", account(session), "SFTP_QUOTA", "REFUSED", "S120",
                                "an upload past the inbox quota of " + quotaBytes + " bytes refused (" + used
                                        + " bytes in inbox/ and open uploads); the partial file removed (" + who(session) + ")",
                                "write(s) past the inbox quota of " + quotaBytes + " bytes refused (account " + account(session) + ")");
                        throw quotaError();
                    }
                }
                return delegate.write(src);
            }
        }

        private SftpException quotaError() {
            // SFTP v3 (OpenSSH) has no quota status: a failure with the reason as its message
            return new OverQuota(version >= SftpConstants.SFTP_V5 ? SftpConstants.SSH_FX_QUOTA_EXCEEDED
                    : SftpConstants.SSH_FX_FAILURE, "inbox quota of " + quotaBytes + " bytes exceeded; the file was removed");
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            delegate.truncate(size); // never grows a file
            return this;
        }

        @Override
        public boolean isOpen() {
            return delegate.isOpen();
        }

        /** the handle was closed: its file no longer counts as open for writing */
        void closed() {
            writing(session).remove(this);
        }

        @Override
        public void close() throws IOException {
            closed();
            delegate.close();
        }
    }
}
