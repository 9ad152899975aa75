package jp.tokyo.juki.consistency;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Rows in PostgreSQL's binary COPY format (header, tuples, trailer), so that a chunk of staged
 * digests or a batch of result entries goes to the server in one {@code COPY … FROM STDIN
 * (FORMAT binary)} without text escaping or parsing on either side.
 */
final class BinaryCopy {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    private final ByteArrayOutputStream bytes;
    private final DataOutputStream out;
    private int rows;

    BinaryCopy(int expectedBytes) {
        bytes = new ByteArrayOutputStream(expectedBytes);
        out = new DataOutputStream(bytes);
        try {
            out.write(SIGNATURE);
            out.writeInt(0); // flags: no OIDs
            out.writeInt(0); // no header extension
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    BinaryCopy row(int fields) {
        rows++;
        try {
            out.writeShort(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BinaryCopy int8(long v) {
        try {
            out.writeInt(8);
            out.writeLong(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BinaryCopy int4(int v) {
        try {
            out.writeInt(4);
            out.writeInt(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BinaryCopy int2(short v) {
        try {
            out.writeInt(2);
            out.writeShort(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A bytea of 64-bit values, big-endian. */
    BinaryCopy longs(long[] values) {
        try {
            out.writeInt(8 * values.length);
            for (long v : values) {
                out.writeLong(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    int rows() {
        return rows;
    }

    /** The complete COPY data, trailer included. */
    byte[] finish() {
        try {
            out.writeShort(-1);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
