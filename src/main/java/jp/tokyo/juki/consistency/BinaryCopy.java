package jp.tokyo.juki.consistency;

import java.util.Arrays;

/**
 * Rows in PostgreSQL's binary COPY format (header, tuples, trailer), so that a chunk of staged
 * digests or a batch of result entries goes to the server in one {@code COPY … FROM STDIN
 * (FORMAT binary)} without text escaping or parsing on either side. Written straight into a
 * growing array (a stream per value costs more than the values).
 */
final class BinaryCopy {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    private byte[] buf;
    private int len;
    private int rows;

    BinaryCopy(int expectedBytes) {
        buf = new byte[Math.max(64, expectedBytes)];
        System.arraycopy(SIGNATURE, 0, buf, 0, SIGNATURE.length);
        len = SIGNATURE.length;
        putInt(0); // flags: no OIDs
        putInt(0); // no header extension
    }

    BinaryCopy row(int fields) {
        rows++;
        putShort(fields);
        return this;
    }

    BinaryCopy int8(long v) {
        putInt(8);
        putLong(v);
        return this;
    }

    BinaryCopy int4(int v) {
        putInt(4);
        putInt(v);
        return this;
    }

    BinaryCopy int2(short v) {
        putInt(2);
        putShort(v);
        return this;
    }

    /** A bytea of 64-bit values, big-endian. */
    BinaryCopy longs(long[] values) {
        putInt(8 * values.length);
        for (long v : values) {
            putLong(v);
        }
        return this;
    }

    int rows() {
        return rows;
    }

    /** The complete COPY data, trailer included. */
    byte[] finish() {
        putShort(-1);
        return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }

    private void room(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    private void putShort(int v) {
        room(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void putInt(int v) {
        room(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
