package jp.tokyo.juki.agency;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 (hex) of an agency's request file, by which the ledger recognises it: a file found
 * again after a crash is known by its digest, and one replaced under the same name is another file.
 */
final class RequestDigest {
    private RequestDigest() {
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of a request, read as a stream. */
    static String of(DropFolder drop, String name) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = drop.openRequest(name)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
