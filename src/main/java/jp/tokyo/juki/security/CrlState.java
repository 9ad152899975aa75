package jp.tokyo.juki.security;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The highest CRL seen of each CA, kept across restarts for {@link RevocationList} in
 * {@link RevocationList#STATE_FILE} beside {@code crl.pem} (0600, written atomically, keyed by a
 * hash of the CA's subject and key): its {@code cRLNumber} and issue time, so an older
 * {@code crl.pem} put back while the gateway was stopped is noticed. With several nodes on one database the
 * highest of every node is kept there too ({@code cluster.crl_seen}, issue 14): this node takes the higher of
 * its file and the table, and raises both, so no node goes back to a CRL older than one any node put in
 * force. Logs under {@link RevocationList}'s name.
 */
final class CrlState {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationList.class);

    private final Path file;
    private final Properties state;
    private final DataSource shared;
    private final Set<String> raised = new HashSet<>();

    private CrlState(Path file, Properties state, DataSource shared) {
        this.file = file;
        this.state = state;
        this.shared = shared;
    }

    /** The highest CRL seen of each CA across restarts; empty when there is no state yet. */
    static CrlState read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * The highest CRL seen of each CA across restarts, by this node ({@code file}) or, when {@code shared} is
     * not null, by any node ({@code cluster.crl_seen}); a table that cannot be read leaves this node's own
     * (logged).
     */
    static CrlState read(Path file, DataSource shared) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        CrlState state = new CrlState(file, p, shared);
        if (shared != null) {
            // what this node knows and the table does not yet (a node that ran alone before) goes there too
            for (String name : p.stringPropertyNames()) {
                if (name.endsWith(".thisUpdate")) {
                    state.raised.add(name.substring(0, name.length() - ".thisUpdate".length()));
                }
            }
            try (Connection c = shared.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT ca_key, crl_number, this_update FROM cluster.crl_seen");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BigDecimal n = rs.getBigDecimal(2);
                    state.merge(rs.getString(1), n == null ? null : n.toBigIntegerExact(), rs.getTimestamp(3).getTime());
                }
            } catch (SQLException | ArithmeticException e) {
                LOG.warn("cluster.crl_seen cannot be read ({}): this node compares CRLs with its own {} only",
                        e.getClass().getSimpleName(), file.getFileName());
            }
        }
        return state;
    }

    /** Takes another node's highest CRL of the CA keyed {@code key} where it is higher than this node's. */
    private void merge(String key, BigInteger number, long thisUpdate) {
        String mine = state.getProperty(key + ".number");
        long myIssued = Long.parseLong(state.getProperty(key + ".thisUpdate", "0"));
        if ((mine == null || number != null && number.compareTo(new BigInteger(mine)) >= 0) && thisUpdate >= myIssued) {
            raised.remove(key); // the table has it already
        }
        if (number != null && (mine == null || number.compareTo(new BigInteger(mine)) > 0)) {
            state.setProperty(key + ".number", number.toString());
        }
        if (thisUpdate > Long.parseLong(state.getProperty(key + ".thisUpdate", "0"))) {
            state.setProperty(key + ".thisUpdate", Long.toString(thisUpdate));
        }
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
            raised.add(key);
            return true;
        }
        return false;
    }

    /** Whether the shared table lacks something this node knows (written by {@link #write}). */
    boolean sharedBehind() {
        return shared != null && !raised.isEmpty();
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
        if (shared != null && !raised.isEmpty()) {
            writeShared();
        }
    }

    /** Raises the cluster's highest CRL of each CA this node raised (never lowers it: GREATEST ignores a null). */
    private void writeShared() {
        try (Connection c = shared.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO cluster.crl_seen (ca_key, crl_number, this_update) "
                     + "VALUES (?, ?, ?) ON CONFLICT (ca_key) DO UPDATE SET "
                     + "crl_number = GREATEST(cluster.crl_seen.crl_number, EXCLUDED.crl_number), "
                     + "this_update = GREATEST(cluster.crl_seen.this_update, EXCLUDED.this_update)")) {
            c.setAutoCommit(true);
            for (String key : raised) {
                String n = state.getProperty(key + ".number");
                ps.setString(1, key);
                ps.setBigDecimal(2, n == null ? null : new BigDecimal(n));
                ps.setTimestamp(3, Timestamp.from(Instant.ofEpochMilli(Long.parseLong(state.getProperty(key + ".thisUpdate")))));
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            LOG.warn("cluster.crl_seen cannot be written ({}): other nodes do not learn of this CRL until it can",
                    e.getClass().getSimpleName());
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
