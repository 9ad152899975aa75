package jp.tokyo.juki.security;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An output stream whose {@link #close} only flushes: the stream under it stays open for its
 * owner (the agency answer's file under the CMS generators, a ZIP entry under a record writer).
 */
public final class CloseShield extends FilterOutputStream {
    public CloseShield(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
