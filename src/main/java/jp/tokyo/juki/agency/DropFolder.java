package jp.tokyo.juki.agency;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import jp.tokyo.juki.wire.AgencyFileFormat;

/**
 * One agency's drop folder as the gateway uses it (PROTOCOL §4): it reads final request names
 * from {@code inbox/} and writes answers to {@code outbox/} under a temporary name first, then
 * renames, so the agency never sees half an answer. The local folder of the embedded SFTP
 * server is one implementation; an external SFTP server is another.
 */
public interface DropFolder extends AutoCloseable {
    String REQUEST = AgencyFileFormat.REQUEST;
    String PART = ".part";

    /** A file in a folder: its final name, size and last change. */
    record Entry(String name, long size, Instant modified) {
    }

    /** The complete requests waiting in {@code inbox/}: names ending {@code .req.p7m}, oldest first. */
    List<Entry> requests() throws IOException;

    byte[] readRequest(String name) throws IOException;

    /**
     * A request to read as a stream (the caller closes it). A folder that cannot stream reads
     * the file whole (it is at most {@code juki.agency.max-file-mib}).
     */
    default InputStream openRequest(String name) throws IOException {
        return new ByteArrayInputStream(readRequest(name));
    }

    /** Whether {@link #openRequest} streams; else a request is in memory whole while it is read. */
    default boolean streams() {
        return false;
    }

    /** Writes what is written to an output stream; the stream is not closed by the writer. */
    @FunctionalInterface
    interface PartWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Removes an answered request from {@code inbox/}; one already gone is no error. */
    void removeRequest(String name) throws IOException;

    /** Writes {@code outbox/<name>.part}, durably, where the agency ignores it. */
    void writePart(String answerName, byte[] content) throws IOException;

    /**
     * {@link #writePart(String, byte[])} with the content written as a stream; a folder that
     * cannot stream gathers it first.
     */
    default void writePart(String answerName, PartWriter content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        content.write(out);
        writePart(answerName, out.toByteArray());
    }

    /** Whether {@code outbox/<name>.part} is there (an answer written but not yet published). */
    boolean hasPart(String answerName) throws IOException;

    /** Renames {@code outbox/<name>.part} to {@code outbox/<name>}, replacing an older answer of that name. */
    void publish(String answerName) throws IOException;

    /** The answers in {@code outbox/} (final names). */
    List<Entry> answers() throws IOException;

    /** The unpublished answers ({@code outbox/*.part}). */
    List<Entry> parts() throws IOException;

    /** Erases an answer (or a {@code .part}) from {@code outbox/}; one already gone is no error. */
    void eraseAnswer(String answerName) throws IOException;

    @Override
    default void close() throws IOException {
    }
}
