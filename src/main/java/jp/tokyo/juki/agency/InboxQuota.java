package jp.tokyo.juki.agency;

import static jp.tokyo.juki.agency.DropFolderAccess.account;
import static jp.tokyo.juki.agency.DropFolderAccess.who;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jp.tokyo.juki.agency.DropFolderAccess.OverQuota;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * The quota of an agency's {@code inbox/} for {@link DropFolderAccess}: at most
 * {@code maxInboxFiles} entries, and at most {@code quotaBytes} of the files in it and of the files
 * the account still holds open for writing that are no longer in it (removed or replaced while
 * open). It knows each account's uploads open for writing (by file identity, whatever their name),
 * and holds the account's lock under which the checks and the writes happen, so two sessions of
 * one agency cannot both squeeze past a limit. A write past the quota fails, the file it was
 * writing is removed (if that name is still that file) and every later write to it fails.
 */
final class InboxQuota {
    private final long quotaBytes;
    private final int maxInboxFiles;
    private final AuditDigest audit;
    private final Map<String, Object> accountLocks = new ConcurrentHashMap<>();
    /** per account: its uploads open for writing (each with the file's inode, fileKey) */
    private final Map<String, Set<QuotaChannel>> writing = new ConcurrentHashMap<>();

    InboxQuota(long quotaBytes, int maxInboxFiles, AuditDigest audit) {
        this.quotaBytes = quotaBytes;
        this.maxInboxFiles = maxInboxFiles;
        this.audit = audit;
    }

    /** the account's lock: renames, removals, new files and writes of one account happen one at a time */
    Object lock(ServerSession session) {
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

    /** Refuses a new file (a name not there yet) in a full {@code inbox/} (S120); called under the account's lock. */
    void admitNewFile(ServerSession session, Path file, int sftpVersion) throws IOException {
        // under the account's lock: two sessions of one agency cannot both squeeze past the entry limit
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            long entries = entries(file.getParent());
            if (entries >= maxInboxFiles) {
                audit.record("S120 " + account(session) + " entries", account(session), "SFTP_QUOTA", "REFUSED", "S120",
                        "a new file refused: inbox/ holds " + entries + " entries, at most " + maxInboxFiles
                                + " allowed (" + who(session) + ")",
                        "new file(s) refused: inbox/ full (at most " + maxInboxFiles + " entries; account "
                                + account(session) + ")");
                throw new OverQuota(sftpVersion >= SftpConstants.SFTP_V5 ? SftpConstants.SSH_FX_QUOTA_EXCEEDED
                        : SftpConstants.SSH_FX_FAILURE, "inbox/ holds at most " + maxInboxFiles + " files");
            }
        }
    }

    /** An upload opened in {@code inbox/}, counted against the quota until closed; called under the account's lock. */
    SeekableByteChannel track(SeekableByteChannel channel, Path file, ServerSession session, int sftpVersion)
            throws IOException {
        QuotaChannel q;
        try {
            q = new QuotaChannel(channel, file, fileKey(file), session, sftpVersion);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        writing(session).add(q);
        return q;
    }

    /** the handle was closed: its file no longer counts as open for writing */
    static void closed(Channel channel) {
        if (channel instanceof QuotaChannel q) {
            q.closed();
        }
    }

    /** the channel MINA would have had */
    static Channel unwrap(Channel channel) {
        return channel instanceof QuotaChannel q ? q.delegate : channel;
    }

    /** whether the file at {@code path} (not a link followed) is one the account holds open for writing */
    boolean beingWritten(ServerSession session, Path path) throws IOException {
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
    final class QuotaChannel implements SeekableByteChannel {
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
