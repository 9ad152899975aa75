package jp.tokyo.juki.agency;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The drop folder of an account of the embedded SFTP server: {@code <home>/inbox} and
 * {@code <home>/outbox} on the gateway's own disk. Answers are written to a {@code .part} file,
 * forced to disk, and renamed atomically.
 */
public final class LocalDropFolder implements DropFolder {
    private final Path inbox;
    private final Path outbox;

    public LocalDropFolder(Path home) throws IOException {
        this.inbox = home.resolve("inbox");
        this.outbox = home.resolve("outbox");
        Files.createDirectories(inbox);
        Files.createDirectories(outbox);
    }

    @Override
    public List<Entry> requests() throws IOException {
        return list(inbox, name -> name.endsWith(REQUEST));
    }

    @Override
    public byte[] readRequest(String name) throws IOException {
        return Files.readAllBytes(inbox.resolve(checked(name)));
    }

    @Override
    public boolean streams() {
        return true;
    }

    @Override
    public InputStream openRequest(String name) throws IOException {
        return Files.newInputStream(inbox.resolve(checked(name)));
    }

    @Override
    public void removeRequest(String name) throws IOException {
        if (Files.deleteIfExists(inbox.resolve(checked(name)))) {
            force(inbox); // the removal survives a crash before the ledger says DONE, so the file never returns
        }
    }

    @Override
    public void writePart(String answerName, byte[] content) throws IOException {
        Path part = outbox.resolve(checked(answerName) + PART);
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
    }

    @Override
    public void writePart(String answerName, PartWriter content) throws IOException {
        Path part = outbox.resolve(checked(answerName) + PART);
        boolean written = false;
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch),
                    64 * 1024);
            content.write(out);
            out.flush();
            ch.force(true);
            written = true;
        } finally {
            if (!written) {
                Files.deleteIfExists(part); // half an answer is never left to be published
            }
        }
    }

    @Override
    public boolean hasPart(String answerName) {
        return Files.exists(outbox.resolve(checked(answerName) + PART));
    }

    @Override
    public void publish(String answerName) throws IOException {
        Path part = outbox.resolve(checked(answerName) + PART);
        try {
            Files.move(part, outbox.resolve(answerName), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the outbox cannot rename atomically", e);
        }
        force(outbox); // the rename itself survives a crash
    }

    private static void force(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every file system lets a directory be opened; the change is atomic either way
        }
    }

    @Override
    public List<Entry> answers() throws IOException {
        return list(outbox, name -> !name.endsWith(PART));
    }

    @Override
    public List<Entry> parts() throws IOException {
        return list(outbox, name -> name.endsWith(PART));
    }

    @Override
    public void eraseAnswer(String answerName) throws IOException {
        Files.deleteIfExists(outbox.resolve(checked(answerName)));
    }

    private static List<Entry> list(Path dir, Predicate<String> wanted) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!wanted.test(name)) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        out.add(new Entry(name, a.size(), a.lastModifiedTime().toInstant()));
                    }
                } catch (NoSuchFileException gone) {
                    // removed while listing
                }
            }
        }
        out.sort(Comparator.comparing(Entry::modified).thenComparing(Entry::name));
        return out;
    }

    /** A name from a listing or the ledger is one path element; nothing may climb out of the folder. */
    private static String checked(String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a file name of a drop folder");
        }
        return name;
    }
}
