package jp.tokyo.juki.platform;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The passwords of the embedded PostgreSQL's login roles: made (256 random bits each) at the
 * first start and kept in {@code <data>/pg-credentials.properties}, mode 0600, beside the
 * database directory — as the broker's login is kept (see {@link BrokerAccess}). The database
 * asks every connection for its password ({@code scram-sha-256} in {@code pg_hba.conf}; initdb's
 * {@code trust} is replaced at start), so only the OS user that runs the gateway, who can read
 * this file, gets in: the gateway's pools and the operator tools ({@code audit}, {@code dlq},
 * {@code link status}, {@code approvals}, …) that run as that user on the same data directory.
 */
public final class DatabaseLogins {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseLogins.class);
    public static final String FILE = "pg-credentials.properties";
    /** the owner (initdb's superuser): migrations, the audit writer, operator tools */
    public static final String OWNER = "postgres";
    /** what pg_hba.conf says once the gateway has started on a data directory */
    static final String HBA = """
            # written by juki-gateway: every login needs its password (kept in ../%s, mode 0600)
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            local   all       all                 scram-sha-256
            host    all       all   127.0.0.1/32  scram-sha-256
            host    all       all   ::1/128       scram-sha-256
            """.formatted(FILE);

    private final Path file;
    private final Properties passwords;
    private final boolean made;
    /** the gateway's own instance adds a role a migration made; an operator tool's only reads */
    private final boolean mayAdd;

    private DatabaseLogins(Path file, Properties passwords, boolean made, boolean mayAdd) {
        this.file = file;
        this.passwords = passwords;
        this.made = made;
        this.mayAdd = mayAdd;
    }

    /** The logins of the gateway whose data directory this is (for operator tools and tests: read only). */
    public static DatabaseLogins of(Path dataDir) throws IOException {
        Path file = dataDir.toAbsolutePath().resolve(FILE);
        if (!Files.exists(file)) {
            throw new IOException(file + " not found (has a gateway started with this data directory?)");
        }
        return new DatabaseLogins(file, read(file), false, false);
    }

    /** Read, or made with the owner's password when there is none yet (the gateway's start). */
    static DatabaseLogins openOrMake(Path dataDir) throws IOException {
        Path file = dataDir.toAbsolutePath().resolve(FILE);
        if (Files.exists(file)) {
            return new DatabaseLogins(file, read(file), false, true);
        }
        DatabaseLogins logins = new DatabaseLogins(file, new Properties(), true, true);
        logins.password(OWNER);
        return logins;
    }

    /** whether this start made the file (a new data directory, one of an older gateway, or the file was lost) */
    boolean made() {
        return made;
    }

    /**
     * The password of {@code role}; for the gateway's own use a role without one gets one made
     * and written at once.
     *
     * @throws IllegalStateException for an operator tool asking for a role the file does not hold
     */
    public synchronized String password(String role) {
        String p = passwords.getProperty(role);
        if (p != null) {
            return p;
        }
        if (!mayAdd) {
            throw new IllegalStateException(file + " holds no password for " + role);
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        p = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        passwords.setProperty(role, p);
        try {
            write();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** written to a 0600 file first, then renamed: never readable by others, never half written */
    private void write() throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            passwords.store(w, "passwords of the embedded PostgreSQL's roles (made by the gateway; operator tools read them)");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        if (p.getProperty(OWNER) == null) {
            throw new IOException(file + " has no password for " + OWNER);
        }
        return p;
    }

    /** Whether {@code pgDir/pg_hba.conf} is already the one this class writes. */
    static boolean hbaIsOurs(Path pgDir) throws IOException {
        Path hba = pgDir.resolve("pg_hba.conf");
        return Files.exists(hba) && Files.readString(hba, StandardCharsets.UTF_8).equals(HBA);
    }

    /**
     * Lets the owner in without a password until {@link #requirePasswords} — only for a data
     * directory whose logins file was lost (a new one was just made): its roles get new passwords.
     */
    static void trustLocalUntilStarted(Path pgDir) throws IOException {
        Path hba = pgDir.resolve("pg_hba.conf");
        if (Files.exists(hba)) {
            LOG.warn("embedded PostgreSQL: {} was missing; its roles get new passwords at this start", FILE);
            writeHba(hba, "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n");
        }
    }

    /**
     * Gives every login role without a password its own (the owner's first), and, unless done
     * already, replaces {@code pg_hba.conf} with {@link #HBA} and reloads it: from then on no role
     * logs in without its password. Called at start before the migrations, and after them for the
     * roles they made; {@code everyRole} when the logins file was made this start (every role's
     * password is set anew, whatever it had).
     */
    void requirePasswords(Connection owner, Path pgDir, boolean everyRole) throws SQLException, IOException {
        List<String> without = new ArrayList<>();
        try (Statement st = owner.createStatement();
             ResultSet rs = st.executeQuery("SELECT rolname FROM pg_authid WHERE rolcanlogin"
                     + (everyRole ? "" : " AND rolpassword IS NULL") + " ORDER BY rolname <> current_user, rolname")) {
            while (rs.next()) {
                without.add(rs.getString(1));
            }
        }
        for (String role : without) {
            try (Statement st = owner.createStatement()) {
                // the password is ours (base64url: no quote can occur); scram-sha-256 is PostgreSQL's default encryption
                st.execute("SET password_encryption = 'scram-sha-256'");
                st.execute("ALTER ROLE " + quoteIdent(role) + " PASSWORD '" + password(role) + "'");
            }
        }
        if (!without.isEmpty()) {
            LOG.info("embedded PostgreSQL: passwords set for {} role(s) ({})", without.size(), String.join(", ", without));
        }
        if (!hbaIsOurs(pgDir)) {
            writeHba(pgDir.resolve("pg_hba.conf"), HBA);
            try (Statement st = owner.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_reload_conf()")) {
                rs.next();
            }
            LOG.info("embedded PostgreSQL: pg_hba.conf now asks every login for its password (scram-sha-256)");
        }
    }

    private static void writeHba(Path hba, String content) throws IOException {
        Path tmp = hba.resolveSibling("pg_hba.conf.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, hba, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String quoteIdent(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    @Override
    public String toString() {
        return "DatabaseLogins[" + file + "]";
    }
}
