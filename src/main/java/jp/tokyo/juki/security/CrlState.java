package jp.tokyo.juki.security;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The highest CRL seen of each CA, kept across restarts for {@link RevocationList} in
 * {@link RevocationList#STATE_FILE} beside {@code crl.pem} (0600, written atomically, keyed by a
 * hash of the CA's subject and key): its {@code cRLNumber} and issue time, so an older
 * {@code crl.pem} put back while the gateway was stopped is noticed. Logs under
 * {@link RevocationList}'s name.
 */
final class CrlState {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationList.class);

    private final Path file;
    private final Properties state;

    private CrlState(Path file, Properties state) {
        this.file = file;
        this.state = state;
    }

    /** The highest CRL seen of each CA across restarts; empty when there is no state yet. */
    static CrlState read(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return new CrlState(file, p);
    }

    /** The highest {@code cRLNumber} seen of {@code ca}, or null. */
    BigInteger number(X509Certificate ca) {
        String n = state.getProperty(key(ca) + ".number");
        return n == null ? null : new BigInteger(n);
    }

    /** The latest issue time (epoch ms) seen of a CRL of {@code ca}, or 0. */
    long issued(X509Certificate ca) {
        return Long.parseLong(state.getProperty(key(ca) + ".thisUpdate", "0"));
    }

    /** Records {@code crl} (its number {@code n}, may be null) of {@code ca} if it is newer; whether it was. */
    boolean raise(X509Certificate ca, BigInteger n, X509CRL crl) {
        BigInteger seenNumber = number(ca);
        if (n != null && (seenNumber == null || n.compareTo(seenNumber) > 0)
                || crl.getThisUpdate().getTime() > issued(ca)) {
            String key = key(ca);
            if (n != null) {
                state.setProperty(key + ".number", n.toString());
            }
            state.setProperty(key + ".thisUpdate", Long.toString(crl.getThisUpdate().getTime()));
            return true;
        }
        return false;
    }

    void write() {
        try {
            StringWriter w = new StringWriter();
            state.store(w, "the highest CRL seen of each CA of ca.pem (by a hash of its subject and key); "
                    + "an older crl.pem is refused at start");
            KeyFiles.writePrivately(file, w.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("{} cannot be written ({}): an older CRL put back before a restart would not be noticed",
                    file, e.getMessage());
        }
    }

    /** The key of a CA in the state file: SHA-256 of its subject and public key (hex, 32 characters). */
    static String key(X509Certificate ca) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(ca.getSubjectX500Principal().getEncoded());
            d.update(ca.getPublicKey().getEncoded());
            return "ca." + HexFormat.of().formatHex(d.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
