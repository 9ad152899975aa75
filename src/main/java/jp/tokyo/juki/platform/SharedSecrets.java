package jp.tokyo.juki.platform;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;

/**
 * The fingerprints of the secrets every node of one gateway must hold the same copy of (issue 14:
 * the audit HMAC key, the SFTP host key, the CA), in {@code cluster.secret}. The first node to start
 * records each; every later start compares its own with the recorded one. A fingerprint reveals
 * nothing of its secret: the caller makes it (an HMAC of a constant under a key, a hash of a public key
 * or certificate), this class only stores and compares bytes.
 */
public final class SharedSecrets {
    /** How many hex characters of a fingerprint a message shows. */
    public static final int SHOWN = 12;

    /** One secret's fingerprint on this node: its name in the table and the file it comes from (for messages). */
    public record Fingerprint(String name, String file, byte[] value) {
        public Fingerprint {
            value = value.clone();
        }

        /** The first {@link #SHOWN} hex characters. */
        public String shown() {
            return SharedSecrets.shown(value);
        }
    }

    /** A secret whose fingerprint on this node differs from the one the cluster recorded. */
    public record Mismatch(String name, String file, String mine, String recorded, String firstNode) {
        /** One line naming the secret, its file, both fingerprints (their first characters) and the node that recorded it. */
        public String describe() {
            return "shared secret " + name + " (" + file + ") differs from the cluster's: this node has " + mine
                    + "…, the cluster recorded " + recorded + "… (first recorded by node " + firstNode + ")";
        }
    }

    private SharedSecrets() {
    }

    /**
     * Records each fingerprint not yet recorded (this node first) and returns those that differ from the
     * recorded ones; empty when every secret is the cluster's.
     */
    public static List<Mismatch> check(DataSource database, String nodeId, List<Fingerprint> fingerprints) throws SQLException {
        List<Mismatch> differ = new ArrayList<>();
        try (Connection c = database.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO cluster.secret (name, fingerprint, first_node) "
                     + "VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING");
             PreparedStatement read = c.prepareStatement("SELECT fingerprint, first_node FROM cluster.secret WHERE name = ?")) {
            c.setAutoCommit(true);
            for (Fingerprint f : fingerprints) {
                insert.setString(1, f.name());
                insert.setBytes(2, f.value());
                insert.setString(3, nodeId);
                insert.executeUpdate();
                read.setString(1, f.name());
                try (ResultSet rs = read.executeQuery()) {
                    rs.next();
                    byte[] recorded = rs.getBytes(1);
                    if (!MessageDigest.isEqual(recorded, f.value())) {
                        differ.add(new Mismatch(f.name(), f.file(), f.shown(), shown(recorded), rs.getString(2)));
                    }
                }
            }
        }
        return differ;
    }

    /** The first {@link #SHOWN} hex characters of a fingerprint. */
    public static String shown(byte[] fingerprint) {
        String hex = HexFormat.of().formatHex(fingerprint);
        return hex.substring(0, Math.min(SHOWN, hex.length()));
    }

    /** SHA-256 of the given parts, in order (the fingerprint of a public key or a certificate bundle). */
    public static byte[] sha256(List<byte[]> parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            parts.forEach(d::update);
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
